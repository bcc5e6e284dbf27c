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
from tests.support import iso_in, label_scene, make_loan


def counts(category_id):
    """The stored counts (absent ones are zero)."""
    stored = availability.stored_counts(Category.get(SCOPE, category_id, consistent_read=True))
    return {status: count or 0 for status, count in stored.items()}


def expected(**by_status):
    return {status: by_status.get(status, 0) for status in STATUSES}


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
    assert counts("single") == expected(available=2, reserved=1)
    assert availability.counted("single") == expected(available=2, reserved=1)


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
    assert counts("asked") == expected(available=1, reserved=1)


def test_counts_follow_mixed_operations_and_the_recount_agrees(manager):
    ids = new_category(manager, "mixed", 6)
    nurse = User.get("demo-nurse-icu")
    devices.update_device(manager, ids[0], {"status": "maintenance", "status_reason": "校准"})
    devices.update_device(manager, ids[1], {"status": "maintenance"})
    devices.update_device(manager, ids[1], {"status": "available"})
    devices.retire_device(manager, ids[2], "报废")
    devices.update_device(manager, ids[3], {"category_id": "monitor"})  # moved to another category
    returned_damaged = make_loan("returned", category_id="mixed", device_id=ids[4], key="mixed-loan-0001")
    loan_flow.confirm_return  # noqa: B018 - the ok return above; now a damaged one:
    damaged = make_loan("return_requested", category_id="mixed", device_id=ids[5], key="mixed-loan-0002")
    loan_flow.confirm_return(manager, damaged.id, "damaged", "屏幕裂", scan=label_scene(ids[5]))
    devices.update_device(manager, ids[5], {"status": "available"})
    approved = make_loan("approved", category_id="mixed", device_id=ids[1], key="mixed-loan-0003")
    in_use = make_loan("in_use", category_id="mixed", device_id=ids[4], key="mixed-loan-0004")
    cancelled = make_loan("approved", category_id="mixed", device_id=ids[5], key="mixed-loan-0005")
    loan_flow.cancel(nurse, cancelled.id)
    assert returned_damaged.status == "returned" and approved.status == "approved" and in_use.status == "in_use"
    assert counts("mixed") == expected(available=1, reserved=1, on_loan=1, maintenance=1, retired=1)
    report = {row["category_id"]: row for row in availability.recount(dry_run=True)}
    assert all(not row["changed"] for row in report.values()), report
    assert report["mixed"]["counted"] == expected(available=1, reserved=1, on_loan=1, maintenance=1, retired=1)


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
