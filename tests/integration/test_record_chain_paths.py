"""On DynamoDB Local: the paths written before the audit records were chained keep every chain intact
(services/audit_chain.py, `medpool verify-records`): a booking's whole life (create, approve, move, the scheduled
run turning it into a loan, an emergency taking its device, the next run giving it another, a device going to
maintenance under a booking, cancel, reject), a certificate attached to a maintenance record, and the waiting list's automatic reservation
of a disinfected device for an emergency."""
import pytest

from medpool import config
from medpool.cli import main
from medpool.models.booking import Booking
from medpool.models.device import Device
from medpool.models.loan import Loan
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import categories, devices, disinfection, loan_flow, loans, upkeep
from medpool.services.bookings import conversion, flow
from medpool.services.certificates import attach
from medpool.services.record_check import verify
from tests.support import iso_in, label_scene

MANAGER, NURSE, OTHER = "demo-manager", "demo-nurse-icu", "demo-nurse-em"


def _user(openid: str) -> User:
    return User.get(openid)


def _category(category_id: str, count: int, **fields) -> list[str]:
    manager = _user(MANAGER)
    categories.create_category(manager, category_id, {"name": f"链测试{category_id}", "rate_fen": 100,
                                                      "rate_unit": "hour", "max_loan_hours": 72, **fields})
    ids = [f"{category_id.upper()}-{n}" for n in range(1, count + 1)]
    for device_id in ids:
        devices.create_device(manager, device_id, {"category_id": category_id, "name": device_id,
                                                   "owner_department_id": "SBK"})
    return ids


def _book(category_id: str, start_h: float, end_h: float, key: str, openid: str = NURSE) -> Booking:
    request = flow.BookingRequest(category_id, None, iso_in(start_h), iso_in(end_h), "择期手术")
    return flow.create(_user(openid), request, key)[0]


def _intact(*subjects: str) -> None:
    """Each subject's chain is intact, every record of it sealed and linked."""
    for subject in subjects:
        [result] = list(verify(subject))
        assert result.ok, (subject, result.problems)
        assert result.records and result.unsealed == 0, subject


def _actions(subject: str) -> list[str]:
    return [r.action for r in sorted(Record.query(subject, consistent_read=True), key=lambda r: r.record_key)]


@pytest.fixture(scope="module")
def certificate_dir(tmp_path_factory, real_tables):
    folder = tmp_path_factory.mktemp("certificates")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEDPOOL_CERTIFICATE_DIR", str(folder))
        config.reset()
        yield folder
    config.reset()


def test_a_bookings_whole_life_keeps_the_loan_and_device_chains_intact():
    first, second = _category("chb", 2)
    manager, nurse, other = _user(MANAGER), _user(NURSE), _user(OTHER)
    # create, approve, move into the lead time: the scheduled run makes it a loan holding a device
    booking = flow.approve(manager, _book("chb", 5, 9, "chb-book-0001").id)
    flow.move(manager, booking.id, iso_in(1.5), iso_in(6), "提前")
    assert conversion.run().fulfilled == [booking.id]
    held = Loan.get(Booking.get(booking.id, consistent_read=True).loan_id, consistent_read=True)
    booked = held.device_id
    assert Device.get(booked, consistent_read=True).current_loan_id == held.id
    _intact(f"loan#{held.id}", f"device#{booked}")
    # an emergency takes the booked device: the emergency loan approved, the booking's loan cancelled
    emergency, _ = loans.create_loan(other, loans.LoanRequest("chb", None, "emergency", "抢救", iso_in(12)),
                                     "chb-loan-0001")
    taken = loan_flow.approve(manager, emergency.id, booked)
    assert (taken.status, Loan.get(held.id, consistent_read=True).status) == ("approved", "cancelled")
    assert _actions(f"loan#{held.id}") == ["loan.approve", "loan.cancel"]
    _intact(f"loan#{emergency.id}", f"loan#{held.id}", f"device#{booked}")
    # the next run reserves the other device for the booking, under a new loan
    assert conversion.run().fulfilled == [booking.id]
    again = Loan.get(Booking.get(booking.id, consistent_read=True).loan_id, consistent_read=True)
    spare = second if booked == first else first
    assert again.id != held.id and again.device_id == spare
    _intact(f"loan#{again.id}", f"device#{spare}")
    # the emergency's device goes back and then to maintenance under two bookings counting on it
    loan_flow.cancel(other, emergency.id)
    later = flow.approve(manager, _book("chb", 30, 34, "chb-book-0002").id)
    rival = _book("chb", 31, 33, "chb-book-0003", openid=OTHER)
    devices.update_device(manager, booked, {"status": "maintenance", "status_reason": "电池故障"})
    assert Booking.get(later.id, consistent_read=True).conflict == "device_maintenance"
    # cancel one, reject the other
    assert flow.cancel(nurse, later.id).status == "cancelled"
    assert flow.reject(manager, rival.id, "设备检修").status == "rejected"
    _intact(f"loan#{emergency.id}", f"loan#{held.id}", f"loan#{again.id}", f"device#{first}", f"device#{second}")


def test_a_certificate_attached_to_a_maintenance_record_is_in_the_devices_chain(certificate_dir):
    [device] = _category("chc", 1)
    manager = _user(MANAGER)
    today = upkeep.today()
    upkeep.record(manager, device, upkeep.UpkeepRecord("maintenance", "pass", certificate_no="WB-CHAIN-1",
                                                       next_due=f"{int(today[:4]) + 1}{today[4:]}"))
    [maintenance] = [r for r in Record.query(f"device#{device}", consistent_read=True)
                     if r.action == upkeep.RECORD_ACTIONS["maintenance"]]
    attached = attach.attach(manager, device, maintenance.record_key, b"%PDF-1.4 chain test", "维护报告.pdf")
    assert attached["certificate_no"] == "WB-CHAIN-1"
    assert _actions(f"device#{device}")[-1] == "device.certificate"
    devices.update_device(manager, device, {"location": "设备科库房 3"})  # chained after the certificate
    _intact(f"device#{device}")


def test_the_waiting_lists_automatic_reservation_keeps_the_chains_intact(notifier):
    [device] = _category("chw", 1, auto_reserve_emergency=True)
    manager, nurse, other = _user(MANAGER), _user(NURSE), _user(OTHER)
    lent, _ = loans.create_loan(nurse, loans.LoanRequest("chw", None, "routine", "监护", iso_in(24)), "chw-loan-0001")
    loan_flow.approve(manager, lent.id, None)  # the system picks the device (written unread)
    loan_flow.hand_over(nurse, lent.id, scan=label_scene(device))
    waiting, _ = loans.create_loan(other, loans.LoanRequest("chw", None, "emergency", "抢救", iso_in(12)),
                                   "chw-loan-0002")
    loan_flow.confirm_return(manager, lent.id, "ok", scan=label_scene(device))
    disinfection.record(manager, device, disinfection.Disinfection(method="alcohol_75"), scan=label_scene(device))
    notifier.drain()
    got = Loan.get(waiting.id, consistent_read=True)
    assert (got.status, got.device_id, got.approved_by, got.auto_reserved) == ("approved", device, "system", True)
    _intact(f"loan#{lent.id}", f"loan#{waiting.id}", f"device#{device}")


def test_verify_records_finds_every_chain_of_these_paths_intact(capsys):
    """Last in this module: every record written above (and the demo's), the whole table."""
    assert main(["verify-records"]) == 0, capsys.readouterr().out
    assert "every chain intact" in capsys.readouterr().out
