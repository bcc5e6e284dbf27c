"""Audit records are hash-chained per subject (services/audit_chain.py); `medpool verify-records` finds a record
edited, deleted or re-sealed directly in DynamoDB Local, without the loan actions reading anything more."""
import boto3
import pytest

from medpool.cli import main
from medpool.config import get_settings
from medpool.models.device import Device
from medpool.models.loan import Loan
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import loan_flow, overdue
from medpool.services.record_check import verify
from tests.support import make_loan


def _table():
    settings = get_settings()
    return boto3.resource("dynamodb", endpoint_url=settings.dynamodb_endpoint, region_name=settings.region
                          ).Table(settings.table_name("records"))


def _records(subject):
    return sorted(Record.query(subject, consistent_read=True), key=lambda r: r.record_key)


def _check(subject):
    [result] = list(verify(subject))
    return result


@pytest.fixture(scope="module")
def returned_loan(real_tables):
    """A loan through its whole life: create, approve, hand over, return request, confirm return, disinfection
    (the loan's disinfection record is loose: the loan is not read by it)."""
    return make_loan("returned", device_id="MON-001", key="chain-loan-0001")


def test_a_loans_life_forms_intact_chains_on_the_loan_and_its_device(returned_loan):
    loan = _check(f"loan#{returned_loan.id}")
    assert loan.ok, loan.problems
    assert (loan.records, loan.chained, loan.loose, loan.unsealed) == (6, 5, 1, 0)
    device = _check("device#MON-001")
    assert device.ok and device.chained >= 5, device.problems
    records = _records(f"loan#{returned_loan.id}")
    assert records[0].prev == "" and all(r.digest for r in records)
    assert Loan.get(returned_loan.id).record_head == [r for r in records if r.prev is not None][-1].digest


def test_records_written_without_reading_their_subject_are_linked_in(real_tables):
    """Approving the device the ward asked for writes the device unread, the overdue check the loan: both
    records are loose, listed on the item, then folded in by the next chained record."""
    from medpool.services import loans
    from tests.support import iso_in

    nurse, manager = User.get("demo-nurse-icu"), User.get("demo-manager")
    loan, _ = loans.create_loan(nurse, loans.LoanRequest(None, "MON-002", "routine", "抢救", iso_in(24)), "chain-0002")
    loan_flow.approve(manager, loan.id, None)  # the ward's device, written without being read
    assert Device.get("MON-002").record_loose
    loan_flow.cancel(nurse, loan.id)  # the device unread again
    assert len(Device.get("MON-002").record_loose) == 2
    assert _check("device#MON-002").ok
    from medpool.services import devices
    devices.update_device(manager, "MON-002", {"location": "设备科库房 2"})  # read: folds the two in
    item = Device.get("MON-002")
    assert item.record_loose is None and _records("device#MON-002")[-1].folded
    assert _check("device#MON-002").ok


def test_the_overdue_flag_is_a_loose_record_on_the_loan(real_tables):
    from medpool import clock
    from datetime import timedelta

    loan = make_loan("in_use", device_id="MON-003", key="chain-loan-0003")
    clock.freeze(clock.now() + timedelta(hours=30))
    try:
        overdue.check()
    finally:
        clock.freeze(None)
    assert Loan.get(loan.id).record_loose
    result = _check(f"loan#{loan.id}")
    assert result.ok and result.loose == 1, result.problems


def test_verify_records_names_a_record_edited_directly_in_dynamodb(returned_loan, capsys):
    assert main(["verify-records"]) == 0
    assert "every chain intact" in capsys.readouterr().out
    hand_over = next(r for r in _records(f"loan#{returned_loan.id}") if r.action == "loan.hand_over")
    _table().update_item(Key={"subject": hand_over.subject, "record_key": hand_over.record_key},
                         UpdateExpression="SET actor = :someone", ExpressionAttributeValues={":someone": "demo-admin"})
    assert main(["verify-records"]) == 1
    out = capsys.readouterr().out
    assert f"BROKEN loan#{returned_loan.id} {hand_over.record_key}: content does not match its digest" in out
    _table().update_item(Key={"subject": hand_over.subject, "record_key": hand_over.record_key},
                         UpdateExpression="SET actor = :back", ExpressionAttributeValues={":back": hand_over.actor})
    assert _check(f"loan#{returned_loan.id}").ok


def test_a_record_re_sealed_after_its_edit_breaks_the_link_to_it(returned_loan):
    """Whoever recomputes the edited record's digest still breaks the next record's link."""
    from medpool.services.audit_chain import digest_of

    subject = f"loan#{returned_loan.id}"
    approve = next(r for r in _records(subject) if r.action == "loan.approve")
    approve.note = "改过的"
    forged = digest_of(approve)
    _table().update_item(Key={"subject": subject, "record_key": approve.record_key},
                         UpdateExpression="SET note = :n, digest = :d",
                         ExpressionAttributeValues={":n": "改过的", ":d": forged})
    problems = _check(subject).problems
    assert any("predecessor is missing or was changed" in p for p in problems), problems


def test_a_deleted_record_is_found_missing(real_tables):
    loan = make_loan("return_requested", device_id="MON-004", key="chain-loan-0004")
    last = _records(f"loan#{loan.id}")[-1]
    _table().delete_item(Key={"subject": last.subject, "record_key": last.record_key})
    problems = _check(f"loan#{loan.id}").problems
    assert problems and "the item's head is" in problems[0], problems


def test_racing_writers_of_one_device_leave_an_intact_chain(real_tables):
    """Edits that read the device (chained) race with an approval and a cancel that write it unread (loose):
    whatever wins, every record is in the device's chain."""
    from medpool.services import devices, loans
    from tests.integration.race import race
    from tests.support import iso_in

    nurse, manager = User.get("demo-nurse-icu"), User.get("demo-manager")
    for round_ in range(3):
        loan, _ = loans.create_loan(nurse, loans.LoanRequest(None, "MON-002", "routine", "抢救", iso_in(24)),
                                    f"chain-race-{round_:04d}")
        edits = [lambda n=n: devices.update_device(manager, "MON-002", {"location": f"库房 {round_}-{n}"})
                 for n in range(4)]
        race(edits + [lambda: loan_flow.approve(manager, loan.id, None)])
        race(edits[:2] + [lambda: loan_flow.cancel(nurse, loan.id)])
    result = _check("device#MON-002")
    assert result.ok, result.problems
    assert result.loose >= 1 and result.chained >= 3


def test_a_user_rejected_and_registering_again_keeps_one_chain(real_tables):
    from medpool.services import sessions, users

    def register(name):
        token = sessions.issue_registration("chain-user", None).token
        return users.register(token, name, "ICU", "13912345678", "E-chain", "applicant")

    register("链式用户")
    users.update_user(User.get("demo-manager"), "chain-user", {"status": "rejected"})
    register("链式用户二")
    result = _check("user#chain-user")
    assert result.ok and result.chained == 3, result.problems
    assert all("13912345678" not in str(r.after) for r in _records("user#chain-user"))
