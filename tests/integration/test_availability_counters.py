"""The availability counts on the category items, on DynamoDB Local: exact after racing approvals (which all
write one hot category item: its transactions conflict and are sent again) and after a run of mixed
operations, where `recount` (medpool recount-availability) agrees with them; it corrects counts that drifted."""
import pytest

from medpool.models.category import SCOPE, Category
from medpool.models.category_counts import CategoryCounts
from medpool.models.device import STATUSES
from medpool.models.loan import Loan
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import availability, categories, devices, loan_flow
from tests.integration.race import race
from tests.support import disinfect, iso_in, label_scene, make_loan


def counts(category_id):
    """The stored counts (absent ones are zero)."""
    stored = availability.stored_counts(Category.get(SCOPE, category_id, consistent_read=True))
    return {status: count or 0 for status, count in stored.items()}


def expected(**counts):
    """Devices per status and pending requests per urgency (`queue_routine=...`); absent ones are zero."""
    return {name: counts.get(name, 0) for name in STATUSES + ("queue_emergency", "queue_urgent", "queue_routine")}


def new_category(manager, category_id, devices_count):
    categories.create_category(manager, category_id, {"name": f"测试 {category_id}", "rate_fen": 100,
                                                      "rate_unit": "hour", "max_loan_hours": 48})
    for n in range(devices_count):
        devices.create_device(manager, f"{category_id.upper()}-{n:03d}",
                              {"category_id": category_id, "name": f"测试 {n}", "owner_department_id": "SBK"})
    return [f"{category_id.upper()}-{n:03d}" for n in range(devices_count)]


@pytest.fixture(scope="module")
def manager(real_tables):
    return User.get("demo-manager")


def test_twenty_racing_approvals_of_twenty_devices_all_win_and_the_counts_are_exact(manager):
    device_ids = new_category(manager, "surge", 20)
    assert counts("surge") == expected(available=20)
    loans = [make_loan("pending", openid=("demo-nurse-icu", "demo-nurse-em")[n % 2], category_id="surge",
                       key=f"surge-approve-{n:04d}") for n in range(20)]
    won, lost = race([lambda loan=loan, device_id=device_id: loan_flow.approve(manager, loan.id, device_id)
                      for loan, device_id in zip(loans, device_ids)])
    assert len(won) == 20 and lost == []
    assert {Loan.get(loan.id).status for loan in loans} == {"approved"}
    assert counts("surge") == expected(reserved=20)
    assert availability.counted("surge") == expected(reserved=20)


def test_twenty_racing_approvals_of_one_device_one_wins_and_the_counts_are_exact(manager):
    [device_id, *_] = new_category(manager, "single", 3)
    loans = [make_loan("pending", category_id="single", key=f"single-approve-{n:04d}") for n in range(20)]
    won, lost = race([lambda loan=loan: loan_flow.approve(manager, loan.id, device_id) for loan in loans])
    assert len(won) == 1 and len(lost) == 19
    assert {error.code for error in lost} <= {"device_unavailable", "state_changed"}
    assert counts("single") == expected(available=2, reserved=1, queue_routine=19)  # 19 still wait
    assert availability.counted("single") == expected(available=2, reserved=1, queue_routine=19)


def test_racing_approvals_of_the_device_the_ward_asked_for_one_wins(manager):
    """Approved without naming the device: the device is not read, its write is conditioned on it."""
    [device_id, *_] = new_category(manager, "asked", 2)
    nurse = User.get("demo-nurse-icu")
    from medpool.services import loans as loan_service

    applied = [loan_service.create_loan(nurse, loan_service.LoanRequest("asked", device_id, "routine", "指定设备",
                                                                        iso_in(24)), f"asked-{n:04d}")[0]
               for n in range(6)]
    won, lost = race([lambda loan=loan: loan_flow.approve(manager, loan.id, None) for loan in applied])
    assert len(won) == 1 and {error.code for error in lost} == {"device_unavailable"}
    assert counts("asked") == expected(available=1, reserved=1, queue_routine=5)


def test_counts_follow_mixed_operations_and_the_recount_agrees(manager):
    ids = new_category(manager, "mixed", 7)
    nurse = User.get("demo-nurse-icu")
    devices.update_device(manager, ids[0], {"status": "maintenance", "status_reason": "校准"})
    devices.update_device(manager, ids[1], {"status": "maintenance"})
    devices.update_device(manager, ids[1], {"status": "available"})
    devices.retire_device(manager, ids[2], "报废")
    devices.update_device(manager, ids[3], {"category_id": "monitor"})  # moved to another category
    returned_ok = make_loan("returned", category_id="mixed", device_id=ids[4], key="mixed-loan-0001")
    damaged = make_loan("return_requested", category_id="mixed", device_id=ids[5], key="mixed-loan-0002")
    loan_flow.confirm_return(manager, damaged.id, "damaged", "屏幕裂", scan=label_scene(ids[5]))
    devices.update_device(manager, ids[5], {"status": "available"})  # repaired: waits for disinfection first
    disinfect(ids[5])
    approved = make_loan("approved", category_id="mixed", device_id=ids[1], key="mixed-loan-0003")
    in_use = make_loan("in_use", category_id="mixed", device_id=ids[4], key="mixed-loan-0004")
    cancelled = make_loan("approved", category_id="mixed", device_id=ids[5], key="mixed-loan-0005")
    loan_flow.cancel(nurse, cancelled.id)
    make_loan("returned", category_id="mixed", device_id=ids[6], key="mixed-loan-0006", disinfected=False)
    assert returned_ok.status == "returned" and approved.status == "approved" and in_use.status == "in_use"
    assert counts("mixed") == expected(available=1, reserved=1, on_loan=1, cleaning=1, maintenance=1, retired=1)
    report = {row["category_id"]: row for row in availability.recount(dry_run=True)}
    assert all(not row["changed"] for row in report.values()), report
    assert report["mixed"]["counted"] == expected(available=1, reserved=1, on_loan=1, cleaning=1, maintenance=1, retired=1)


def test_the_recount_corrects_drifted_counts_with_a_record(manager, capsys):
    from medpool import cli

    CategoryCounts(SCOPE, "ventilator").update(actions=[CategoryCounts.count_available.add(5)])
    drifted = counts("ventilator")
    assert drifted != availability.counted("ventilator")
    assert cli.main(["recount-availability"]) in (0, None)
    assert "ventilator" in capsys.readouterr().out
    assert counts("ventilator") == availability.counted("ventilator")
    [record] = [r for r in Record.query("category#ventilator") if r.action == "category.recount"]
    assert record.before["available"] == drifted["available"]


def test_a_category_edit_keeps_the_counts(manager):
    before = counts("monitor")
    categories.update_category(manager, "monitor", {"rate_fen": 650})
    assert counts("monitor") == before and Category.get(SCOPE, "monitor").rate_fen == 650


def conflicts(monkeypatch, refuse):
    """DynamoDB cancels a TransactWriteItems with TransactionConflict when another transaction holds one of its
    items (the hot category item). DynamoDB Local serializes transactions instead, so the conflict is made
    here: `refuse()` decides, per send, whether it is cancelled that way (nothing written)."""
    from botocore.client import BaseClient
    from botocore.exceptions import ClientError

    original = BaseClient._make_api_call

    def send(self, operation_name, operation_kwargs):
        if operation_name == "TransactWriteItems" and refuse():
            reasons = [{"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}]
            reasons += [{"Code": "None"}] * (len(operation_kwargs["TransactItems"]) - 1)
            raise ClientError({"Error": {"Code": "TransactionCanceledException",
                                         "Message": "Transaction cancelled [TransactionConflict]"},
                               "CancellationReasons": reasons}, operation_name)
        return original(self, operation_name, operation_kwargs)

    monkeypatch.setattr(BaseClient, "_make_api_call", send)


def test_a_transaction_meeting_conflicts_is_sent_again_and_commits_once(manager, monkeypatch):
    from local.dynamodb_counter import count_dynamodb

    [device_id, *_] = new_category(manager, "conflict", 1)
    loan = make_loan("pending", category_id="conflict", key="conflict-approve-01")
    refusals = [True, True, True]
    conflicts(monkeypatch, lambda: bool(refusals) and refusals.pop())
    with count_dynamodb() as usage:
        approved = loan_flow.approve(manager, loan.id, device_id)
    assert approved.status == "approved" and refusals == []
    assert usage.calls["TransactWriteItems"] == 4 and usage.calls["BatchGetItem"] == 1  # sent again, not re-read
    assert counts("conflict") == expected(reserved=1)
    assert len([r for r in Record.query(f"loan#{loan.id}") if r.action == "loan.approve"]) == 1


def test_a_failed_condition_is_not_sent_again(manager):
    from local.dynamodb_counter import count_dynamodb

    [device_id, *_] = new_category(manager, "condition", 1)
    first, second = (make_loan("pending", category_id="condition", key=f"condition-{n}") for n in range(2))
    loan_flow.approve(manager, first.id, device_id)
    stale = Loan.get(second.id)
    with count_dynamodb() as usage, pytest.raises(Exception) as refused:
        loan_flow.approve(manager, stale.id, device_id)
    assert getattr(refused.value, "code", None) == "device_unavailable" and usage.calls["TransactWriteItems"] == 0


def test_a_surge_of_conflicting_approvals_all_commit_with_exact_counts(manager, monkeypatch):
    """20 approvals at once, each send refused as a conflict with probability 1/2: all 20 commit."""
    import random
    import threading

    device_ids = new_category(manager, "hot", 20)
    loans = [make_loan("pending", category_id="hot", key=f"hot-approve-{n:04d}") for n in range(20)]
    draw, lock = random.Random(11), threading.Lock()

    def coin():
        with lock:
            return draw.random() < 0.5

    conflicts(monkeypatch, coin)
    won, lost = race([lambda loan=loan, device_id=device_id: loan_flow.approve(manager, loan.id, device_id)
                      for loan, device_id in zip(loans, device_ids)])
    assert len(won) == 20 and lost == []
    assert counts("hot") == expected(reserved=20) == availability.counted("hot")
