"""Notifications: an outbox event written with the change it reports, fanned out by the notifier on the
outbox table's stream (the same handler as the Lambda), kept in the app, pushed as WeChat subscribe
messages through the stand-in; failures stay pending and are retried, 43101 is final, an expired access
token is refreshed once per batch, N failures end in the managers' failed list."""
from datetime import timedelta

import pytest

from medpool import clock
from medpool.models.notification import Notification
from medpool.services.notify import delivery as notifications
from medpool.wechat.client import shape_value
from tests.support import make_loan


@pytest.fixture
def wx(api, wechat):
    wechat.reset_messages()
    yield wechat
    wechat.reset_messages()
    clock.freeze(None)


def _mine(api, openid):
    """The user's notification list, read at the real time (sessions do not follow the frozen clock)."""
    frozen = clock._frozen
    clock.freeze(None)
    try:
        reply = api.get("/notifications", api.login(openid))
    finally:
        clock.freeze(frozen)
    assert reply.status == 200
    return reply.body["items"]


def _later(minutes):
    clock.freeze(clock.now() + timedelta(minutes=minutes))


def test_each_loan_step_notifies_the_applicant_in_app_and_by_wechat(api, wx, notifier):
    make_loan("returned")
    assert not wx.sent  # nothing is pushed from the request
    notifier.drain()
    events = [n["event"] for n in _mine(api, "demo-nurse-icu")]
    assert sorted(events) == ["loan_approved", "loan_handed_over", "loan_returned"]
    assert all(n["state"] == "sent" for n in _mine(api, "demo-nurse-icu"))
    assert [m["touser"] for m in wx.sent] == ["demo-nurse-icu"] * 3
    first = wx.sent[0]
    assert first["template_id"] == "LOCAL_TEMPLATE_LOAN_RESULT" and first["data"]["phrase3"]["value"] == "已批准"
    assert first["page"].startswith("pages/loan-detail/index?id=")
    assert len(wx.token_requests) == 1  # one token, shared through DynamoDB by every request


def test_urgent_requests_reach_the_managers(api, wx, notifier):
    make_loan("pending", urgency="emergency", key="urgent-loan-0001")
    notifier.drain()
    for manager in ("demo-manager", "demo-admin"):
        [notice] = _mine(api, manager)
        assert notice["event"] == "new_request"
    assert {m["touser"] for m in wx.sent} == {"demo-manager", "demo-admin"}
    assert {m["data"]["phrase3"]["value"] for m in wx.sent} == {"抢救"}
    make_loan("pending", urgency="routine", key="routine-loan-0001", device_id="MON-002")
    notifier.drain()
    assert len(_mine(api, "demo-manager")) == 1  # routine requests do not page the managers


def test_wechat_outage_loses_nothing(api, wx, notifier):
    wx.down = True
    loan = make_loan("approved")
    notifier.drain()
    assert loan.status == "approved"  # the change itself never depends on WeChat
    [notice] = _mine(api, "demo-nurse-icu")
    assert notice["state"] == "pending"
    stats = notifications.deliver_pending()
    assert stats.sent == 0  # not due yet (backoff)
    wx.down = False
    _later(2)
    stats = notifications.deliver_pending()
    assert stats.sent == 1 and [m["touser"] for m in wx.sent] == ["demo-nurse-icu"]
    assert _mine(api, "demo-nurse-icu")[0]["state"] == "sent"
    assert notifications.deliver_pending().sent == 0  # sent once


def test_an_expired_token_is_refreshed_once_not_per_message(api, wx, notifier):
    make_loan("pending", urgency="emergency", key="urgent-loan-0002")
    notifier.drain()  # fetches the first token
    assert len(wx.token_requests) == 1
    wx.down = True
    make_loan("pending", urgency="urgent", key="urgent-loan-0003", device_id="MON-002")
    make_loan("pending", urgency="urgent", key="urgent-loan-0004", device_id="MON-003")
    notifier.drain()
    wx.down = False
    wx.expire_tokens()
    _later(2)
    stats = notifications.deliver_pending()
    assert stats.sent == 4
    assert len(wx.token_requests) == 2  # one refresh for the whole batch
    assert not any(r["force_refresh"] for r in wx.token_requests)


def test_not_subscribed_is_final(api, wx, notifier):
    wx.not_subscribed.add("demo-nurse-icu")
    make_loan("approved")
    notifier.drain()
    [notice] = _mine(api, "demo-nurse-icu")
    assert notice["state"] == "not_subscribed"
    _later(10)
    assert notifications.deliver_pending().sent == 0 and not wx.sent


def test_given_up_after_n_tries_shown_to_managers_and_resendable(api, wx, notifier):
    wx.send_errcode = -1  # system busy, every time
    make_loan("approved")
    notifier.drain()
    for _ in range(6):
        _later(200)
        notifications.deliver_pending()
    [notice] = _mine(api, "demo-nurse-icu")
    assert notice["state"] == "failed"
    clock.freeze(None)
    manager = api.login("demo-manager")
    [failed] = api.get("/outbox", manager).body["items"]
    assert failed["attempts"] == 5 and failed["last_error"].startswith("-1")
    assert api.get("/outbox", api.login("demo-nurse-icu")).status == 403
    wx.send_errcode = 0
    reply = api.post(f"/outbox/{failed['id']}/retry", None, manager)
    assert reply.status == 200 and not wx.sent  # queued by the request, pushed by the notifier
    notifier.drain()
    assert _mine(api, "demo-nurse-icu")[0]["state"] == "sent"
    assert api.get("/outbox", manager).body["items"] == []
    assert api.post(f"/outbox/{failed['id']}/retry", None, manager).error_code == "notification_not_failed"
    assert api.post("/outbox/NOPE/retry", None, manager).status == 404


def test_values_too_long_for_wechat_are_shaped_not_refused(api, wx, notifier):
    loan = make_loan("pending")
    manager = api.login("demo-manager")
    assert api.post(f"/loans/{loan.id}/reject", {"reason": "设备全部外借，" * 20}, manager).status == 200
    notifier.drain()
    [message] = wx.sent
    assert len(message["data"]["thing5"]["value"]) == 20
    assert _mine(api, "demo-nurse-icu")[0]["state"] == "sent"


def test_shape_value_fits_each_keyword_type():
    assert len(shape_value("thing1", "长" * 30)) == 20
    assert shape_value("phrase2", "已批准 OK!") == "已批准"
    assert shape_value("character_string3", "L123 中文-x") == "L123-x"
    assert len(shape_value("character_string3", "x" * 40)) == 32
    assert shape_value("thing4", "") == "-"


def test_without_a_template_the_notification_stays_in_the_app(api, wx, monkeypatch, notifier):
    from medpool.config import get_settings

    monkeypatch.setattr(type(get_settings()), "template_id", lambda self, name: None)
    make_loan("approved")
    notifier.drain()
    [notice] = _mine(api, "demo-nurse-icu")
    assert notice["state"] == "in_app" and not wx.sent
    assert Notification.get(notice["id"]).queue is None
    assert Notification.get(notice["id"]).expires_at is not None  # delivered in the app: kept 180 days


def test_only_delivered_notifications_expire_after_their_retention(api, wx, notifier):
    """docs/retention.md: sent, not subscribed (final) or in-app only: kept 180 days, then DynamoDB's TTL; a failed
    one keeps no expiry until it is resent and delivered."""
    from medpool.services.notify.keep import KEEP_DELIVERED

    wx.send_errcode = -1
    make_loan("approved")
    notifier.drain()
    for _ in range(6):
        _later(200)
        notifications.deliver_pending()
    [failed] = _mine(api, "demo-nurse-icu")
    assert failed["state"] == "failed" and Notification.get(failed["id"]).expires_at is None
    clock.freeze(None)
    wx.send_errcode = 0
    api.post(f"/outbox/{failed['id']}/retry", None, api.login("demo-manager"))
    notifier.drain()
    sent = Notification.get(failed["id"])
    assert sent.state == "sent"
    assert abs((sent.expires_at - clock.now()) - KEEP_DELIVERED).total_seconds() < 60
