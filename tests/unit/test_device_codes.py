"""Device codes through the WeChat stand-in's getwxacodeunlimit."""
import pytest

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def manager(api, wechat):
    wechat.reset_messages()
    return api.login("demo-manager")


def code(api, token, device_id, accept="image/png"):
    return api.get(f"/devices/{device_id}/code", token, headers={"Accept": accept})


def test_a_device_code_is_a_png_opening_the_device_page_with_the_label_secret(api, manager, wechat):
    from medpool.models.device import Device
    from medpool.models.record import Record

    reply = code(api, manager, "MON-001")
    assert reply.status == 200 and reply.headers["Content-Type"] == "image/png"
    assert reply.body.startswith(PNG_MAGIC)
    scene = wechat.codes[-1]["scene"]
    tag, secret = scene.split(".")
    assert (tag, secret) == ("MON-001", Device.get("MON-001").label_secret) and len(secret) == 10
    assert wechat.codes[-1]["page"] == "pages/device-detail/index" and wechat.codes[-1]["env_version"] == "develop"
    code(api, manager, "MON-001")  # printed again: the same label
    assert wechat.codes[-1]["scene"] == scene
    assert [r.action for r in Record.query("device#MON-001")].count("device.label_issue") == 1
    api.post("/devices/MON-001/code/rotate", None, manager)  # reprinted: a new secret
    code(api, manager, "MON-001")
    assert wechat.codes[-1]["scene"] != scene and wechat.codes[-1]["scene"].startswith("MON-001.")
    assert all(len(c["scene"]) <= 32 for c in wechat.codes)


def test_a_stale_access_token_is_refreshed_once(api, manager, wechat):
    code(api, manager, "MON-001")
    wechat.expire_tokens()
    requests_before = len(wechat.token_requests)
    assert code(api, manager, "MON-002").status == 200
    assert len(wechat.token_requests) - requests_before == 1


def test_errors(api, manager):
    assert code(api, manager, "NOPE").error_code == "device_not_found"
    assert code(api, manager, "MON-001", accept="application/json").error_code == "accept_header_required"
    long_id = "MON-" + "9" * 40
    api.post("/devices", {"id": long_id, "category_id": "monitor", "name": "长编号", "owner_department_id": "SBK"},
             manager)
    assert code(api, manager, long_id).error_code == "device_id_too_long_for_code"
    assert api.post(f"/devices/{long_id}/code/rotate", None, manager).error_code == "device_id_too_long_for_code"
    for tag, status in (("M" * 21, 200), ("M" * 22, 422)):  # scene: tag + "." + 10-character secret <= 32
        api.post("/devices", {"id": tag, "category_id": "monitor", "name": "编号", "owner_department_id": "SBK"},
                 manager)
        assert code(api, manager, tag).status == status


def test_a_request_that_cannot_take_the_image_does_not_reach_wechat(api, manager, wechat):
    asked = len(wechat.codes)
    assert code(api, manager, "MON-001", accept="application/json").error_code == "accept_header_required"
    assert len(wechat.codes) == asked and not any(c["path"] == "/wxa/getwxacodeunlimit" for c in wechat.calls)
