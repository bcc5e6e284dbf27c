"""The access log: one JSON line per API call (who, operation, subjects, outcome, time, source, request id),
never a token, session id, label secret or phone number in clear."""
import json
from datetime import datetime

import pytest

from medpool.api import access_log
from tests.support import label_scene, make_loan

PHONE = "13912345678"


@pytest.fixture
def lines(tmp_path, monkeypatch, capsys):
    """The access lines written during a test, read back from the file (and checked to be on stdout too)."""
    path = tmp_path / "access.log"
    monkeypatch.setenv(access_log.FILE_ENV, str(path))

    seen = [0]

    def read() -> list[dict]:
        """The lines written since the last read."""
        out = capsys.readouterr().out
        found = access_log.parse_lines(path.read_text(encoding="utf-8")) if path.exists() else []
        found, seen[0] = found[seen[0]:], len(found)
        assert found == access_log.parse_lines(out)  # the same lines on stdout (CloudWatch Logs)
        return found

    return read


def test_login_register_and_profile_edits_log_no_token_session_or_phone(api, lines):
    registration = api.post("/auth/login", {"code": "test:privacy-nurse"}).body["registration_token"]
    body = {"registration_token": registration, "name": "隐私护士", "department_id": "ICU", "phone": PHONE,
            "employee_no": "E-privacy", "role": "applicant"}
    assert api.post("/auth/register", body).status == 201
    token = api.login("demo-nurse-icu")
    assert api.put("/me", {"phone": PHONE}, token).status == 200
    assert api.get("/me", token).status == 200
    assert api.get("/me", "not-a-token").status == 401
    found = lines()
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in found)
    for secret in (registration, token, PHONE, "not-a-token", "session_key"):
        assert secret not in text
    operations = [line["operation"] for line in found]
    assert operations == ["login", "register", "login", "updateMe", "getMe", "getMe"]
    register, update = found[1], found[3]
    assert register["openid"] == "privacy-nurse" and register["subjects"] == {"user": ["privacy-nurse"]}
    assert update["openid"] == "demo-nurse-icu" and update["role"] == "applicant" and update["status"] == 200
    assert found[-1]["status"] == 401 and found[-1]["error"] == "invalid_token" and found[-1]["openid"] is None


def test_a_hand_over_line_names_the_loan_and_the_scanned_device_not_the_label_secret(api, lines):
    loan = make_loan("approved", device_id="MON-001")
    nurse = api.login("demo-nurse-icu")
    lines()
    scene = label_scene("MON-001")
    reply = api.post(f"/loans/{loan.id}/handover", {"scan": scene}, nurse,
                     headers={"User-Agent": "Mozilla/5.0 MicroMessenger/8.0.50"})
    assert reply.status == 200
    [line] = lines()
    assert line["operation"] == "handOverLoan" and line["route"] == "/loans/{id}/handover"
    assert line["subjects"] == {"loan": [loan.id], "device": ["MON-001"]}
    assert line["openid"] == "demo-nurse-icu" and line["role"] == "applicant" and line["department_id"] == "ICU"
    assert line["status"] == 200 and line["error"] is None and line["request_id"]
    assert line["user_agent"].startswith("Mozilla/5.0") and line["at"].endswith("Z")
    assert scene.split(".", 1)[1] not in json.dumps(line)


def test_refusals_are_logged_with_their_code(api, lines):
    nurse = api.login("demo-nurse-icu")
    lines()
    assert api.get("/records", nurse).status == 403
    assert api.get("/devices/NOPE-1", nurse).status == 404
    refused, missing = lines()
    assert refused["operation"] == "listRecords" and refused["error"] == "manager_required"
    assert missing["subjects"] == {"device": ["NOPE-1"]} and missing["status"] == 404


def test_a_phone_in_any_logged_field_is_masked():
    entry = access_log._masked({"user_agent": f"call {PHONE}", "subjects": {"user": [PHONE]}})
    assert entry == {"user_agent": "call 139****5678", "subjects": {"user": ["139****5678"]}}



def test_phone_numbers_are_shown_in_full_only_to_managers_and_the_user():
    from medpool.api.schemas.users import UserOut
    from medpool.models.user import User
    from medpool.privacy import mask_phone

    owner = User("nurse-a", name="甲", department_id="ICU", role="applicant", status="active", phone=PHONE,
                 registered_at="2026-01-01T00:00:00Z")
    other = User("nurse-b", name="乙", department_id="ICU", role="applicant", status="active")
    manager = User("boss", name="丙", department_id="SBK", role="manager", status="active")
    assert UserOut.for_viewer(owner, owner).phone == PHONE
    assert UserOut.for_viewer(manager, owner).phone == PHONE
    assert UserOut.for_viewer(other, owner).phone == "139****5678"
    assert mask_phone("+86-010-1234") == "********1234" and mask_phone(None) is None


def test_audit_records_keep_phone_numbers_masked(api):
    from medpool.models.record import Record

    token = api.login("demo-nurse-icu")
    assert api.put("/me", {"phone": PHONE}, token).body["phone"] == PHONE  # the user sees their own in full
    [record] = [r for r in Record.query("user#demo-nurse-icu") if r.action == "user.update_profile"]
    assert record.after == {"phone": "139****5678"} and PHONE not in str(record.before)


def test_the_privacy_guide_is_served_from_docs(api):
    from pathlib import Path

    reply = api.get("/privacy-guide")
    assert reply.status == 200
    guide = reply.body
    assert set(guide) == {"version", "updated_at", "summary", "text"}
    assert guide["text"].startswith("# 医疗设备调配平台 用户隐私保护指引")
    for collected in ("姓名", "手机号", "工号", "科室", "openid"):
        assert collected in guide["summary"] or collected in guide["text"]
    docs = (Path(__file__).resolve().parents[2] / "docs" / "privacy-guide.md").read_text(encoding="utf-8")
    assert guide["text"] in docs and f"version: {guide['version']}" in docs


def test_managers_see_who_looked_at_or_changed_a_loan(api, lines):
    """The access lines copied by subject (as the log subscription / make run's tail does) answer GET /access
    together with the loan's audit records."""
    import base64
    import gzip

    from functions.reports.handler import ingest_access_log

    loan = make_loan("approved", device_id="MON-002", key="access-loan-0001")
    nurse, manager = api.login("demo-nurse-icu"), api.login("demo-manager")
    assert api.get(f"/loans/{loan.id}", nurse).status == 200
    assert api.post(f"/loans/{loan.id}/handover", {"scan": label_scene("MON-002")}, nurse).status == 200
    found = lines()
    payload = {"messageType": "DATA_MESSAGE", "logEvents": [{"id": str(i), "timestamp": 0, "message": json.dumps(
        line, ensure_ascii=False)} for i, line in enumerate(found)] + [{"id": "x", "timestamp": 0, "message": "START"}]}
    event = {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(payload).encode())).decode()}}
    assert ingest_access_log(event, None)["lines"] == len(found)
    reply = api.get(f"/access?loan={loan.id}", manager)
    assert reply.status == 200, reply.body
    body = reply.body
    assert body["subject"] == f"loan#{loan.id}"
    assert [(a["operation"], a["openid"]) for a in body["items"]] == [("handOverLoan", "demo-nurse-icu"),
                                                                      ("getLoan", "demo-nurse-icu")]
    assert [c["action"] for c in body["changes"]][:3] == ["loan.hand_over", "loan.approve", "loan.create"]
    device = api.get("/access?device=MON-002", manager).body
    assert [a["operation"] for a in device["items"]] == ["handOverLoan"]
    assert api.get("/access", manager).error_code == "subject_required"
    assert api.get(f"/access?loan={loan.id}", nurse).status == 403


def test_make_runs_tail_copies_only_new_complete_lines(tables, tmp_path):
    from local.access_tail import AccessTail
    from medpool.models.access_entry import AccessEntry

    path = tmp_path / "access.log"
    old = {"log": "access", "at": "2026-01-01T00:00:00.000Z", "request_id": "r0", "operation": "getLoan",
           "status": 200, "subjects": {"loan": ["L-OLD"]}}
    path.write_text(json.dumps(old) + "\n", encoding="utf-8")
    tail = AccessTail(path)  # lines of an earlier run are not copied again
    new = {**old, "request_id": "r1", "operation": "handOverLoan", "subjects": {"loan": ["L-1"], "device": ["MON-001"]}}
    with open(path, "a", encoding="utf-8") as out:
        partial = json.dumps({**new, "request_id": "r2"})[:30]  # a line still being written
        out.write("not json\n" + json.dumps(new) + "\n" + partial)
    assert tail.step() == 2
    assert [e.request_id for e in AccessEntry.query("loan#L-1")] == ["r1"]
    assert list(AccessEntry.query("loan#L-OLD")) == [] and tail.step() == 0
    entry = AccessEntry.get("device#MON-001", "2026-01-01T00:00:00.000Z#r1")
    assert (entry.expires_at - datetime.fromisoformat("2026-01-01T00:00:00+00:00")).days == 200
