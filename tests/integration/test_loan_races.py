"""The loan loop under racing requests on DynamoDB Local: a device is never lent twice, nothing is
written halfway, and every committed change has its record."""
from medpool.models.device import Device
from medpool.models.loan import Loan
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import loan_flow
from tests.integration.race import race
from tests.support import make_loan


def records(kind, subject_id, action):
    return [r for r in Record.query(f"{kind}#{subject_id}") if r.action == action]


def test_twenty_approvals_of_one_device_one_wins():
    # Given 20 pending loans from two departments
    loans = [make_loan("pending", openid=("demo-nurse-icu", "demo-nurse-em")[n % 2], key=f"race-approve-{n:04d}")
             for n in range(20)]
    manager = User.get("demo-manager")
    # When 20 approvals assign the same device at the same moment
    won, lost = race([lambda loan=loan: loan_flow.approve(manager, loan.id, "MON-001") for loan in loans])
    # Then exactly one succeeds and the device holds exactly that loan
    assert len(won) == 1 and len(lost) == 19
    assert {error.code for error in lost} <= {"device_unavailable", "state_changed"}
    winner = won[0]
    device = Device.get("MON-001")
    assert (device.status, device.current_loan_id, device.holder_department_id) == (
        "reserved", winner.id, winner.department_id)
    statuses = [Loan.get(loan.id).status for loan in loans]
    assert statuses.count("approved") == 1 and statuses.count("pending") == 19
    assert len(records("device", "MON-001", "device.reserved")) == 1
    assert all(len(records("loan", loan.id, "loan.approve")) == (loan.id == winner.id) for loan in loans)


def test_cancel_racing_approve_never_strands_a_device():
    manager, nurse = User.get("demo-manager"), User.get("demo-nurse-icu")
    for n in range(10):
        loan = make_loan("pending", key=f"race-cancel-{n:04d}")
        race([lambda: loan_flow.cancel(nurse, loan.id), lambda: loan_flow.approve(manager, loan.id, "MON-002")])
        final, device = Loan.get(loan.id), Device.get("MON-002")
        # the device is reserved exactly when the loan ended approved
        assert final.status in ("cancelled", "approved")
        if final.status == "approved":
            assert (device.status, device.current_loan_id) == ("reserved", loan.id)
            loan_flow.cancel(nurse, loan.id)
        device = Device.get("MON-002")
        assert (device.status, device.current_loan_id) == ("available", None)


def test_two_different_confirm_returns_racing_one_wins():
    manager = User.get("demo-manager")
    loan = make_loan("return_requested", device_id="MON-003", key="race-return-0001")
    won, lost = race([lambda condition=condition: loan_flow.confirm_return(manager, loan.id, condition,
                                                                           device_id="MON-003")
                      for condition in ("ok", "damaged")])
    assert len(won) == 1 and [error.code for error in lost] == ["loan_already_returned"]
    final = Loan.get(loan.id)
    assert (final.status, final.condition, final.charge_fen) == ("returned", won[0].condition, won[0].charge_fen)
    assert len(records("loan", loan.id, "loan.confirm_return")) == 1
    assert Device.get("MON-003").status == {"ok": "cleaning", "damaged": "maintenance"}[final.condition]


def test_two_identical_confirm_returns_racing_apply_once_and_both_get_the_result():
    """A retried confirmation (same condition) is answered with the committed return, not an error."""
    manager = User.get("demo-manager")
    loan = make_loan("return_requested", device_id="MON-005", key="race-return-0002")
    won, lost = race([lambda: loan_flow.confirm_return(manager, loan.id, "ok", device_id="MON-005") for _ in range(2)])
    assert lost == [] and len(won) == 2
    final = Loan.get(loan.id)
    assert {(w.status, w.returned_at, w.charge_fen) for w in won} == {("returned", final.returned_at, final.charge_fen)}
    assert len(records("loan", loan.id, "loan.confirm_return")) == 1
    assert Device.get("MON-005").status == "cleaning"


def test_hand_over_racing_cancel():
    manager, nurse = User.get("demo-manager"), User.get("demo-nurse-icu")
    loan = make_loan("approved", device_id="MON-004", key="race-handover-01")
    won, lost = race([lambda: loan_flow.cancel(nurse, loan.id),
                      lambda: loan_flow.hand_over(manager, loan.id, "MON-004")])
    final, device = Loan.get(loan.id), Device.get("MON-004")
    assert len(won) == 1 and won[0].status == final.status
    loser_code = {"cancelled": "loan_not_approved", "in_use": "loan_not_cancellable"}[final.status]
    assert [error.code for error in lost] == [loser_code]
    expected = {"cancelled": ("available", None), "in_use": ("on_loan", loan.id)}[final.status]
    assert (device.status, device.current_loan_id) == expected


def test_maintenance_racing_approval():
    from medpool.services import devices

    manager = User.get("demo-manager")
    loan = make_loan("pending", category_id="ventilator", key="race-maint-0001")
    race([lambda: devices.update_device(manager, "VENT-001", {"status": "maintenance"}),
          lambda: loan_flow.approve(manager, loan.id, "VENT-001")])
    device, final = Device.get("VENT-001"), Loan.get(loan.id)
    assert device.status in ("maintenance", "reserved")
    assert (device.status == "reserved") == (final.status == "approved" and device.current_loan_id == loan.id)
