"""Through real HTTP (the API server process) with the notifier reading DynamoDB Local's stream in this
process, as `make run` runs them: an emergency request answers without any WeChat call, and its pushes then
reach every manager through the stream."""
import time

import pytest

from local.notify_stream import StreamWorker
from tests.support import iso_in

pytestmark = pytest.mark.e2e


def _subscribe_calls(wx):
    return [c for c in wx.calls if c["path"] == "/cgi-bin/message/subscribe/send"]


def test_an_emergency_request_reaches_the_managers_through_the_stream(live_api, standin):
    _, wx = standin
    wx.reset_messages()
    nurse = live_api.login("demo-nurse-em")
    before = len(_subscribe_calls(wx))
    reply = live_api.post("/loans", {"category_id": "hfnc", "urgency": "emergency", "reason": "抢救",
                                     "expected_return_at": iso_in(12)}, nurse, headers={"Idempotency-Key": "e2e-notify-1"})
    assert reply.status == 201
    assert len(_subscribe_calls(wx)) == before  # the request pushed nothing itself
    worker = StreamWorker(start_at="TRIM_HORIZON").start()  # this module's outbox: this test's events only
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and len(wx.sent) < 2:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert sorted(m["touser"] for m in wx.sent) == ["demo-admin", "demo-manager"]
    assert {m["data"]["character_string1"]["value"] for m in wx.sent} == {reply.body["id"]}
