"""Issue 12 parts 1-2 through the API: disinfection between patients (cleaning -> available, by scan), and
maintenance / calibration due dates that block lending, their records, the due and cleaning lists."""
from datetime import date, timedelta

import pytest

from medpool import clock
from medpool.models.device import Device
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import upkeep
from tests.support import iso_in, label_scene, make_loan, table_counts


@pytest.fixture
def manager(api):
    return api.login("demo-manager")


@pytest.fixture
def nurse(api):
    return api.login("demo-nurse-icu")


def day(offset: int) -> str:
    return (date.fromisoformat(upkeep.today()) + timedelta(days=offset)).isoformat()


def counts(api, token, category_id="monitor"):
    return next(c for c in api.get("/categories", token).body["items"] if c["id"] == category_id)["availability"]


def apply(api, token, key, device_id=None):
    body = {"category_id": "monitor", "urgency": "urgent", "reason": "术后监护", "expected_return_at": iso_in(24)}
    if device_id:
        body["device_id"] = device_id
    return api.post("/loans", body, token, headers={"Idempotency-Key": key}).body["id"]


def test_a_disinfection_makes_a_returned_device_available_once(api, manager, nurse):
    loan = make_loan("returned", device_id="MON-001", disinfected=False)
    assert counts(api, manager)["cleaning"] == 1 and counts(api, manager)["available"] == 3
    body = {"scan": label_scene("MON-001"), "method": "hydrogen_peroxide", "agent": "过氧化氢湿巾", "note": "外壳"}
    first = api.post("/devices/MON-001/disinfection", body, manager)
    assert first.status == 200 and first.body["status"] == "available" and first.body["last_disinfected_at"]
    again = api.post("/devices/MON-001/disinfection", body, manager)  # a retry: nothing more happens
    assert again.status == 200 and again.body["version"] == first.body["version"]
    assert counts(api, manager)["cleaning"] == 0 and counts(api, manager)["available"] == 4
    device_records = [r for r in Record.query("device#MON-001") if r.action == "device.disinfect"]
    assert len(device_records) == 1
    after = device_records[0].after
    assert after["method"] == "hydrogen_peroxide" and after["agent"] == "过氧化氢湿巾" and after["loan_id"] == loan.id
    assert after["identified_by"] == "scan" and after["cleaning_hours"] >= 0
    assert after["performed_by"] == User.get("demo-manager").name  # the recording manager by default
    assert [r.action for r in Record.query(f"loan#{loan.id}")][-1] == "loan.disinfected"
    # the device can be lent again
    assert api.post(f"/loans/{apply(api, nurse, 'after-clean-0001')}/approve", {"device_id": "MON-001"},
                    manager).status == 200


def test_a_device_waiting_for_disinfection_is_never_assigned(api, manager, nurse):
    make_loan("returned", device_id="MON-001", disinfected=False)
    loan_id = apply(api, nurse, "while-cleaning-01")
    refused = api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager)
    assert refused.status == 409 and refused.error_code == "device_unavailable" and "待消毒" in refused.body["error"]["message"]
    assert api.get("/devices/MON-001", manager).body["status"] == "cleaning"
    assert api.get("/devices/MON-001", manager).body["waiting_hours"] is not None
    seen = api.get("/devices/MON-001", nurse).body  # the ward sees that it cannot be had, not the clerks' queue
    assert seen["status"] == "cleaning" and seen["waiting_hours"] is None and seen["cleaning_since"] is None
    # nor by the manual status change
    assert api.put("/devices/MON-001", {"status": "available"}, manager).error_code == "invalid_status_transition"


def test_a_device_repaired_after_a_damaged_return_waits_for_disinfection(api, manager, nurse):
    """Used on a patient, then repaired: back to the pool only through a recorded disinfection (review finding)."""
    loan = make_loan("return_requested", device_id="MON-001")
    taken = api.post(f"/loans/{loan.id}/confirm-return", {"condition": "damaged", "note": "屏幕碎裂",
                                                          "scan": label_scene("MON-001")}, manager)
    assert taken.status == 200 and api.get("/devices/MON-001", manager).body["status"] == "maintenance"
    repaired = api.put("/devices/MON-001", {"status": "available", "status_reason": "已修复"}, manager)
    assert repaired.status == 200 and repaired.body["status"] == "cleaning"
    assert counts(api, manager)["cleaning"] == 1 and counts(api, manager)["maintenance"] == 0
    assert api.post(f"/loans/{apply(api, nurse, 'repaired-0001')}/approve", {"device_id": "MON-001"},
                    manager).error_code == "device_unavailable"
    done = api.post("/devices/MON-001/disinfection", {"scan": label_scene("MON-001"), "method": "alcohol_75"}, manager)
    assert done.body["status"] == "available"
    # once disinfected, a later maintenance round trip needs no second disinfection
    api.put("/devices/MON-001", {"status": "maintenance", "status_reason": "保养"}, manager)
    assert api.put("/devices/MON-001", {"status": "available"}, manager).body["status"] == "available"


def test_a_manager_may_type_the_asset_tag(api, manager):
    make_loan("returned", device_id="MON-002", disinfected=False)
    done = api.post("/devices/MON-002/disinfection", {"device_id": "MON-002", "method": "other", "note": "擦拭"},
                    manager)
    assert done.status == 200 and done.body["status"] == "available"
    record = next(r for r in Record.query("device#MON-002") if r.action == "device.disinfect")
    assert record.after["identified_by"] == "manual" and record.after["method_label"] == "其他"


@pytest.mark.parametrize("body, status, code", [
    ({"method": "uv"}, 422, "scan_required"),
    ({"method": "uv", "scan": "MON-002.AAAAAAAAAA"}, 422, "wrong_device"),
    ({"method": "uv", "scan": "MON-001.AAAAAAAAAA"}, 422, "invalid_scan"),
    ({"method": "uv", "scan": "MON-001", "device_id": "MON-001"}, 422, "scan_or_device_id"),
    ({"method": "boiling", "device_id": "MON-001"}, 400, None),
    ({"method": "uv", "device_id": "MON-001", "performed_at": "2099-01-01T00:00:00Z"}, 422, "performed_in_future"),
    ({"method": "uv", "device_id": "MON-001", "extra": 1}, 400, None),
])
def test_bad_disinfection_requests_write_nothing(api, manager, body, status, code):
    make_loan("returned", device_id="MON-001", disinfected=False)
    before = table_counts()
    reply = api.post("/devices/MON-001/disinfection", body, manager)
    assert reply.status == status and (code is None or reply.error_code == code)
    assert table_counts() == before and Device.get("MON-001").status == "cleaning"


def test_disinfection_refusals(api, manager, nurse):
    assert api.post("/devices/MON-003/disinfection", {"method": "uv", "device_id": "MON-003"},
                    manager).error_code == "device_not_cleaning"
    assert api.post("/devices/NOPE-1/disinfection", {"method": "uv", "device_id": "NOPE-1"}, manager).status == 404
    make_loan("returned", device_id="MON-001", disinfected=False)
    assert api.post("/devices/MON-001/disinfection", {"method": "uv", "scan": label_scene("MON-001")},
                    nurse).status == 403


def test_waiting_for_disinfection_longest_first_with_hours(api, manager, nurse, monkeypatch):
    start = clock.now()
    try:
        clock.freeze(start - timedelta(hours=6))
        make_loan("returned", device_id="MON-002", key="clean-a-0001", disinfected=False)
        clock.freeze(start - timedelta(hours=1))
        make_loan("returned", device_id="MON-001", key="clean-b-0001", disinfected=False)
        clock.freeze(start)
        listed = api.get("/devices?status=cleaning", manager).body["items"]
        assert [d["id"] for d in listed] == ["MON-002", "MON-001"]
        assert listed[0]["waiting_hours"] == pytest.approx(6, abs=0.1) and listed[0]["cleaning_alert"] is True
        assert listed[1]["waiting_hours"] == pytest.approx(1, abs=0.1) and listed[1]["cleaning_alert"] is False
        alerts = api.get("/devices?status=cleaning&cleaning_alert=true", manager).body["items"]
        assert [d["id"] for d in alerts] == ["MON-002"]
        assert api.get("/devices?cleaning_alert=true", manager).error_code == "invalid_filter"
        # a disinfection records the time waited, summed on the device
        api.post("/devices/MON-002/disinfection", {"method": "uv", "device_id": "MON-002"}, manager)
        assert Device.get("MON-002").cleaning_hours_total == pytest.approx(6, abs=0.1)
        assert [d["id"] for d in api.get("/devices?status=cleaning", manager).body["items"]] == ["MON-001"]
    finally:
        clock.freeze(None)


def test_past_maintenance_or_calibration_blocks_approve_and_hand_over(api, manager, nurse):
    assert api.put("/devices/MON-001", {"next_calibration_due": day(-1)}, manager).status == 200
    loan_id = apply(api, nurse, "past-calib-0001")
    refused = api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager)
    assert refused.status == 409 and refused.error_code == "calibration_overdue" and "计量检定" in refused.body["error"]["message"]
    # the device the ward asked for (not read by the approval): its write condition refuses it
    asked = apply(api, nurse, "past-calib-0002", device_id="MON-002")
    api.put("/devices/MON-002", {"next_maintenance_due": day(-3)}, manager)
    refused = api.post(f"/loans/{asked}/approve", {}, manager)
    assert refused.status == 409 and refused.error_code == "maintenance_overdue"
    assert api.get(f"/loans/{asked}", manager).body["status"] == "pending"
    # due today is still lendable; a date passing between approval and hand-over blocks the hand-over
    api.put("/devices/MON-003", {"next_maintenance_due": day(0)}, manager)
    approved = apply(api, nurse, "past-maint-0003")
    assert api.post(f"/loans/{approved}/approve", {"device_id": "MON-003"}, manager).status == 200
    start = clock.now()
    try:
        clock.freeze(start + timedelta(days=1))
        refused = api.post(f"/loans/{approved}/handover", {"scan": label_scene("MON-003")}, nurse)
        assert refused.status == 409 and refused.error_code == "maintenance_overdue"
    finally:
        clock.freeze(None)
    assert api.get("/devices/MON-003", manager).body["status"] == "reserved"
    assert api.get("/devices/MON-001", manager).body["calibration_overdue"] is True


def test_recording_a_calibration_sets_the_next_due_from_the_category(api, manager, nurse):
    api.put("/categories/monitor", {"calibration_interval_days": 365, "maintenance_interval_days": 180}, manager)
    api.put("/devices/MON-001", {"next_calibration_due": day(-1)}, manager)
    body = {"kind": "calibration", "result": "pass", "certificate_no": "JJ2026-001"}
    done = api.post("/devices/MON-001/maintenance-records", body, manager)
    assert done.status == 200 and done.body["next_calibration_due"] == day(365)
    assert done.body["calibration_overdue"] is False
    again = api.post("/devices/MON-001/maintenance-records", body, manager)  # a retry: no second record
    assert again.body["version"] == done.body["version"]
    records = [r for r in Record.query("device#MON-001") if r.action == "device.calibrated"]
    assert len(records) == 1 and records[0].after["certificate_no"] == "JJ2026-001"
    assert records[0].before["next_calibration_due"] == day(-1)
    # a given next due wins; lendable again
    done = api.post("/devices/MON-001/maintenance-records",
                    {"kind": "maintenance", "result": "pass", "next_due": day(90)}, manager)
    assert done.body["next_maintenance_due"] == day(90)
    assert api.post(f"/loans/{apply(api, nurse, 'calib-ok-0001')}/approve", {"device_id": "MON-001"},
                    manager).status == 200
    # a new device of the category gets its dates from the intervals
    created = api.post("/devices", {"id": "MON-200", "category_id": "monitor", "name": "监护仪 200",
                                    "owner_department_id": "ICU"}, manager).body
    assert created["next_calibration_due"] == day(365) and created["next_maintenance_due"] == day(180)


def test_a_failed_calibration_sends_the_device_to_maintenance(api, manager):
    done = api.post("/devices/MON-002/maintenance-records",
                    {"kind": "calibration", "result": "fail", "note": "血氧误差超限"}, manager)
    assert done.status == 200 and done.body["status"] == "maintenance" and "不合格" in done.body["status_reason"]
    assert counts(api, manager)["maintenance"] == 1 and counts(api, manager)["available"] == 3


@pytest.mark.parametrize("body, status, code", [
    ({"kind": "calibration", "result": "pass", "performed_on": "2099-01-01"}, 422, "performed_in_future"),
    ({"kind": "calibration", "result": "pass", "next_due": "2000-01-01"}, 422, "next_due_not_after"),
    # a pass without a next date, in a category without an interval: the schedule would be lost
    ({"kind": "calibration", "result": "pass"}, 422, "next_due_required"),
    ({"kind": "repair", "result": "pass"}, 400, None),
    ({"kind": "calibration", "result": "ok"}, 400, None),
    ({"kind": "calibration", "result": "pass", "next_due": "2026-02-30"}, 400, None),
])
def test_bad_maintenance_records_write_nothing(api, manager, body, status, code):
    before = table_counts()
    reply = api.post("/devices/MON-001/maintenance-records", body, manager)
    assert reply.status == status and (code is None or reply.error_code == code)
    assert table_counts() == before


def test_no_maintenance_record_on_a_lent_device(api, manager):
    make_loan("in_use", device_id="MON-001")
    before = table_counts()
    reply = api.post("/devices/MON-001/maintenance-records", {"kind": "maintenance", "result": "fail"}, manager)
    assert reply.status == 409 and reply.error_code == "device_in_use" and table_counts() == before


def test_due_within_days_lists_what_falls_due_soonest_first(api, manager, nurse):
    api.put("/devices/MON-001", {"next_maintenance_due": day(20), "next_calibration_due": day(200)}, manager)
    api.put("/devices/MON-002", {"next_calibration_due": day(-2)}, manager)
    api.put("/devices/MON-003", {"next_calibration_due": day(45)}, manager)
    api.put("/devices/MON-004", {"next_maintenance_due": day(5)}, manager)
    api.delete("/devices/MON-004", manager)  # retired: no longer due
    listed = api.get("/devices?due_within_days=30", manager).body["items"]
    assert [d["id"] for d in listed] == ["MON-002", "MON-001"]
    assert listed[0]["calibration_overdue"] is True and listed[1]["maintenance_overdue"] is False
    assert [d["id"] for d in api.get("/devices?due_within_days=60", manager).body["items"]] == [
        "MON-002", "MON-001", "MON-003"]
    assert api.get("/devices?due_within_days=30&status=available", manager).error_code == "invalid_filter"
    assert api.get("/devices?due_within_days=999", manager).status == 400
