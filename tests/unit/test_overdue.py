"""The overdue check: flags in-use loans past due once (record + notifications to the department's
users and the managers), reminds due-soon loans once, runs from the schedule and the CLI; escalation
blocks routine/urgent requests of departments with long-overdue loans until lifted or returned."""
from datetime import timedelta

import pytest
from chalice.test import Client

from medpool import clock
from medpool.models.loan import Loan
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import loans, overdue
from tests.support import iso_in, reconfigure, table_counts, make_loan


@pytest.fixture
def wx(api, wechat):
    wechat.reset_messages()
    yield wechat
    wechat.reset_messages()
    clock.freeze(None)


def _at(hours):
    clock.freeze(clock.now() + timedelta(hours=hours))


def test_an_overdue_loan_is_flagged_recorded_and_notified_once(api, wx):
    loan = make_loan("in_use")  # due in 24 h
    _at(25)
    result = overdue.run()
    assert result["flagged"] == [loan.id] and result["read"] == 1
    flagged = Loan.get(loan.id)
    assert flagged.overdue is True and flagged.overdue_at == result["started_at"]
    [record] = [r for r in Record.query(f"loan#{loan.id}") if r.action == "loan.overdue"]
    assert record.after["overdue_at"] == result["started_at"] and record.actor == "system"
    told = {m["touser"] for m in wx.sent if m["data"].get("phrase4", {}).get("value") == "已逾期"}
    assert told == {"demo-nurse-icu", "demo-manager", "demo-admin"}
    again = overdue.run()
    assert again["flagged"] == [] and again["skipped"] == 1
    assert len([m for m in wx.sent if m["data"].get("phrase4", {}).get("value") == "已逾期"]) == 3
    page = loans.list_loans(User.get("demo-manager"), None, True, None, None)  # GET /loans?overdue=true
    assert [item.id for item in page.items] == [loan.id]


def test_due_soon_loans_get_one_reminder(api, wx):
    loan = make_loan("in_use")
    _at(23)
    assert overdue.run()["reminded"] == [loan.id]
    _at(0.25)
    assert overdue.run()["reminded"] == []
    reminders = [m for m in wx.sent if m["data"].get("phrase4", {}).get("value") == "即将到期"]
    assert [m["touser"] for m in reminders] == ["demo-nurse-icu"]


def test_returned_and_not_yet_due_loans_are_left_alone(api, wx):
    make_loan("returned")
    make_loan("in_use", key="fixture-loan-0002", device_id="MON-002")
    result = overdue.check()
    assert result.flagged == [] and result.reminded == []


def test_the_schedule_runs_the_check(api, wx):
    from app import app

    loan = make_loan("in_use")
    _at(25)
    with Client(app) as client:
        client.lambda_.invoke("check_overdue", client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[], region="cn-north-1"))
    assert Loan.get(loan.id).overdue is True


def test_the_cli_runs_the_check(api, wx, capsys):
    from medpool.cli import main

    make_loan("in_use")
    _at(25)
    assert main(["overdue-check"]) == 0
    assert '"flagged": [' in capsys.readouterr().out


@pytest.fixture
def escalation(api, wx):
    reconfigure(MEDPOOL_ESCALATION_HOURS="4")
    yield
    reconfigure(MEDPOOL_ESCALATION_HOURS="0")


def _apply(api, token, urgency, key):
    return api.post("/loans", {"category_id": "hfnc", "urgency": urgency, "reason": "病情需要",
                               "expected_return_at": iso_in(12)}, token, headers={"Idempotency-Key": key})


def test_escalation_blocks_until_lifted(api, escalation):
    loan = make_loan("in_use")
    _at(29)  # overdue 5 h > 4 h
    clock_now = clock._frozen
    clock.freeze(None)
    nurse, manager, other = api.login("demo-nurse-icu"), api.login("demo-manager"), api.login("demo-nurse-em")
    clock.freeze(clock_now)
    before = table_counts()
    refused = _apply(api, nurse, "routine", "blocked-0001")
    assert refused.status == 409 and refused.error_code == "department_blocked"
    assert _apply(api, nurse, "urgent", "blocked-0002").error_code == "department_blocked"
    assert table_counts() == before
    assert _apply(api, other, "routine", "other-0001").status == 201  # other departments are not blocked
    assert _apply(api, nurse, "emergency", "blocked-0003").status == 201  # emergencies always pass
    blocks = api.get("/blocks", manager).body
    assert blocks["enabled"] and blocks["items"] == [
        {"department_id": "ICU", "loan_ids": [loan.id], "lifted_loan_ids": [], "blocked": True}]
    assert api.post("/blocks/ICU/lift", None, nurse).status == 403
    lifted = api.post("/blocks/ICU/lift", None, manager)
    assert lifted.status == 200 and lifted.body["blocked"] is False
    assert api.post("/blocks/ICU/lift", None, manager).status == 200  # repeat: harmless
    assert _apply(api, nurse, "routine", "blocked-0004").status == 201
    assert api.post("/blocks/EM/lift", None, manager).error_code == "department_not_blocked"


def test_escalation_is_off_by_default(api, wx):
    make_loan("in_use")
    _at(100)
    clock_now = clock._frozen
    clock.freeze(None)
    nurse, manager = api.login("demo-nurse-icu"), api.login("demo-manager")
    clock.freeze(clock_now)
    assert _apply(api, nurse, "routine", "free-0001").status == 201
    assert api.get("/blocks", manager).body == {"enabled": False, "hours": 0.0, "items": [], "next_cursor": None}
