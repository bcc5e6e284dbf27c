"""Every route x every kind of caller -> the expected status. A route without a row fails the test,
so the table stays complete as routes are added."""
import base64

import pytest

from medpool.api.routing import ROUTES
from medpool.models.user import User
from medpool.services import sessions
from tests.support import iso_in, label_scene, make_loan

PRINCIPALS = ["anonymous", "pending", "applicant_a", "applicant_b", "manager", "admin"]
OPENIDS = {"pending": "demo-pending", "applicant_a": "demo-nurse-icu", "applicant_b": "demo-nurse-em",
           "manager": "demo-manager", "admin": "demo-admin"}
REGISTER = {"name": "新人", "department_id": "ICU", "phone": "13900000000", "employee_no": "E1"}

NEW_LOAN = {"category_id": "monitor", "urgency": "urgent", "reason": "术后监护", "expected_return_at": "IN_24H"}
NEW_DEVICE = {"id": "MON-900", "category_id": "monitor", "name": "监护仪 900", "owner_department_id": "SBK"}
NEW_CATEGORY = {"id": "defib", "name": "除颤仪", "rate_fen": 1000, "rate_unit": "hour", "max_loan_hours": 24}

IMPORT_LOANS = ("device_id,category_id,department_id,requested_at,approved_at,handed_over_at,returned_at,condition\n"
                "MON-004,monitor,ICU,2024-01-02T01:00:00Z,2024-01-02T01:10:00Z,2024-01-02T02:00:00Z,"
                "2024-01-03T02:00:00Z,ok\n")
IMPORT_DEVICES = "id,category_id,name,owner_department_id\nMON-901,monitor,监护仪 901,SBK\n"

# operationId: (method, path, body, expected status for each of PRINCIPALS[, loan state to prepare])
# A prepared loan belongs to applicant_a's department (ICU); {loan} in the path is its id.
TABLE = {
    "health": ("GET", "/health", None, (200, 200, 200, 200, 200, 200)),
    "getOpenApi": ("GET", "/openapi.json", None, (200, 200, 200, 200, 200, 200)),
    "getPrivacyGuide": ("GET", "/privacy-guide", None, (200, 200, 200, 200, 200, 200)),
    "login": ("POST", "/auth/login", {"code": "test:demo-nurse-icu"}, (200, 200, 200, 200, 200, 200)),
    "register": ("POST", "/auth/register", "REGISTER", (201, 201, 201, 201, 201, 201)),
    "getMe": ("GET", "/me", None, (401, 401, 200, 200, 200, 200)),
    "updateMe": ("PUT", "/me", {"phone": "13700000000"}, (401, 401, 200, 200, 200, 200)),
    "listUsers": ("GET", "/users", None, (401, 401, 403, 403, 200, 200)),
    "updateUser": ("PUT", "/users/demo-pending", {"status": "active"}, (401, 401, 403, 403, 200, 200)),
    "deleteUser": ("DELETE", "/users/demo-pending", None, (401, 401, 403, 403, 204, 204)),
    "listDepartments": ("GET", "/departments", None, (200, 200, 200, 200, 200, 200)),
    "createDepartment": ("POST", "/departments", {"id": "NEW", "name": "新科室"}, (401, 401, 403, 403, 201, 201)),
    "updateDepartment": ("PUT", "/departments/ICU", {"name": "重症一科"}, (401, 401, 403, 403, 200, 200)),
    "listCategories": ("GET", "/categories", None, (401, 401, 200, 200, 200, 200)),
    "createCategory": ("POST", "/categories", NEW_CATEGORY, (401, 401, 403, 403, 201, 201)),
    "updateCategory": ("PUT", "/categories/monitor", {"rate_fen": 700}, (401, 401, 403, 403, 200, 200)),
    "listDevices": ("GET", "/devices", None, (401, 401, 200, 200, 200, 200)),
    "getDevice": ("GET", "/devices/MON-001", None, (401, 401, 200, 200, 200, 200)),
    "createDevice": ("POST", "/devices", NEW_DEVICE, (401, 401, 403, 403, 201, 201)),
    "updateDevice": ("PUT", "/devices/MON-002", {"location": "ICU"}, (401, 401, 403, 403, 200, 200)),
    "deleteDevice": ("DELETE", "/devices/MON-003", None, (401, 401, 403, 403, 200, 200)),
    "getDeviceCode": ("GET", "/devices/MON-001/code", None, (401, 401, 403, 403, 200, 200)),
    "getDeviceHistory": ("GET", "/devices/MON-001/history", None, (401, 401, 403, 403, 200, 200)),
    "rotateDeviceCode": ("POST", "/devices/MON-001/code/rotate", None, (401, 401, 403, 403, 200, 200)),
    # issue 12: "cleaning" prepares MON-001 returned and waiting for disinfection
    "recordDisinfection": ("POST", "/devices/MON-001/disinfection", {"method": "uv", "scan": "SCAN"},
                           (401, 401, 403, 403, 200, 200), "cleaning"),
    "recordMaintenance": ("POST", "/devices/MON-002/maintenance-records",
                          {"kind": "calibration", "result": "pass", "certificate_no": "JD-1", "next_due": "2099-01-01"},
                          (401, 401, 403, 403, 200, 200)),
    # issue 16: the dossier; "upkeep" prepares a calibration of MON-002, "certificate" also its certificate file
    "getDeviceDossier": ("GET", "/devices/MON-001/dossier", None, (401, 401, 403, 403, 200, 200)),
    "exportDossiers": ("GET", "/dossiers?category_id=monitor", None, (401, 401, 403, 403, 200, 200)),
    "uploadCertificate": ("POST", "/devices/MON-002/certificates", "CERTIFICATE", (401, 401, 403, 403, 201, 201),
                          "upkeep"),
    "getCertificate": ("GET", "/devices/MON-002/certificates/{certificate}", None, (401, 401, 403, 403, 200, 200),
                       "certificate"),
    "createLoan": ("POST", "/loans", NEW_LOAN, (401, 401, 201, 201, 201, 201)),
    "listLoans": ("GET", "/loans", None, (401, 401, 200, 200, 200, 200)),
    "getLoan": ("GET", "/loans/{loan}", None, (401, 401, 200, 403, 200, 200), "pending"),
    "cancelLoan": ("POST", "/loans/{loan}/cancel", None, (401, 401, 200, 403, 200, 200), "pending"),
    "approveLoan": ("POST", "/loans/{loan}/approve", {"device_id": "MON-001"}, (401, 401, 403, 403, 200, 200),
                    "pending"),
    "rejectLoan": ("POST", "/loans/{loan}/reject", {"reason": "暂无设备"}, (401, 401, 403, 403, 200, 200), "pending"),
    "handOverLoan": ("POST", "/loans/{loan}/handover", "SCAN", (401, 401, 200, 403, 200, 200), "approved"),
    "extendLoan": ("POST", "/loans/{loan}/extend", "EXTEND", (401, 401, 403, 403, 200, 200), "in_use"),
    "recallLoan": ("POST", "/loans/{loan}/recall", "RECALL", (401, 401, 403, 403, 200, 200), "in_use"),
    "answerRecall": ("POST", "/loans/{loan}/recall-answer", {"accept": True}, (401, 401, 200, 403, 200, 200),
                     "recalled"),
    "requestReturn": ("POST", "/loans/{loan}/return-request", None, (401, 401, 200, 403, 200, 200), "in_use"),
    "confirmReturn": ("POST", "/loans/{loan}/confirm-return", {"condition": "ok", "scan": "SCAN"},
                      (401, 401, 403, 403, 200, 200), "return_requested"),
    "listRecords": ("GET", "/records", None, (401, 401, 403, 403, 200, 200)),
    "listSubjectAccess": ("GET", "/access?device=MON-001", None, (401, 401, 403, 403, 200, 200)),
    "getStats": ("GET", "/stats?from=2024-01-01&to=2024-01-31", None, (401, 401, 403, 403, 200, 200)),
    "getPurchaseReport": ("GET", "/stats/purchase?from=2024-01-01&to=2024-01-31", None, (401, 401, 403, 403, 200, 200)),
    "getBilling": ("GET", "/billing?month=2024-01", None, (401, 401, 403, 403, 200, 200)),
    "importLoans": ("POST", "/imports/loans", {"content": IMPORT_LOANS}, (401, 401, 403, 403, 200, 200)),
    "createImport": ("POST", "/imports", {"content": IMPORT_LOANS}, (401, 401, 403, 403, 202, 202)),
    "getImport": ("GET", "/imports/{import}", None, (401, 401, 403, 403, 200, 200)),
    "importDevices": ("POST", "/imports/devices", {"content": IMPORT_DEVICES}, (401, 401, 403, 403, 200, 200)),
    "exportDevices": ("GET", "/exports/devices?format=csv", None, (401, 401, 403, 403, 200, 200)),
    # announcements (issue 4): {announcement} is a live announcement written by a manager
    "listAnnouncements": ("GET", "/announcements", None, (401, 401, 200, 200, 200, 200)),
    "createAnnouncement": ("POST", "/announcements", {"title": "通知", "body": "内容"}, (401, 401, 403, 403, 201, 201)),
    "updateAnnouncement": ("PUT", "/announcements/{announcement}", {"pinned": True}, (401, 401, 403, 403, 200, 200)),
    "deleteAnnouncement": ("DELETE", "/announcements/{announcement}", None, (401, 401, 403, 403, 204, 204)),
    "listNotifications": ("GET", "/notifications", None, (401, 401, 200, 200, 200, 200)),
    "listOutbox": ("GET", "/outbox", None, (401, 401, 403, 403, 200, 200)),
    "retryNotification": ("POST", "/outbox/N0/retry", None, (401, 401, 403, 403, 404, 404)),
    "listBlocks": ("GET", "/blocks", None, (401, 401, 403, 403, 200, 200)),
    # bookings (issue 13): {booking} is a booking of applicant_a's department (ICU), requested
    "createBooking": ("POST", "/bookings", "BOOKING", (401, 401, 201, 201, 201, 201)),
    "listBookings": ("GET", "/bookings", None, (401, 401, 200, 200, 200, 200)),
    "getBooking": ("GET", "/bookings/{booking}", None, (401, 401, 200, 403, 200, 200)),
    "cancelBooking": ("POST", "/bookings/{booking}/cancel", None, (401, 401, 200, 403, 200, 200)),
    "approveBooking": ("POST", "/bookings/{booking}/approve", None, (401, 401, 403, 403, 200, 200)),
    "rejectBooking": ("POST", "/bookings/{booking}/reject", {"reason": "设备检修"}, (401, 401, 403, 403, 200, 200)),
    "moveBooking": ("POST", "/bookings/{booking}/move", "MOVE", (401, 401, 403, 403, 200, 200)),
    "liftBlock": ("POST", "/blocks/ICU/lift", None, (401, 401, 403, 403, 409, 409)),
}


def test_every_route_has_a_row_and_every_row_a_route():
    import app  # noqa: F401 - registers every function's routes

    assert {spec.operation_id for spec in ROUTES} == set(TABLE)


def _prepared_loan(state: str):
    """A loan in the given state; `recalled`: in use, with a recall awaiting the ward's answer."""
    if state != "recalled":
        return make_loan(state)
    from medpool.services import recall

    loan = make_loan("in_use")
    return recall.recall(User.get("demo-manager"), loan.id, "急诊抢救需要", iso_in(2))


def _prepared_certificate(with_file: bool) -> tuple[str, str | None]:
    """A calibration recorded on MON-002 (its record key) and, if asked, a certificate file attached to it."""
    from medpool.models.record import Record
    from medpool.services import upkeep
    from medpool.services.certificates import attach

    manager = User.get("demo-manager")
    upkeep.record(manager, "MON-002", upkeep.UpkeepRecord("calibration", "pass", certificate_no="JD-1",
                                                          next_due="2099-01-01"))
    record_key = next(r.record_key for r in Record.query("device#MON-002") if r.action == "device.calibrated")
    return record_key, attach.attach(manager, "MON-002", record_key, b"%PDF-1.4 file")["id"] if with_file else None


def _token(principal: str) -> str | None:
    if principal == "anonymous":
        return None
    # A session token for the user as stored (a pending user cannot log in; this stands for a forged or stale one).
    return sessions.issue_session(User.get(OPENIDS[principal])).token


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("operation_id", sorted(TABLE))
def test_route_access(api, operation_id, principal):
    method, path, body, expected, *prepare = TABLE[operation_id]
    if prepare == ["cleaning"]:
        make_loan("returned", disinfected=False)
    elif prepare and prepare[0] in ("upkeep", "certificate"):
        record_key, certificate = _prepared_certificate(prepare[0] == "certificate")
        path = path.replace("{certificate}", certificate or "")
        if body == "CERTIFICATE":
            body = {"record_key": record_key, "content": base64.b64encode(b"%PDF-1.4 test").decode()}
    elif prepare:
        path = path.replace("{loan}", _prepared_loan(prepare[0]).id)
    if "{announcement}" in path:
        from medpool.services import announcements

        item, _ = announcements.create_announcement(User.get("demo-manager"), {"title": "通知", "body": "内容"})
        path = path.replace("{announcement}", item.id)
    if "{import}" in path:
        from medpool.services import importing
        from medpool.services.imports import jobs

        job = jobs.create("demo-manager", importing.validate_loans(IMPORT_LOANS.encode(), "csv"), "csv")
        path = path.replace("{import}", job.id)
    if "{booking}" in path:
        from medpool.services.bookings import flow

        booking, _ = flow.create(User.get("demo-nurse-icu"), flow.BookingRequest(
            "monitor", None, iso_in(30), iso_in(34), "择期手术"), f"authz-booking-{principal}")
        path = path.replace("{booking}", booking.id)
    if body == "BOOKING":
        body = {"category_id": "monitor", "start_at": iso_in(30), "end_at": iso_in(34), "reason": "择期手术"}
    if body == "MOVE":
        body = {"start_at": iso_in(40), "end_at": iso_in(44), "reason": "改期"}
    if body == "REGISTER":
        body = {**REGISTER, "registration_token": sessions.issue_registration(f"new-{principal}", None).token}
    if body == "EXTEND":
        body = {"expected_return_at": iso_in(48), "reason": "患者仍需使用"}
    if body == "RECALL":
        body = {"reason": "急诊抢救需要", "return_by": iso_in(2)}
    if body == "SCAN":
        body = {"scan": label_scene("MON-001")}  # the prepared loan's device, its label scanned
    if isinstance(body, dict) and body.get("scan") == "SCAN":
        body = {**body, "scan": label_scene("MON-001")}
    if body == NEW_LOAN:
        body = {**NEW_LOAN, "expected_return_at": iso_in(24)}
    reply = api.request(method, path, _token(principal), json_body=body,
                        headers={"Idempotency-Key": f"authz-{principal}-0001", "Accept": "*/*"})
    assert reply.status == expected[PRINCIPALS.index(principal)], reply.body


# What each caller reads of devices (GET /devices/{id}, GET /devices): applicant_a's department (ICU) holds
# MON-001; applicant_b (EM) sees that it cannot be had, not who holds it, for which loan, why or since when.
HOLDING = ("current_loan_id", "holder_department_id", "status_reason", "status_changed_at")
SEES_HOLDING = {"applicant_a": True, "applicant_b": False, "manager": True, "admin": True}
SEES_LABEL = {"applicant_a": False, "applicant_b": False, "manager": True, "admin": True}


@pytest.mark.parametrize("principal", sorted(SEES_HOLDING))
def test_device_fields_each_caller_sees(api, principal):
    loan = make_loan("in_use", device_id="MON-001")  # an ICU loan
    token = _token(principal)
    detail = api.get("/devices/MON-001", token).body
    listed = {d["id"]: d for d in api.get("/devices?category_id=monitor", token).body["items"]}["MON-001"]
    for seen in (detail, listed):
        assert seen["status"] == "on_loan" and seen["id"] == "MON-001"
        assert all((seen[field] is not None) == SEES_HOLDING[principal] for field in HOLDING), seen
        assert (seen["label_issued_at"] is not None) == SEES_LABEL[principal], seen
        assert "label_secret" not in seen
    assert (detail["current_loan"] or {}).get("id") == (loan.id if SEES_HOLDING[principal] else None)
    text = str(detail) + str(listed)
    assert (loan.id in text) == SEES_HOLDING[principal] and ("ICU" in text) == SEES_HOLDING[principal], text
    holder = api.get("/devices?holder=ICU", token)
    assert holder.status == (200 if SEES_HOLDING[principal] else 403)
