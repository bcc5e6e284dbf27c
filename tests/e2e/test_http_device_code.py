"""A binary answer through the real HTTP server: the device code arrives as PNG bytes."""
import pytest

pytestmark = pytest.mark.e2e


def test_device_code_over_http(live_api, standin):
    standin[1].reset_messages()
    token = live_api.login("demo-manager")
    reply = live_api.get("/devices/MON-001/code", token, headers={"Accept": "image/png"})
    assert reply.status == 200 and reply.headers["Content-Type"] == "image/png"
    assert reply.body.startswith(b"\x89PNG\r\n\x1a\n")
