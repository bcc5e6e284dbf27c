"""Categories and devices: registration, availability, maintenance, retirement."""
import pytest

from medpool.models.record import Record
from tests.support import make_loan, table_counts

HOLDING = ("current_loan_id", "holder_department_id", "status_reason", "status_changed_at")


@pytest.fixture
def manager(api):
    return api.login("demo-manager")


def availability(api, token, category_id):
    return next(c for c in api.get("/categories", token).body["items"] if c["id"] == category_id)["availability"]


def test_categories_show_live_availability(api, manager):
    assert availability(api, manager, "monitor") == {"available": 4, "reserved": 0, "on_loan": 0, "cleaning": 0,
                                                     "maintenance": 0}
    make_loan("approved", device_id="MON-001")
    make_loan("in_use", device_id="MON-002", key="second-loan-0001")
    api.put("/devices/MON-003", {"status": "maintenance", "status_reason": "年度校准"}, manager)
    assert availability(api, manager, "monitor") == {"available": 1, "reserved": 1, "on_loan": 1, "cleaning": 0,
                                                     "maintenance": 1}
    make_loan("returned", device_id="MON-004", key="third-loan-0001", disinfected=False)
    assert availability(api, manager, "monitor") == {"available": 0, "reserved": 1, "on_loan": 1, "cleaning": 1,
                                                     "maintenance": 1}


def test_category_create_and_update(api, manager):
    body = {"id": "defib", "name": "除颤仪", "rate_fen": 1000, "rate_unit": "hour", "max_loan_hours": 24,
            "guide": "使用前检查电池", "guide_url": "https://example.org/defib"}
    created = api.post("/categories", body, manager)
    assert created.status == 201 and created.body["availability"]["available"] == 0
    assert api.post("/categories", body, manager).error_code == "category_exists"
    assert api.put("/categories/defib", {"rate_fen": 1200}, manager).body["rate_fen"] == 1200
    assert api.put("/categories/defib", {"rate_unit": "week"}, manager).status == 400
    assert api.put("/categories/defib", {"rate_fen": -1}, manager).status == 400
    assert [r.action for r in Record.query("category#defib")] == ["category.create", "category.update"]


def test_device_registration_and_edit(api, manager):
    body = {"id": "MON-100", "category_id": "monitor", "name": "监护仪 100", "brand": "迈瑞", "model": "N12",
            "serial_no": "SN100", "owner_department_id": "ICU", "location": "ICU 库房",
            "purchase_price_fen": 4_500_000, "purchase_date": "2024-05-01"}
    created = api.post("/devices", body, manager)
    assert created.status == 201 and created.body["status"] == "available"
    assert created.body["purchase_date"] == "2024-05-01"
    assert api.post("/devices", body, manager).error_code == "device_exists"
    assert api.post("/devices", {**body, "id": "MON-101", "category_id": "x"}, manager).error_code == "unknown_category"
    assert api.post("/devices", {**body, "id": "MON-102", "owner_department_id": "X"}, manager).error_code \
        == "unknown_department"
    assert api.post("/devices", {**body, "id": "MON-103", "purchase_date": "2024-02-30"}, manager).status == 400
    assert api.put("/devices/MON-100", {"location": "设备调配中心"}, manager).body["location"] == "设备调配中心"


def test_maintenance_and_back_and_retirement(api, manager):
    down = api.put("/devices/MON-001", {"status": "maintenance", "status_reason": "报警失灵"}, manager)
    assert down.body["status"] == "maintenance" and down.body["status_reason"] == "报警失灵"
    assert api.put("/devices/MON-001", {"status": "available"}, manager).body["status"] == "available"
    retired = api.delete("/devices/MON-001?reason=无法维修", manager)
    assert retired.status == 200 and retired.body["status"] == "retired"
    again = api.put("/devices/MON-001", {"status": "available"}, manager)
    assert (again.status, again.error_code) == (409, "invalid_status_transition")
    actions = [r.action for r in Record.query("device#MON-001")]
    assert actions == ["device.create", "device.maintenance", "device.available", "device.retired"]


@pytest.mark.parametrize("state", ["approved", "in_use"])
def test_a_reserved_or_lent_device_cannot_be_retired_or_repaired(api, manager, state):
    make_loan(state, device_id="MON-001")
    before = table_counts()
    assert api.delete("/devices/MON-001", manager).error_code == "device_in_use"
    assert api.put("/devices/MON-001", {"status": "maintenance"}, manager).error_code == "device_in_use"
    assert api.put("/devices/MON-001", {"category_id": "ventilator"}, manager).error_code == "device_in_use"
    assert table_counts() == before


def test_device_lists_by_category_status_and_holder(api, manager):
    make_loan("in_use", device_id="MON-002")
    nurse = api.login("demo-nurse-em")
    available = api.get("/devices?category_id=monitor&status=available", nurse).body["items"]
    assert [d["id"] for d in available] == ["MON-001", "MON-003", "MON-004"]
    held = api.get("/devices?holder=ICU", api.login("demo-nurse-icu")).body["items"]
    assert [d["id"] for d in held] == ["MON-002"]
    assert api.get("/devices?holder=ICU", nurse).error_code == "other_department"
    everything = api.get("/devices?limit=100", manager).body["items"]
    assert len(everything) == 16
    page = api.get("/devices?limit=5", manager).body
    assert len(page["items"]) == 5 and page["next_cursor"]
    assert api.get("/devices?status=broken", manager).status == 400
    assert api.get("/devices/NOPE", manager).error_code == "device_not_found"


def test_a_device_page_shows_only_the_users_own_departments_loan(api, manager):
    loan = make_loan("in_use", device_id="MON-001")  # an ICU loan
    own, other = api.login("demo-nurse-icu"), api.login("demo-nurse-em")
    seen_by_own = api.get("/devices/MON-001", own).body
    assert seen_by_own["current_loan"]["id"] == loan.id == seen_by_own["current_loan_id"]
    assert (seen_by_own["holder_department_id"], seen_by_own["status_reason"]) == ("ICU", f"借给 ICU（借用 {loan.id}）")
    seen_by_other = api.get("/devices/MON-001", other).body
    assert seen_by_other["status"] == "on_loan" and seen_by_other["current_loan"] is None
    assert {field: seen_by_other[field] for field in HOLDING} == dict.fromkeys(HOLDING)
    assert loan.id not in str(seen_by_other) and "ICU" not in str(seen_by_other)
    listed = {d["id"]: d for d in api.get("/devices?status=on_loan", other).body["items"]}
    assert {field: listed["MON-001"][field] for field in HOLDING} == dict.fromkeys(HOLDING)
    assert api.get("/devices?holder=ICU", other).error_code == "other_department"
    # nor through the loans: another department's loan is 403, a device's loans are the caller's own only
    assert api.get(f"/loans/{loan.id}", other).error_code == "other_department"
    assert api.get("/loans?device_id=MON-001", other).body["items"] == []
    assert [item["id"] for item in api.get("/loans?device_id=MON-001", own).body["items"]] == [loan.id]
    assert [d["id"] for d in api.get("/devices?holder=ICU", own).body["items"]] == ["MON-001"]
    assert api.get("/devices/MON-001", manager).body["current_loan"]["reason"]


def test_a_repair_reason_naming_a_loan_is_for_managers(api, manager):
    loan = make_loan("return_requested", device_id="MON-002")
    returned = api.post(f"/loans/{loan.id}/confirm-return", {"condition": "damaged", "note": "屏幕破裂",
                                                             "device_id": "MON-002"}, manager)
    assert returned.status == 200
    assert loan.id in api.get("/devices/MON-002", manager).body["status_reason"]
    for nurse in ("demo-nurse-icu", "demo-nurse-em"):
        seen = api.get("/devices/MON-002", api.login(nurse)).body
        assert (seen["status"], seen["status_reason"]) == ("maintenance", None) and loan.id not in str(seen)
