"""On DynamoDB Local: notifications leave through the outbox table's stream. A committed change reaches the
WeChat stand-in through the notifier reading the stream (as `make run` runs it), never from the request;
redelivering the same stream records sends nothing twice; a new urgent request reaches every active
manager and admin (the users' role index follows approvals, disabling, deletion and role changes) and
nobody else; a record whose fan-out fails is reported and processed again."""
import time
from collections import Counter

import pytest

from local.dynamodb_counter import count_dynamodb
from local.notify_stream import StreamWorker
from medpool.models.notification import Notification
from medpool.models.notify_event import NotifyEvent
from medpool.models.user import User
from medpool.services import loan_flow, users
from medpool.services.notify import fanout
from medpool.services.notify.stream import handle
from tests.support import make_loan

ADMIN = "demo-admin"


def _wait_for(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_committed_approve_reaches_the_standin_through_the_stream_worker(wx):
    worker = StreamWorker().start()
    try:
        loan = make_loan("pending", device_id="MON-001", key="stream-approve-0001")
        approved = loan_flow.approve(User.get("demo-manager"), loan.id, "MON-001")
        assert not wx.sent  # the request committed; nothing was pushed from it
        assert _wait_for(lambda: any(m["data"]["character_string1"]["value"] == approved.id for m in wx.sent))
    finally:
        worker.stop()
    [message] = [m for m in wx.sent if m["data"]["character_string1"]["value"] == approved.id]
    assert message["touser"] == "demo-nurse-icu" and message["data"]["phrase3"]["value"] == "已批准"
    [notice] = [n for n in Notification.by_user.query("demo-nurse-icu") if n.loan_id == approved.id]
    assert notice.state == "sent" and notice.event == "loan_approved"
    assert NotifyEvent.get(notice_event_id(approved.id), consistent_read=True).sweep is None  # fanned out


def notice_event_id(loan_id):
    from medpool.services.notify.outbox import event_id

    return event_id(loan_id, "loan_approved")


def test_redelivering_the_same_records_sends_nothing_twice(wx):
    seen = []

    def recording(event):
        seen.extend(event["Records"])
        return handle(event)

    worker = StreamWorker(handler=recording)
    make_loan("in_use", device_id="MON-003", key="stream-redeliver-0001")  # approved + handed over
    worker.drain()
    inserts = [r for r in seen if r["eventName"] == "INSERT"]
    assert len(inserts) == 2 and len(wx.sent) == 2
    stored = {n.id: n.serialize() for n in Notification.by_user.query("demo-nurse-icu")}
    for _ in range(2):  # the mapping may deliver a batch again (retry, bisect, a crash after the send)
        assert handle({"Records": seen}) == {"batchItemFailures": []}
    assert len(wx.sent) == 2
    assert Counter(m["data"]["phrase3"]["value"] for m in wx.sent) == Counter({"已批准": 1, "已交接": 1})
    again = {n.id: n.serialize() for n in Notification.by_user.query("demo-nurse-icu")}
    assert again == stored  # not rewritten, not re-claimed


@pytest.fixture
def staff():
    """Managers in every state the role index must follow: approved, disabled, deleted, demoted, pending."""
    admin = User.get(ADMIN)
    created = []

    def add(openid, role, status="active"):
        user = User(openid, name=openid, department_id="SBK", role=role, status="pending",
                    registered_at="2026-01-01T00:00:00Z")
        user.save()
        created.append(openid)
        if status != "pending":
            users.update_user(admin, openid, {"status": "active"})
        return user

    for n in range(10):
        add(f"stream-manager-{n:02d}", "manager")
    add("stream-disabled", "manager")
    users.update_user(admin, "stream-disabled", {"status": "disabled"})
    add("stream-deleted", "manager")
    users.delete_user(admin, "stream-deleted")
    add("stream-demoted", "manager")
    users.update_user(admin, "stream-demoted", {"role": "applicant"})
    add("stream-pending", "manager", status="pending")
    add("stream-promoted", "applicant")
    users.update_user(admin, "stream-promoted", {"role": "manager"})
    yield created
    for openid in created:
        User.get(openid).delete()


def test_a_new_urgent_request_reaches_every_active_manager_and_nobody_else(wx, notifier, staff):
    expected = {"demo-admin", "demo-manager", "stream-promoted"} | {f"stream-manager-{n:02d}" for n in range(10)}
    assert set(fanout.managers()) == expected  # the role index: exactly the active managers and admins
    nurse = User.get("demo-nurse-em")
    from medpool.services import loans
    from tests.support import iso_in

    calls = len(wx.calls)
    with count_dynamodb() as usage:
        loans.create_loan(nurse, loans.LoanRequest("hfnc", None, "emergency", "抢救", iso_in(12)), "stream-urgent-01")
    assert "Query" not in usage.calls and "Scan" not in usage.calls  # no recipient lookup in the request
    assert len(wx.calls) == calls  # nor any WeChat call
    notifier.drain()
    told = Counter(m["touser"] for m in wx.sent)
    assert told == Counter({openid: 1 for openid in expected})
    assert {m["data"]["phrase3"]["value"] for m in wx.sent} == {"抢救"}


def test_a_failed_fan_out_is_reported_and_the_mapping_processes_it_again(wx, monkeypatch):
    worker = StreamWorker()
    make_loan("approved", device_id="MON-004", key="stream-fail-0001")
    real, calls = fanout.fan_out, []

    def flaky(item):
        calls.append(item.id)
        if len(calls) == 1:
            raise RuntimeError("DynamoDB hiccup")
        return real(item)

    monkeypatch.setattr(fanout, "fan_out", flaky)
    worker.drain()
    assert len(calls) == 2 and calls[0] == calls[1]  # reported, read again from that record, then done
    assert [m["touser"] for m in wx.sent] == ["demo-nurse-icu"]


def test_a_record_that_keeps_failing_is_skipped_and_left_to_the_sweep(wx, monkeypatch):
    from local import notify_stream
    from medpool.services.notify.outbox import event_id
    from medpool.services.notify.stream import sweep

    sweep()  # what earlier tests and the seeding left to the scheduled run (e.g. devices registered: device_freed)
    wx.reset_messages()
    worker = StreamWorker()
    loan = make_loan("in_use", device_id="MON-005", key="stream-poison-0001")  # approved, then handed over
    real, calls = fanout.fan_out, Counter()

    def poisoned(item):
        calls[item.event] += 1
        if item.event == "loan_approved":
            raise RuntimeError("always fails")
        return real(item)

    monkeypatch.setattr(fanout, "fan_out", poisoned)
    worker.drain()
    assert calls == Counter({"loan_approved": notify_stream.MAX_RETRIES + 1, "loan_handed_over": 1})
    assert [m["data"]["phrase3"]["value"] for m in wx.sent] == ["已交接"]  # the next record went on
    assert NotifyEvent.get(event_id(loan.id, "loan_approved"), consistent_read=True).sweep == "pending"
    monkeypatch.setattr(fanout, "fan_out", real)
    assert sweep()["events"] == 1  # the scheduled run delivers what the stream path gave up on
    assert sorted(m["data"]["phrase3"]["value"] for m in wx.sent) == ["已交接", "已批准"]
