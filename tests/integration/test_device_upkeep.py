"""Issue 12 parts 1-2 on DynamoDB Local: every new condition and race of disinfection (cleaning) and of the
maintenance / calibration dates, with exact availability counts (recount agrees)."""
from datetime import date, timedelta

import pytest

from medpool.models.category import SCOPE, Category
from medpool.models.device import STATUSES, Device
from medpool.models.loan import Loan
from medpool.models.notification import Notification
from medpool.models.notify_event import NotifyEvent
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import availability, categories, devices, disinfection, loan_flow, loans, overdue, upkeep
from medpool.services.notify import outbox
from tests.integration.race import race
from tests.support import iso_in, label_scene


@pytest.fixture(scope="module")
def manager(real_tables):
    return User.get("demo-manager")


@pytest.fixture(scope="module")
def nurse(real_tables):
    return User.get("demo-nurse-icu")


def counts(category_id):
    stored = availability.stored_counts(Category.get(SCOPE, category_id, consistent_read=True))
    return {status: count or 0 for status, count in stored.items() if count and not status.startswith("queue_")}


def assert_counts_agree(category_id):
    """The counts kept by ADDs equal a recount from the devices (strongly read here: no index lag)."""
    found = {}
    for device in Device.by_category_status.query(category_id):
        device = Device.get(device.id, consistent_read=True)
        found[device.status] = found.get(device.status, 0) + 1
    assert counts(category_id) == found


def new_category(manager, category_id, devices_count, **fields):
    categories.create_category(manager, category_id, {"name": f"测试 {category_id}", "rate_fen": 100,
                                                      "rate_unit": "hour", "max_loan_hours": 48, **fields})
    ids = [f"{category_id.upper()}-{n:03d}" for n in range(devices_count)]
    for device_id in ids:
        devices.create_device(manager, device_id, {"category_id": category_id, "name": "测试设备",
                                                   "owner_department_id": "SBK"})
    return ids


def apply(nurse, category_id, key, device_id=None):
    request = loans.LoanRequest(category_id, device_id, "urgent", "术后监护", iso_in(24))
    return loans.create_loan(nurse, request, key)[0]


def lent(manager, nurse, category_id, device_id, key, state="return_requested"):
    loan = apply(nurse, category_id, key)
    loan_flow.approve(manager, loan.id, device_id)
    loan_flow.hand_over(nurse, loan.id, scan=label_scene(device_id))
    if state == "return_requested":
        loan_flow.request_return(nurse, loan.id)
    return loan


def day(offset):
    return (date.fromisoformat(upkeep.today()) + timedelta(days=offset)).isoformat()


def test_approvals_racing_a_return_never_reserve_the_device_waiting_for_disinfection(manager, nurse):
    (device_id,) = new_category(manager, "race-clean", 1)
    asked = [apply(nurse, "race-clean", f"race-clean-asked-{n}", device_id) for n in range(4)]  # not read
    returning = lent(manager, nurse, "race-clean", device_id, "race-clean-return")
    named = [apply(nurse, "race-clean", f"race-clean-named-{n}") for n in range(4)]  # approve names the device
    won, lost = race([lambda: loan_flow.confirm_return(manager, returning.id, "ok", device_id=device_id)]
                     + [lambda loan=loan: loan_flow.approve(manager, loan.id, device_id) for loan in named]
                     + [lambda loan=loan: loan_flow.approve(manager, loan.id, None) for loan in asked])
    assert [loan.status for loan in won] == ["returned"]
    assert {error.code for error in lost} == {"device_unavailable"} and len(lost) == 8
    device = Device.get(device_id, consistent_read=True)
    assert (device.status, device.current_loan_id, device.last_loan_id) == ("cleaning", None, returning.id)
    assert all(Loan.get(loan.id, consistent_read=True).status == "pending" for loan in named + asked)
    assert counts("race-clean") == {"cleaning": 1}
    # approvals racing the disinfection: the device is reserved at most once, only after it is available
    won, lost = race([lambda: disinfection.record(manager, device_id, disinfection.Disinfection("uv"),
                                                  scan=label_scene(device_id))]
                     + [lambda loan=loan: loan_flow.approve(manager, loan.id, None) for loan in asked])
    approved = [loan for loan in won if isinstance(loan, Loan)]
    assert len(approved) <= 1 and {error.code for error in lost} <= {"device_unavailable"}
    device = Device.get(device_id, consistent_read=True)
    # (records are ordered by the time each writer stamped before writing, not by commit order: count them)
    chain = [r.action for r in Record.query(f"device#{device_id}", consistent_read=True)]
    since_return = chain[chain.index("device.cleaning") + 1:]
    assert sorted(since_return) == sorted(["device.disinfect"] + ["device.reserved"] * len(approved))
    assert device.status == ("reserved" if approved else "available")
    assert_counts_agree("race-clean")


def test_racing_disinfections_record_once_and_all_get_the_device(manager, nurse):
    (device_id,) = new_category(manager, "race-dis", 1)
    returned = lent(manager, nurse, "race-dis", device_id, "race-dis-return")
    loan_flow.confirm_return(manager, returned.id, "ok", scan=label_scene(device_id))
    won, lost = race([lambda: disinfection.record(manager, device_id, disinfection.Disinfection("chlorine_wipe"),
                                                  typed_id=device_id) for _ in range(5)])
    assert lost == [] and {(d.status, d.version) for d in won} == {("available", won[0].version)}
    assert [r.action for r in Record.query(f"device#{device_id}")].count("device.disinfect") == 1
    assert [r.action for r in Record.query(f"loan#{returned.id}")].count("loan.disinfected") == 1
    assert counts("race-dis") == {"available": 1}


def test_a_disinfection_is_conditioned_on_the_label_it_scanned(manager, nurse):
    (device_id,) = new_category(manager, "label-dis", 1)
    returned = lent(manager, nurse, "label-dis", device_id, "label-dis-return")
    loan_flow.confirm_return(manager, returned.id, "ok", device_id=device_id)
    old = label_scene(device_id)
    from medpool.services import device_codes

    device_codes.rotate(manager, device_id)
    with pytest.raises(Exception) as refused:
        disinfection.record(manager, device_id, disinfection.Disinfection("uv"), scan=old)
    assert getattr(refused.value, "code", None) == "invalid_scan"
    assert Device.get(device_id, consistent_read=True).status == "cleaning"


def test_a_past_date_refuses_the_device_the_approval_does_not_read(manager, nurse):
    first, second = new_category(manager, "past-due", 2)
    devices.update_device(manager, first, {"next_calibration_due": day(-1)})
    devices.update_device(manager, second, {"next_maintenance_due": day(0)})  # due today: still lendable
    refused = apply(nurse, "past-due", "past-due-first", first)
    with pytest.raises(Exception) as error:
        loan_flow.approve(manager, refused.id, None)
    assert getattr(error.value, "code", None) == "calibration_overdue"
    assert Loan.get(refused.id, consistent_read=True).status == "pending"
    assert Device.get(first, consistent_read=True).status == "available"
    accepted = apply(nurse, "past-due", "past-due-second", second)
    assert loan_flow.approve(manager, accepted.id, None).status == "approved"
    assert counts("past-due") == {"available": 1, "reserved": 1}


def test_a_failed_calibration_racing_an_approval_leaves_one_consistent_state(manager, nurse):
    (device_id,) = new_category(manager, "race-cal", 1, calibration_interval_days=365)
    loan = apply(nurse, "race-cal", "race-cal-loan")
    won, lost = race([lambda: loan_flow.approve(manager, loan.id, device_id),
                      lambda: upkeep.record(manager, device_id, upkeep.UpkeepRecord("calibration", "fail"))])
    device, final = Device.get(device_id, consistent_read=True), Loan.get(loan.id, consistent_read=True)
    assert len(won) == 1 and len(lost) == 1
    if final.status == "approved":
        assert (device.status, lost[0].code) == ("reserved", "device_in_use")
    else:
        assert (device.status, final.status, lost[0].code) == ("maintenance", "pending", "device_unavailable")
    assert_counts_agree("race-cal")


def test_a_passed_calibration_takes_the_category_interval_and_shows_in_the_due_list(manager):
    (device_id,) = new_category(manager, "due-list", 1, calibration_interval_days=20, maintenance_interval_days=400)
    device = Device.get(device_id, consistent_read=True)
    assert (device.next_calibration_due, device.next_maintenance_due) == (day(20), day(400))
    assert device_id in [d.id for d in upkeep.due_query(30, 200)]
    done = upkeep.record(manager, device_id, upkeep.UpkeepRecord("calibration", "pass", certificate_no="JD-9"))
    assert done.next_calibration_due == day(20)  # performed today: today + 20 days
    later = upkeep.record(manager, device_id, upkeep.UpkeepRecord("calibration", "pass", next_due=day(100)))
    assert later.next_due == day(100) and device_id not in [d.id for d in upkeep.due_query(30, 200)]
    devices.retire_device(manager, device_id)
    assert device_id not in [d.id for d in upkeep.due_query(500, 500)]  # retired: out of the sparse index


def test_reminders_go_to_managers_once_per_device_and_due_date(manager, notifier):
    first, second = new_category(manager, "remind", 2)
    devices.update_device(manager, first, {"next_calibration_due": day(3)})
    devices.update_device(manager, second, {"next_maintenance_due": day(60)})  # not within the reminder window
    results = race([lambda: overdue.check() for _ in range(3)])[0]
    reminded = [key for result in results for key in result.upkeep_reminded if key.startswith("REMIND-")]
    assert reminded == [f"{first}#calibration"]
    assert overdue.check().upkeep_reminded.count(f"{first}#calibration") == 0  # again: nothing
    event_id = outbox.device_event("calibration", Device.get(first), day(3), "2026-01-01T00:00:00.000Z").id
    assert NotifyEvent.get(event_id, consistent_read=True).device["due"] == day(3)
    records = [r for r in Record.query(f"device#{first}") if r.action == "device.due_reminder"]
    assert len(records) == 1 and records[0].after["kind"] == "calibration"
    # the notifier tells the active managers, on the device's page
    notifier.drain()
    notices = [n for n in Notification.scan() if n.event == "device_calibration_due" and first in n.body]
    assert notices and {n.openid for n in notices} >= {"demo-manager"}
    assert all(n.page == f"pages/device-detail/index?id={first}" and "计量检定" in n.title for n in notices)
    # a new due date is reminded again
    devices.update_device(manager, first, {"next_calibration_due": day(4)})
    assert f"{first}#calibration" in overdue.check().upkeep_reminded
