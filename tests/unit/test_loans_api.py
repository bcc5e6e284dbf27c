"""The loan loop through the whole app (moto): apply, approve, hand over, return; errors and repeats."""
from datetime import timedelta

import pytest

from medpool import clock
from medpool.models.device import Device
from medpool.models.loan import Loan
from tests.support import iso_in, label_scene, table_counts


@pytest.fixture
def nurse(api):
    return api.login("demo-nurse-icu")


@pytest.fixture
def other_nurse(api):
    return api.login("demo-nurse-em")


@pytest.fixture
def manager(api):
    return api.login("demo-manager")


def apply(api, token, key="apply-key-0001", **fields):
    body = {"category_id": "monitor", "urgency": "routine", "reason": "术后监护", "expected_return_at": iso_in(24),
            **fields}
    return api.post("/loans", body, token, headers={"Idempotency-Key": key})


def test_the_whole_loop(api, nurse, manager):
    # Given an applicant of ICU applying for a monitor
    created = apply(api, nurse)
    assert created.status == 201 and created.body["status"] == "pending" and created.body["department_id"] == "ICU"
    loan_id = created.body["id"]
    # When a manager approves with MON-001
    approved = api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager)
    assert approved.body["status"] == "approved" and approved.body["device_id"] == "MON-001"
    assert api.get("/devices/MON-001", nurse).body["status"] == "reserved"
    # And the ward scans the device at hand-over
    handed = api.post(f"/loans/{loan_id}/handover", {"scan": label_scene("MON-001")}, nurse)
    assert handed.body["status"] == "in_use" and handed.body["handed_over_at"] and handed.body["rate_fen"] == 600
    device = api.get("/devices/MON-001", nurse).body
    assert device["status"] == "on_loan" and device["current_loan"]["id"] == loan_id
    assert device["holder_department_id"] == "ICU" and device["guide"]
    # Then return is requested and confirmed
    assert api.post(f"/loans/{loan_id}/return-request", None, nurse).body["status"] == "return_requested"
    returned = api.post(f"/loans/{loan_id}/confirm-return", {"condition": "ok", "scan": label_scene("MON-001")},
                        manager)
    assert returned.body["status"] == "returned" and returned.body["charge_fen"] == 600
    # And the device waits for disinfection until a clerk scans it and records it
    assert api.get("/devices/MON-001", nurse).body["status"] == "cleaning"
    cleaned = api.post("/devices/MON-001/disinfection", {"scan": label_scene("MON-001"), "method": "chlorine_wipe",
                                                         "agent": "含氯消毒剂 500mg/L"}, manager)
    assert cleaned.status == 200 and cleaned.body["status"] == "available"
    assert api.get("/devices/MON-001", nurse).body["status"] == "available"
    timeline = api.get(f"/loans/{loan_id}", nurse).body["timeline"]
    assert [r["action"] for r in timeline] == ["loan.create", "loan.approve", "loan.hand_over",
                                               "loan.request_return", "loan.confirm_return", "loan.disinfected"]
    assert timeline[-1]["after"]["method"] == "chlorine_wipe" and timeline[-1]["after"]["agent"] == "含氯消毒剂 500mg/L"
    history = api.get("/devices/MON-001/history", manager).body
    assert [loan["id"] for loan in history["loans"]] == [loan_id]
    changes = [r["action"] for r in history["records"] if not r["action"].startswith("device.label_")]
    assert changes == ["device.disinfect", "device.cleaning", "device.on_loan", "device.reserved", "device.create"]


def test_charge_follows_the_billing_clock(api, nurse, manager):
    loan_id = apply(api, nurse).body["id"]
    api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-002"}, manager)
    start = clock.now()
    clock.freeze(start)
    try:
        api.post(f"/loans/{loan_id}/handover", {"scan": label_scene("MON-002")}, nurse)
        clock.freeze(start + timedelta(hours=5, minutes=1))
        returned = api.post(f"/loans/{loan_id}/confirm-return", {"condition": "damaged", "note": "屏幕破裂",
                                                                         "device_id": "MON-002"}, manager)
    finally:
        clock.freeze(None)
    assert returned.body["charge_fen"] == 6 * 600  # six started hours at 6 CNY/hour
    device = api.get("/devices/MON-002", manager).body
    assert device["status"] == "maintenance" and "屏幕破裂" in device["status_reason"]


def test_idempotency_key_replays_the_same_loan(api, nurse):
    body = {"category_id": "monitor", "urgency": "urgent", "reason": "抢救", "expected_return_at": iso_in(10)}
    first = api.post("/loans", body, nurse, headers={"Idempotency-Key": "same-key-0001"})
    before = table_counts()
    again = api.post("/loans", body, nurse, headers={"Idempotency-Key": "same-key-0001"})
    assert again.status == 201 and again.body["id"] == first.body["id"] and table_counts() == before
    other = api.post("/loans", {**body, "reason": "另一个"}, nurse, headers={"Idempotency-Key": "same-key-0001"})
    assert (other.status, other.error_code) == (422, "idempotency_key_reused")
    missing = api.post("/loans", body, nurse)
    assert (missing.status, missing.error_code) == (400, "missing_idempotency_key")


@pytest.mark.parametrize("fields, status, code", [
    ({"expected_return_at": "2020-01-01T00:00:00Z"}, 422, "expected_return_in_past"),
    ({"expected_return_at": "IN_400H"}, 422, "expected_return_too_late"),
    ({"expected_return_at": "2026-13-01T00:00:00Z"}, 400, "validation_error"),
    ({"expected_return_at": "2030-01-01T00:00:00"}, 400, "validation_error"),  # no UTC offset
    ({"urgency": "whenever"}, 400, "validation_error"),
    ({"reason": ""}, 400, "validation_error"),
    ({"category_id": "nope"}, 422, "unknown_category"),
    ({"category_id": None, "device_id": "NOPE-1"}, 422, "unknown_device"),
    ({"category_id": None}, 422, "category_or_device_required"),
    ({"category_id": "ventilator", "device_id": "MON-001"}, 422, "wrong_category"),
    ({"patient_name": "张三"}, 400, "validation_error"),
])
def test_bad_applications_get_4xx_and_write_nothing(api, nurse, fields, status, code):
    if fields.get("expected_return_at") == "IN_400H":
        fields = {**fields, "expected_return_at": iso_in(400)}
    before = table_counts()
    reply = apply(api, nurse, **fields)
    assert (reply.status, reply.error_code) == (status, code)
    assert table_counts() == before


def test_a_specific_device_can_be_requested_and_is_assigned_on_approval(api, nurse, manager):
    created = apply(api, nurse, category_id=None, device_id="MON-003")
    assert created.body["category_id"] == "monitor" and created.body["requested_device_id"] == "MON-003"
    approved = api.post(f"/loans/{created.body['id']}/approve", {}, manager)
    assert approved.body["device_id"] == "MON-003"


def test_approval_needs_an_available_device_of_the_category(api, nurse, manager):
    first = apply(api, nurse, key="k-first-0001").body["id"]
    second = apply(api, nurse, key="k-second-001").body["id"]
    assert api.post(f"/loans/{first}/approve", {"device_id": "VENT-001"}, manager).error_code == "wrong_category"
    assert api.post(f"/loans/{first}/approve", {"device_id": "MON-001"}, manager).status == 200
    taken = api.post(f"/loans/{second}/approve", {"device_id": "MON-001"}, manager)
    assert (taken.status, taken.error_code) == (409, "device_unavailable")


def test_an_approval_naming_no_device_takes_an_available_one_of_the_category(api, nurse, manager):
    # Given a request for the category (no device named) and monitors available
    loan_id = apply(api, nurse, key="k-picked-001").body["id"]
    # When a manager approves it without choosing a device
    approved = api.post(f"/loans/{loan_id}/approve", {}, manager)
    # Then the system picked an available monitor and reserved it
    assert approved.status == 200 and approved.body["device_id"].startswith("MON-")
    assert api.get(f"/devices/{approved.body['device_id']}", manager).body["status"] == "reserved"


def test_repeating_a_completed_action_changes_nothing(api, nurse, manager):
    loan_id = apply(api, nurse).body["id"]
    api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager)
    before = table_counts()
    again = api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager)
    assert again.status == 200 and table_counts() == before
    other_device = api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-002"}, manager)
    assert (other_device.status, other_device.error_code) == (409, "loan_not_pending")
    api.post(f"/loans/{loan_id}/handover", {"scan": label_scene("MON-001")}, nurse)
    api.post(f"/loans/{loan_id}/confirm-return", {"condition": "ok", "device_id": "MON-001"}, manager)
    before = table_counts()
    assert api.post(f"/loans/{loan_id}/confirm-return", {"condition": "ok", "device_id": "MON-001"}, manager).status == 200
    assert api.post(f"/loans/{loan_id}/handover", {"scan": label_scene("MON-001")}, nurse).error_code \
        == "loan_not_approved"
    assert api.post(f"/loans/{loan_id}/confirm-return", {"condition": "damaged"}, manager).error_code \
        == "loan_already_returned"
    assert table_counts() == before


@pytest.mark.parametrize("action, body, code", [
    ("handover", {"device_id": "MON-001"}, "loan_not_approved"),
    ("return-request", None, "loan_not_in_use"),
    ("confirm-return", {"condition": "ok", "device_id": "MON-001"}, "loan_not_returnable"),
])
def test_transitions_from_the_wrong_state_are_409(api, nurse, manager, action, body, code):
    loan_id = apply(api, nurse).body["id"]
    token = manager if action == "confirm-return" else nurse
    reply = api.post(f"/loans/{loan_id}/{action}", body, token)
    assert (reply.status, reply.error_code) == (409, code)


def test_cancelling_an_approved_loan_releases_the_device(api, nurse, manager):
    loan_id = apply(api, nurse).body["id"]
    api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-004"}, manager)
    cancelled = api.post(f"/loans/{loan_id}/cancel", None, nurse)
    assert cancelled.body["status"] == "cancelled"
    device = Device.get("MON-004")
    assert device.status == "available" and device.current_loan_id is None and device.holder_department_id is None
    assert api.post(f"/loans/{loan_id}/cancel", None, nurse).status == 200


def test_no_cancel_after_hand_over(api, nurse, manager):
    loan_id = apply(api, nurse).body["id"]
    api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager)
    api.post(f"/loans/{loan_id}/handover", {"scan": label_scene("MON-001")}, nurse)
    assert api.post(f"/loans/{loan_id}/cancel", None, nurse).error_code == "loan_not_cancellable"


def _records(loan_id, action):
    from medpool.models.record import Record

    return [r for r in Record.query(f"loan#{loan_id}") if r.action == action]


def test_hand_over_needs_the_label_of_the_assigned_device(api, nurse, manager):
    loan_id = apply(api, nurse).body["id"]
    approved = api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager).body
    scene, other_label = label_scene("MON-001"), label_scene("MON-002")
    secret = scene.split(".")[1]
    assert approved["device_id"] == "MON-001" and secret not in str(approved)
    before = table_counts()
    # the asset tag, shown in the loan and in the approval message, is no proof that the device is at hand
    typed = api.post(f"/loans/{loan_id}/handover", {"device_id": "MON-001"}, nurse)
    assert (typed.status, typed.error_code) == (403, "scan_required")
    refused = {
        "no proof": ({}, 422, "scan_required"),
        "a label without a secret (printed before label secrets)": ({"scan": "MON-001"}, 422, "invalid_scan"),
        "a made-up secret": ({"scan": "MON-001.AAAAAAAAAA"}, 422, "invalid_scan"),
        "another device's label": ({"scan": other_label}, 422, "wrong_device"),
        "the scene and the tag": ({"scan": scene, "device_id": "MON-001"}, 422, "scan_or_device_id"),
        "not a scene": ({"scan": "https://example.com/x"}, 400, "validation_error"),
    }
    for case, (body, status, code) in refused.items():
        reply = api.post(f"/loans/{loan_id}/handover", body, nurse)
        assert (reply.status, reply.error_code) == (status, code), case
    assert table_counts() == before and Loan.get(loan_id).status == "approved"
    # the scene read from the label works
    handed = api.post(f"/loans/{loan_id}/handover", {"scan": scene}, nurse)
    assert handed.status == 200 and handed.body["status"] == "in_use"
    assert [r.after["method"] for r in _records(loan_id, "loan.hand_over")] == ["scan"]
    assert api.post(f"/loans/{loan_id}/handover", {"scan": scene}, nurse).status == 200  # a repeat
    assert api.post(f"/loans/{loan_id}/handover", {"scan": "MON-001.AAAAAAAAAA"}, nurse).error_code == "invalid_scan"


def test_a_reprinted_label_voids_the_old_one(api, nurse, manager):
    old = label_scene("MON-001")
    assert api.post("/devices/MON-001/code/rotate", None, nurse).error_code == "manager_required"
    rotated = api.post("/devices/MON-001/code/rotate", None, manager)
    assert rotated.status == 200 and rotated.body["label_issued_at"] and "label_secret" not in rotated.body
    new = label_scene("MON-001")
    assert new != old and new.startswith("MON-001.")
    loan_id = apply(api, nurse).body["id"]
    api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager)
    stale = api.post(f"/loans/{loan_id}/handover", {"scan": old}, nurse)
    assert (stale.status, stale.error_code) == (422, "invalid_scan")
    assert api.post(f"/loans/{loan_id}/handover", {"scan": new}, nurse).body["status"] == "in_use"
    api.post(f"/loans/{loan_id}/return-request", None, nurse)
    api.post("/devices/MON-001/code/rotate", None, manager)  # reprinted while on loan
    assert api.post(f"/loans/{loan_id}/confirm-return", {"condition": "ok", "scan": new}, manager).error_code \
        == "invalid_scan"
    # the audit trail says when labels were issued, never their secrets
    history = api.get("/devices/MON-001/history", manager).body
    label_records = [r for r in history["records"] if r["action"].startswith("device.label_")]
    assert [r["action"] for r in label_records] == ["device.label_rotate", "device.label_rotate", "device.label_issue"]
    assert all(r["actor"] == "demo-manager" and r["after"]["label_issued_at"] for r in label_records)
    current = label_scene("MON-001").split(".")[1]
    for secret in (old.split(".")[1], new.split(".")[1], current):
        for reply in (history, api.get("/devices/MON-001", manager).body, api.get("/devices?limit=100", manager).body,
                      api.get(f"/loans/{loan_id}", nurse).body, api.get("/records?limit=100", manager).body):
            assert secret not in str(reply)


def test_managers_may_type_the_asset_tag_recorded_as_manual(api, nurse, manager):
    loan_id = apply(api, nurse).body["id"]
    api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager)
    assert api.post(f"/loans/{loan_id}/handover", {"device_id": "MON-002"}, manager).error_code == "wrong_device"
    handed = api.post(f"/loans/{loan_id}/handover", {"device_id": "MON-001"}, manager)
    assert handed.status == 200 and handed.body["status"] == "in_use"
    assert [(r.actor, r.after["method"]) for r in _records(loan_id, "loan.hand_over")] == [("demo-manager", "manual")]
    api.post(f"/loans/{loan_id}/return-request", None, nurse)
    assert api.post(f"/loans/{loan_id}/confirm-return", {"condition": "ok"}, manager).error_code == "scan_required"
    returned = api.post(f"/loans/{loan_id}/confirm-return", {"condition": "ok", "scan": label_scene("MON-001")},
                        manager)
    assert returned.status == 200 and returned.body["status"] == "returned"
    assert [r.after["method"] for r in _records(loan_id, "loan.confirm_return")] == ["scan"]


def test_departments_cannot_see_or_touch_each_others_loans(api, nurse, other_nurse, manager):
    loan_id = apply(api, nurse).body["id"]
    assert api.get(f"/loans/{loan_id}", other_nurse).error_code == "other_department"
    assert api.post(f"/loans/{loan_id}/cancel", None, other_nurse).status == 403
    assert api.get("/loans", other_nurse).body["items"] == []
    assert api.get("/loans?department_id=ICU", other_nurse).status == 403
    assert [loan["id"] for loan in api.get("/loans", nurse).body["items"]] == [loan_id]
    api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager)
    api.post(f"/loans/{loan_id}/handover", {"scan": label_scene("MON-001")}, nurse)
    assert api.post(f"/loans/{loan_id}/return-request", None, other_nurse).status == 403


def test_pending_queue_is_most_urgent_then_oldest(api, nurse, other_nurse, manager):
    ids = {}
    for n, (token, urgency) in enumerate([(nurse, "routine"), (other_nurse, "emergency"), (nurse, "urgent"),
                                          (other_nurse, "routine"), (nurse, "emergency")]):
        ids[n] = apply(api, token, key=f"queue-key-{n:04d}", urgency=urgency).body["id"]
    queue = [loan["id"] for loan in api.get("/loans?status=pending", manager).body["items"]]
    assert queue == [ids[1], ids[4], ids[2], ids[0], ids[3]]


def test_overdue_loans_are_listed_for_managers(api, nurse, manager):
    loan_id = apply(api, nurse).body["id"]
    api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager)
    api.post(f"/loans/{loan_id}/handover", {"scan": label_scene("MON-001")}, nurse)
    assert api.get("/loans?overdue=true", manager).body["items"] == []
    clock.freeze(clock.now() + timedelta(hours=25))
    try:
        overdue = api.get("/loans?overdue=true", manager).body["items"]
        assert [loan["id"] for loan in overdue] == [loan_id] and overdue[0]["overdue"] is True
    finally:
        clock.freeze(None)


def test_applicants_do_not_approve(api, nurse):
    loan_id = apply(api, nurse).body["id"]
    assert api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, nurse).error_code == "manager_required"
    assert Loan.get(loan_id).status == "pending"


def test_managers_list_every_loan_newest_first_and_closed_statuses_too(api, nurse, other_nurse, manager):
    first = apply(api, nurse, key="all-key-0001").body["id"]
    second = apply(api, other_nurse, key="all-key-0002").body["id"]
    api.post(f"/loans/{first}/reject", {"reason": "暂无设备"}, manager)
    assert [loan["id"] for loan in api.get("/loans", manager).body["items"]] == [second, first]
    assert [loan["id"] for loan in api.get("/loans?status=rejected", manager).body["items"]] == [first]


@pytest.fixture
def loans_of_every_kind(api):
    """25 h after six loans were made: A (ICU, MON-001) in use past due; B (EM, MON-002) return requested late;
    E (EM, MON-003) taken back late; then D (ICU, MON-003) returned on time, C (ICU) pending, F (ICU, MON-004)
    in use and not yet due. Yields {name: loan id}."""
    from medpool.models.user import User
    from medpool.services import loan_flow
    from tests.support import disinfect, make_loan

    em = "demo-nurse-em"
    made = {"A": make_loan("in_use", device_id="MON-001", key="kind-a-0001"),
            "B": make_loan("in_use", openid=em, device_id="MON-002", key="kind-b-0001"),
            "E": make_loan("in_use", openid=em, device_id="MON-003", key="kind-e-0001")}
    clock.freeze(clock.now() + timedelta(hours=25))
    try:
        loan_flow.request_return(User.get(em), made["B"].id)
        loan_flow.confirm_return(User.get("demo-manager"), made["E"].id, "ok", device_id="MON-003")
        disinfect("MON-003")
        made["D"] = make_loan("returned", device_id="MON-003", key="kind-d-0001")
        made["C"] = make_loan("pending", key="kind-c-0001")
        made["F"] = make_loan("in_use", device_id="MON-004", key="kind-f-0001")
        yield {name: loan.id for name, loan in made.items()}
    finally:
        clock.freeze(None)


@pytest.mark.parametrize("query, expected", [
    ("overdue=true", "AB"),  # the chasing list: devices still out past due, returns requested late
    ("overdue=false", "CDF"),
    ("overdue=true&status=return_requested", "B"),
    ("overdue=true&status=in_use", "A"),
    ("overdue=false&status=in_use", "F"),
    ("overdue=false&status=pending", "C"),
    ("overdue=true&department_id=ICU", "A"),
    ("overdue=false&department_id=ICU", "CDF"),
    ("overdue=true&department_id=EM", "BE"),
    ("overdue=true&device_id=MON-001", "A"),
    ("overdue=true&device_id=MON-003", "E"),
    ("overdue=false&device_id=MON-003", "D"),
    ("status=returned&overdue=true", "E"),
    ("status=returned&overdue=false", "D"),
    ("status=returned", "DE"),
    ("status=in_use&department_id=ICU", "AF"),
    ("department_id=EM", "BE"),
    ("device_id=MON-003", "DE"),
])
def test_every_filter_combination_lists_exactly_its_loans(api, manager, loans_of_every_kind, query, expected):
    reply = api.get(f"/loans?{query}&limit=100", manager)
    assert reply.status == 200, reply
    found = {loan["id"]: loan for loan in reply.body["items"]}
    assert set(found) == {loans_of_every_kind[name] for name in expected}, query
    if "overdue=" in query:
        assert all(loan["overdue"] is ("overdue=true" in query) for loan in found.values())


def test_a_cursor_only_continues_its_own_list(api, nurse, manager):
    for n in range(3):
        apply(api, nurse, key=f"page-key-{n:04d}")
    cursor = api.get("/loans?limit=1", manager).body["next_cursor"]
    assert api.get(f"/loans?limit=1&cursor={cursor}", manager).status == 200
    for other in ("/loans?limit=1&status=pending", "/devices?limit=1", "/announcements?limit=1"):
        reply = api.get(f"{other}&cursor={cursor}", manager)
        assert (reply.status, reply.error_code) == (400, "invalid_cursor"), other
    assert api.get("/records?day=2026-02-30", manager).status == 400


def _out_and_back(api, nurse, manager, hours_after_due, key):
    loan_id = apply(api, nurse, key=key).body["id"]
    api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager)
    api.post(f"/loans/{loan_id}/handover", {"scan": label_scene("MON-001")}, nurse)
    clock.freeze(clock.now() + timedelta(hours=24 + hours_after_due))
    try:
        requested = api.post(f"/loans/{loan_id}/return-request", None, nurse).body
        clock.freeze(clock.now() + timedelta(hours=5))  # collected five hours later
        returned = api.post(f"/loans/{loan_id}/confirm-return", {"condition": "ok", "device_id": "MON-001"},
                            manager).body
    finally:
        clock.freeze(None)
    return requested, returned


def test_a_ward_that_asks_to_return_on_time_is_not_overdue(api, nurse, manager):
    requested, returned = _out_and_back(api, nurse, manager, -1, "on-time-0001")
    assert requested["overdue"] is False and returned["overdue"] is False


def test_a_ward_that_asks_to_return_late_is_overdue(api, nurse, manager):
    requested, returned = _out_and_back(api, nurse, manager, 1, "late-key-0001")
    assert requested["overdue"] is True and returned["overdue"] is True and requested["overdue_at"]


def test_the_equipment_department_extends_a_loan_and_lifts_overdue(api, nurse, manager):
    loan_id = apply(api, nurse, key="extend-key-01").body["id"]
    api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager)
    api.post(f"/loans/{loan_id}/handover", {"scan": label_scene("MON-001")}, nurse)
    clock.freeze(clock.now() + timedelta(hours=25))
    try:
        assert api.get(f"/loans/{loan_id}", nurse).body["overdue"] is True
        new_due = iso_in(24)
        body = {"expected_return_at": new_due, "reason": "患者仍需呼吸支持"}
        assert api.post(f"/loans/{loan_id}/extend", body, nurse).error_code == "manager_required"
        extended = api.post(f"/loans/{loan_id}/extend", body, manager)
        assert extended.status == 200 and extended.body["expected_return_at"] == new_due
        assert extended.body["overdue"] is False
        before = table_counts()
        assert api.post(f"/loans/{loan_id}/extend", body, manager).status == 200  # a repeat changes nothing
        assert table_counts() == before
        past = api.post(f"/loans/{loan_id}/extend", {**body, "expected_return_at": iso_in(-1)}, manager)
        assert past.error_code == "expected_return_in_past"
    finally:
        clock.freeze(None)
    [record] = [r for r in api.get(f"/loans/{loan_id}", manager).body["timeline"] if r["action"] == "loan.extend"]
    assert record["before"]["expected_return_at"] < record["after"]["expected_return_at"] and record["note"]
    api.post(f"/loans/{loan_id}/return-request", None, nurse)
    assert api.post(f"/loans/{loan_id}/extend", {"expected_return_at": iso_in(30), "reason": "x"},
                    manager).error_code == "loan_not_extendable"


def test_a_manager_does_not_approve_their_own_request(api, manager):
    own = apply(api, manager, key="own-request-01").body["id"]
    reply = api.post(f"/loans/{own}/approve", {"device_id": "MON-001"}, manager)
    assert (reply.status, reply.error_code) == (403, "own_request")
    admin = api.login("demo-admin")
    assert api.post(f"/loans/{own}/approve", {"device_id": "MON-001"}, admin).status == 200
