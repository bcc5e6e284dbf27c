"""Label secrets on DynamoDB Local: a label reprinted while a hand-over or a return is being written makes
that write fail its condition and the old label is refused; concurrent first prints agree on one secret."""
import pytest

from medpool.errors import Unprocessable
from medpool.models.device import Device
from medpool.models.loan import Loan
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import device_codes, loan_flow
from tests.integration.race import race
from tests.support import disinfect, label_scene, make_loan


def actions(kind, subject_id):
    return [r.action for r in Record.query(f"{kind}#{subject_id}")]


def rotate_once_inside(monkeypatch, target, attribute, device_id):
    """Reprint the device's label once, in between the transition's read of the device and its write."""
    original, done = getattr(target, attribute), []

    def rotate_then_continue(*args, **kwargs):
        if not done:
            done.append(device_codes.rotate(User.get("demo-manager"), device_id))
        return original(*args, **kwargs)

    monkeypatch.setattr(target, attribute, rotate_then_continue)
    return done


def test_a_label_reprinted_during_a_hand_over_voids_the_scan(monkeypatch):
    nurse = User.get("demo-nurse-icu")
    loan = make_loan("approved", device_id="MON-001", key="label-race-0001")
    old = label_scene("MON-001")
    # the hand-over has read the device and checked the label when the label is reprinted
    rotated = rotate_once_inside(monkeypatch, loan_flow, "_commit", "MON-001")
    with pytest.raises(Unprocessable) as refused:
        loan_flow.hand_over(nurse, loan.id, scan=old)
    assert rotated and refused.value.code == "invalid_scan"
    device = Device.get("MON-001", consistent_read=True)
    assert (Loan.get(loan.id).status, device.status) == ("approved", "reserved")
    assert "loan.hand_over" not in actions("loan", loan.id)
    monkeypatch.undo()
    handed = loan_flow.hand_over(nurse, loan.id, scan=device_codes.scene_of(device))
    assert handed.status == "in_use"


def test_a_label_reprinted_during_a_return_voids_the_scan(monkeypatch):
    manager = User.get("demo-manager")
    loan = make_loan("return_requested", device_id="MON-002", key="label-race-0002")
    old = label_scene("MON-002")
    from medpool.services import ledger

    rotated = rotate_once_inside(monkeypatch, ledger, "loan_entries", "MON-002")
    with pytest.raises(Unprocessable) as refused:
        loan_flow.confirm_return(manager, loan.id, "ok", scan=old)
    assert rotated and refused.value.code == "invalid_scan"
    assert (Loan.get(loan.id).status, Device.get("MON-002").status) == ("return_requested", "on_loan")
    monkeypatch.undo()
    assert loan_flow.confirm_return(manager, loan.id, "ok", scan=label_scene("MON-002")).status == "returned"


def test_hand_over_racing_a_reprint_never_accepts_a_voided_label():
    nurse, manager = User.get("demo-nurse-icu"), User.get("demo-manager")
    for n in range(6):
        loan = make_loan("approved", device_id="MON-003", key=f"label-race-1{n:03d}")
        old = label_scene("MON-003")
        won, _ = race([lambda: _outcome(lambda: loan_flow.hand_over(nurse, loan.id, scan=old)),
                       lambda: device_codes.rotate(manager, "MON-003")])
        outcome = next(o for o in won if isinstance(o, str))
        final, device = Loan.get(loan.id), Device.get("MON-003", consistent_read=True)
        assert device.label_secret != old.split(".")[1]
        assert outcome in ("in_use", "invalid_scan") and final.status in ("in_use", "approved")
        assert (outcome == "in_use") == (final.status == "in_use") == (device.status == "on_loan")
        if final.status == "in_use":  # the hand-over committed first: the reprint came after it
            loan_flow.request_return(nurse, loan.id)
            loan_flow.confirm_return(manager, loan.id, "ok", device_id="MON-003")
            disinfect("MON-003")
        else:
            loan_flow.cancel(nurse, loan.id)


def _outcome(action):
    try:
        return action().status
    except Unprocessable as error:
        return error.code


def test_concurrent_first_prints_agree_on_one_secret():
    manager = User.get("demo-manager")
    assert Device.get("MON-004").label_secret is None
    won, lost = race([lambda: device_codes.labelled(manager, "MON-004") for _ in range(4)])
    assert not lost and len({device.label_secret for device in won}) == 1
    assert Device.get("MON-004", consistent_read=True).label_secret == won[0].label_secret
    assert actions("device", "MON-004").count("device.label_issue") == 1
