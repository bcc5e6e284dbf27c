"""The loan state machine (DESIGN §1). Each transition is one conditional TransactWrite over the loan,
its device and their audit records. A repeated completed action changes nothing; a transition from
the wrong state is a Conflict with a stable code. When another writer gets in between the read and
the write, the transition runs once more on fresh data, so the caller gets the repeat result or the
precise reason, never a partial write."""
from __future__ import annotations

import functools
from typing import Callable, TypeVar

from medpool import clock
from medpool.errors import Conflict, Unprocessable
from medpool.labels import LOAN_STATUS
from medpool.models.device import Device
from medpool.models.loan import Loan
from medpool.models.user import User
from medpool.policy import require_department, require_not_own_request
from medpool.services import categories, device_codes, devices, ledger, notifications
from medpool.services.audit import add_record
from medpool.services.charges import charge_fen
from medpool.services.loans import get_loan_record, snapshot
from medpool.services.transactions import transaction

T = TypeVar("T", bound=Callable[..., Loan])
# transitions the applicant is notified of (an event in the transaction's outbox, pushed by the notifier)
NOTIFY = {"loan.approve": "loan_approved", "loan.reject": "loan_rejected", "loan.hand_over": "loan_handed_over",
          "loan.confirm_return": "loan_returned"}


class StateChanged(Conflict):
    code, message = "state_changed", "借用状态已被他人更新，请刷新后重试"


def _once_more_on_race(transition: T) -> T:
    @functools.wraps(transition)
    def run(*args, **kwargs) -> Loan:
        try:
            return transition(*args, **kwargs)
        except StateChanged:
            return transition(*args, **kwargs)
    return run  # type: ignore[return-value]


def _require_status(loan: Loan, *allowed: str) -> None:
    if loan.status not in allowed:
        raise Conflict(f"借用当前状态为「{LOAN_STATUS[loan.status]}」，不能执行此操作", code=f"loan_not_{allowed[0]}")


def _holding_device(loan: Loan, expected_status: str) -> Device:
    device = devices.get_device(loan.device_id)
    if device.current_loan_id != loan.id or device.status != expected_status:
        raise Conflict("设备状态与借用记录不一致，请联系设备科", code="device_state_mismatch")
    return device


def _commit(actor: User, action: str, loan: Loan, loan_from: str, device: Device | None = None,
            device_from: str | None = None, note: str | None = None, ledger_entries: list | None = None,
            before: dict | None = None, after: dict | None = None,
            identified: device_codes.Identified | None = None) -> Loan:
    """Write the loan (and device) changed in memory, conditioned on the states they were read in (and on the
    scanned label still being the device's label). The loan's record says how the device was identified."""
    after = {**snapshot(loan), **(after or {}), **({"method": identified.method} if identified else {})}
    with transaction(StateChanged()) as writer:
        writer.save(loan, condition=Loan.status == loan_from)  # + the version condition
        add_record(writer, kind="loan", subject_id=loan.id, actor=actor.openid, action=action,
                   before={"status": loan_from, **(before or {})}, after=after, note=note, at=loan.updated_at)
        if device is not None:
            label = device_codes.label_condition(identified) if identified is not None else None
            writer.save(device, condition=(Device.status == device_from) & label if label is not None
                        else Device.status == device_from)
            add_record(writer, kind="device", subject_id=device.id, actor=actor.openid,
                       action=f"device.{device.status}", before={"status": device_from},
                       after={"status": device.status, "current_loan_id": device.current_loan_id},
                       note=f"借用 {loan.id}", at=loan.updated_at)
        ledger.add_all(writer, ledger_entries or [])
        if action in NOTIFY:
            notifications.enqueue(writer, NOTIFY[action], loan)
    return loan


def _stamp(loan: Loan) -> str:
    loan.updated_at = clock.now_iso()
    return loan.updated_at


def _mark_if_late(loan: Loan, back_at: str) -> None:
    """The ward gave the device back (asked to return it, or it was taken back) after its due time."""
    if back_at > loan.expected_return_at and not loan.overdue:
        loan.overdue, loan.overdue_at = True, back_at


def _release(device: Device, now: str) -> None:
    device.status, device.status_reason = "available", None
    device.current_loan_id = device.holder_department_id = None
    device.status_changed_at = device.updated_at = now


@_once_more_on_race
def approve(actor: User, loan_id: str, device_id: str | None) -> Loan:
    """Approve a pending loan and reserve a device of its category for it."""
    loan = get_loan_record(loan_id)
    chosen = device_id or loan.requested_device_id
    if loan.status == "approved" and (chosen is None or loan.device_id == chosen):
        return loan
    _require_status(loan, "pending")
    require_not_own_request(actor, loan.applicant_openid)
    if not chosen:
        raise Unprocessable("请选择要分配的设备", code="device_required")
    device = devices.get_device_for_request(chosen)
    devices.require_available_in(device, loan.category_id)
    now = _stamp(loan)
    loan.status, loan.device_id, loan.approved_at, loan.approved_by = "approved", chosen, now, actor.openid
    device.status, device.current_loan_id, device.holder_department_id = "reserved", loan.id, loan.department_id
    device.status_changed_at, device.status_reason, device.updated_at = now, f"预留给借用 {loan.id}", now
    return _commit(actor, "loan.approve", loan, "pending", device, "available")


@_once_more_on_race
def reject(actor: User, loan_id: str, reason: str) -> Loan:
    loan = get_loan_record(loan_id)
    if loan.status == "rejected":
        return loan
    _require_status(loan, "pending")
    now = _stamp(loan)
    loan.status, loan.rejected_at, loan.reject_reason = "rejected", now, reason
    return _commit(actor, "loan.reject", loan, "pending", note=reason)


@_once_more_on_race
def cancel(actor: User, loan_id: str) -> Loan:
    """The borrowing department (or a manager) withdraws a loan before hand-over."""
    loan = get_loan_record(loan_id)
    require_department(actor, loan.department_id)
    if loan.status == "cancelled":
        return loan
    if loan.status not in ("pending", "approved"):
        raise Conflict("设备已交接或申请已结束，不能取消", code="loan_not_cancellable")
    loan_from = loan.status
    device = _holding_device(loan, "reserved") if loan_from == "approved" else None
    now = _stamp(loan)
    loan.status, loan.cancelled_at = "cancelled", now
    if device is not None:
        _release(device, now)
    return _commit(actor, "loan.cancel", loan, loan_from, device, "reserved")


def _identify(actor: User, loan: Loan, scan: str | None, device_id: str | None) -> device_codes.Identified:
    """The device at hand, by its label's scene (anyone) or its typed asset tag (managers): it must be the loan's."""
    identified = device_codes.identify(actor, scan, device_id)
    if identified.device_id != loan.device_id:
        raise Unprocessable("扫描的设备与本次借用分配的设备不一致", code="wrong_device")
    return identified


@_once_more_on_race
def hand_over(actor: User, loan_id: str, device_id: str | None = None, *, scan: str | None = None) -> Loan:
    """The reserved device reaches the borrowing department, proved by scanning its label (the scene carries
    the label's secret): the billing clock starts. A manager may type the asset tag instead (recorded as
    manual)."""
    loan = get_loan_record(loan_id)
    require_department(actor, loan.department_id)
    identified = _identify(actor, loan, scan, device_id) if loan.status in ("approved", "in_use") else None
    if loan.status == "in_use":  # a repeat: still only with the current label
        if identified.method == "scan":
            device_codes.require_label(devices.get_device(loan.device_id), identified)
        return loan
    _require_status(loan, "approved")
    device = _holding_device(loan, "reserved")
    device_codes.require_label(device, identified)
    category = categories.get_category(loan.category_id)
    now = _stamp(loan)
    loan.status, loan.handed_over_at = "in_use", now
    loan.rate_fen, loan.rate_unit = category.rate_fen, category.rate_unit
    device.status, device.status_changed_at, device.updated_at = "on_loan", now, now
    device.status_reason = f"借给 {loan.department_id}（借用 {loan.id}）"
    return _commit(actor, "loan.hand_over", loan, "approved", device, "reserved", identified=identified)


def _over_limit(loan: Loan, new_due: str, over_limit_reason: str | None) -> dict | None:
    """Past the category's max_loan_hours (counted from hand-over, or from now before it) an extension needs
    an over-limit reason, from a manager and an admin alike; it is returned for the audit record."""
    limit = int(categories.get_category(loan.category_id).max_loan_hours)
    start = clock.parse_iso(loan.handed_over_at) if loan.handed_over_at else clock.now()
    hours = (clock.parse_iso(new_due) - start).total_seconds() / 3600
    if hours <= limit:
        return None
    if not over_limit_reason:
        raise Unprocessable(f"续借后借用时长约 {hours:.0f} 小时，超过该类设备上限（{limit} 小时）；"
                            f"如确需超期，请填写超出上限的理由", code="extension_too_long")
    return {"max_loan_hours": limit, "loan_hours": round(hours, 1), "reason": over_limit_reason}


@_once_more_on_race
def extend(actor: User, loan_id: str, expected_return_at: str, reason: str,
           over_limit_reason: str | None = None) -> Loan:
    """The equipment department agrees a new due time (续借) for a device not yet back: an overdue flag is
    lifted (the record keeps the history) and the overdue check starts counting from the new time. Past the
    category's maximum loan length the over-limit reason is required and recorded."""
    loan = get_loan_record(loan_id)
    new_due = clock.to_iso(clock.parse_iso(expected_return_at))
    if loan.expected_return_at == new_due and loan.status in ("approved", "in_use"):
        return loan
    if loan.status not in ("approved", "in_use"):
        raise Conflict(f"借用当前状态为「{LOAN_STATUS[loan.status]}」，不能续借", code="loan_not_extendable")
    if new_due <= clock.now_iso():
        raise Unprocessable("新的归还时间必须晚于当前时间", code="expected_return_in_past")
    over_limit = _over_limit(loan, new_due, over_limit_reason)
    before = {"expected_return_at": loan.expected_return_at, "overdue": bool(loan.overdue),
              "overdue_at": loan.overdue_at}
    loan_from = loan.status
    _stamp(loan)
    loan.expected_return_at, loan.overdue, loan.overdue_at = new_due, False, None
    note = f"{reason}（超出上限 {over_limit['max_loan_hours']} 小时的理由：{over_limit_reason}）" if over_limit else reason
    return _commit(actor, "loan.extend", loan, loan_from, note=note, before=before,
                   after={"over_limit": over_limit} if over_limit else None)


@_once_more_on_race
def request_return(actor: User, loan_id: str) -> Loan:
    loan = get_loan_record(loan_id)
    require_department(actor, loan.department_id)
    if loan.status == "return_requested":
        return loan
    _require_status(loan, "in_use")
    now = _stamp(loan)
    loan.status, loan.return_requested_at = "return_requested", now
    _mark_if_late(loan, now)
    return _commit(actor, "loan.request_return", loan, "in_use")


@_once_more_on_race
def confirm_return(actor: User, loan_id: str, condition: str, note: str | None = None, *,
                   device_id: str | None = None, scan: str | None = None) -> Loan:
    """The equipment department takes the device back (requested, or collected while in use), identified by
    scanning its label or typing its asset tag: billing stops, the charge is fixed; a damaged device goes to
    maintenance."""
    loan = get_loan_record(loan_id)
    if loan.status == "returned":
        if loan.condition != condition:
            raise Conflict("该借用已确认归还", code="loan_already_returned")
        return loan
    if loan.status not in ("return_requested", "in_use"):
        raise Conflict(f"借用当前状态为「{LOAN_STATUS[loan.status]}」，不能确认归还", code="loan_not_returnable")
    identified = _identify(actor, loan, scan, device_id)
    loan_from = loan.status
    device = _holding_device(loan, "on_loan")
    device_codes.require_label(device, identified)
    now = _stamp(loan)
    loan.status, loan.returned_at, loan.condition, loan.return_note = "returned", now, condition, note
    if loan_from == "in_use":  # taken back without a return request: this is when the ward gave it back
        _mark_if_late(loan, now)
    loan.charge_fen = charge_fen(loan.rate_fen, loan.rate_unit, loan.handed_over_at, now)
    _release(device, now)
    if condition == "damaged":
        device.status, device.status_reason = "maintenance", f"归还时损坏：{note or '未说明'}（借用 {loan.id}）"
    entries = ledger.loan_entries(loan, device.owner_department_id)  # statistics and billing, same transaction
    return _commit(actor, "loan.confirm_return", loan, loan_from, device, "on_loan", note=note,
                   ledger_entries=entries, identified=identified)
