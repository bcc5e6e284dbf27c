"""The loan state machine (DESIGN §1). Each transition reads what it needs in one call (the loan, with the
device the request names: one consistent BatchGetItem) and writes in one conditional TransactWrite: the loan,
its device, the availability counts of the device's category, their audit records (and the outbox). A
repeated completed action changes nothing; a transition from the wrong state is a Conflict with a stable code.
When another writer gets in between the read and the write, the transition runs once more on fresh data, so
the caller gets the repeat result or the precise reason, never a partial write.

A device the request does not name (approving the device the ward asked for, releasing it at a cancel) is not
read: its update is conditioned on the state the transition needs (available, or reserved for this loan), and
only when that write fails is the device read, to say why."""
from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from medpool import clock
from medpool.errors import Conflict, MedpoolError, Unprocessable
from medpool.labels import LOAN_STATUS
from medpool.models.category import SCOPE as CATEGORIES, Category
from medpool.models.device import Device
from medpool.models.loan import Loan
from medpool.models.user import User
from medpool.policy import require_department, require_not_own_request
from medpool.services import (audit_chain, availability, batch_reads, categories, device_codes, devices, ledger,
                              notifications, upkeep, waitlist)
from medpool.services.audit import add_record
from medpool.services.charges import charge_fen
from medpool.services.loans import get_loan_record, require_found, snapshot
from medpool.services.transactions import transaction

T = TypeVar("T", bound=Callable[..., Loan])
# transitions the applicant is notified of (an event in the transaction's outbox, pushed by the notifier)
NOTIFY = {"loan.approve": "loan_approved", "loan.reject": "loan_rejected", "loan.hand_over": "loan_handed_over",
          "loan.confirm_return": "loan_returned", "loan.recall": "loan_recalled",
          "loan.recall_answer": "recall_answered"}
# the device fields a loan changes (written as an update when the device was not read)
HOLDING = ("status", "status_reason", "current_loan_id", "holder_department_id", "status_changed_at", "updated_at")


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


def _read(loan_id: str, device_id: str | None = None) -> tuple[Loan, Device | None]:
    """The loan, and the device the request names, in one strongly consistent read."""
    if device_id is None:
        return get_loan_record(loan_id), None
    loan, device = batch_reads.get_many((Loan, loan_id), (Device, device_id))
    return require_found(loan), device


def _state_mismatch(device: Device | None = None) -> None:
    raise Conflict("设备状态与借用记录不一致，请联系设备科", code="device_state_mismatch")


def _require_holding(loan: Loan, device: Device | None, expected_status: str) -> Device:
    if device is None or device.current_loan_id != loan.id or device.status != expected_status:
        _state_mismatch()
    return device


def _unread(device_id: str, category_id: str) -> Device:
    """A device the transition does not read: written as an update of its holding fields, conditioned on the
    state the transition needs; its version is increased, not checked (the conditions say what matters)."""
    device = Device(device_id, category_id=category_id)
    device.version = 0  # PynamoDB then adds `version + 1` to the update (add_version_condition=False below)
    return device


def _write_device(writer: Any, device: Device, device_from: str, identified: device_codes.Identified | None,
                  unread_condition: Any, record: Any) -> None:
    condition = Device.status == device_from
    if unread_condition is not None:  # its record is loose: listed on the device by this same update
        actions = [getattr(Device, name).set(getattr(device, name)) if getattr(device, name) is not None
                   else getattr(Device, name).remove() for name in HOLDING] + audit_chain.loose_actions(Device, record)
        writer.update(device, actions=actions, add_version_condition=False,
                      condition=condition & unread_condition & (Device.category_id == device.category_id))
        return
    label = device_codes.label_condition(identified) if identified is not None else None
    writer.save(device, condition=condition & label if label is not None else condition)  # + the version


def _commit(actor: User, action: str, loan: Loan, loan_from: str, device: Device | None = None,
            device_from: str | None = None, note: str | None = None, ledger_entries: list | None = None,
            before: dict | None = None, after: dict | None = None,
            identified: device_codes.Identified | None = None, unread_condition: Any = None,
            counts_guard: Any = None, also: Callable[[Any], None] | None = None) -> Loan:
    """Write the loan (and device) changed in memory, conditioned on the states they were read in (and on the
    scanned label still being the device's label), with the device's move in its category's availability
    counts (and the loan leaving the waiting list; `counts_guard` a further condition on those counts; `also`
    writes further items, e.g. the booking the loan was made for). The loan's record says how the device was identified. A device made available is announced (`device_freed`:
    the notifier tells the managers who heads its category's queue)."""
    queue = -1 if loan_from == "pending" and loan.status != "pending" else 0
    after = {**snapshot(loan), **(after or {}), **({"method": identified.method} if identified else {})}
    with transaction(StateChanged()) as writer:
        add_record(writer, kind="loan", subject_id=loan.id, actor=actor.openid, action=action,
                   before={"status": loan_from, **(before or {})}, after=after, note=note, at=loan.updated_at,
                   head=loan)
        writer.save(loan, condition=Loan.status == loan_from)  # + the version condition
        if device is not None:
            record = add_record(writer, kind="device", subject_id=device.id, actor=actor.openid,
                                action=f"device.{device.status}", before={"status": device_from},
                                after={"status": device.status, "current_loan_id": device.current_loan_id},
                                note=f"借用 {loan.id}", at=loan.updated_at,
                                head=device if unread_condition is None else None)  # unread: loose
            _write_device(writer, device, device_from, identified, unread_condition, record)
            availability.move_device(writer, device, device_from, loan.updated_at, queue=queue, urgency=loan.urgency,
                                     guard=counts_guard)
        elif queue:
            availability.move(writer, loan.category_id, None, None, queue=queue, urgency=loan.urgency)
        ledger.add_all(writer, ledger_entries or [])
        if also is not None:
            also(writer)
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


def _explain_unread(loan: Loan, device_id: str, check: Callable[[Device], None]) -> None:
    """After the write to a device that was not read failed: read it and say what is wrong with it, unless
    it is this loan's device now (the loan moved: running the transition again gives the answer)."""
    device = devices.find_device(device_id)
    if device is None:
        raise devices.unknown_device(device_id)
    if device.current_loan_id != loan.id:
        check(device)


NO_DEVICE = Conflict("该类设备暂无可用，申请继续排队；有设备消毒完成后会通知设备科", code="no_device_available")


def _explain_reserve(loan: Loan) -> None:
    """After a routine or urgent approval failed: was it the emergency reserve (the loan still pending, devices
    available, none beyond the reserve)?"""
    current, category = batch_reads.get_many((Loan, loan.id), (Category, CATEGORIES, loan.category_id))
    if current is None or current.status != "pending" or category is None:
        return
    if int(category.count_available or 0) > 0 and waitlist.free_for(category, loan.urgency) < 1:
        raise Conflict(f"该类设备剩余 {int(category.count_available)} 台为抢救预留（预留 {waitlist.reserve_of(category)} 台），"
                       "常规和紧急申请需排队等待", code="emergency_reserve_held")


def _emergency_takes_booked(actor: User, loan: Loan, device: Device) -> Loan | None:
    if loan.urgency != "emergency" or device is None or device.status != "reserved":
        return None
    from medpool.services.bookings import preempt  # only an emergency meeting a reserved device

    return preempt.for_emergency(actor, loan, device)


def _emergency_takes_booked_in(actor: User, loan: Loan) -> Loan:
    """An emergency naming no device when none is available: a device held for a booking not yet started."""
    from medpool.services.bookings import preempt

    held = preempt.preemptible(loan.category_id)
    taken = _emergency_takes_booked(actor, loan, devices.find_device(held)) if held else None
    if taken is None:
        raise NO_DEVICE
    return taken


def _device_down(actor: User, device: Device) -> None:
    """A device leaving the pool: the bookings counting on it are checked (after the commit)."""
    from medpool.services.bookings import conflicts

    conflicts.on_device_down(actor.openid, device)


def _bookings_at_risk(actor: User, loan: Loan) -> None:
    """The bookings of the category the loan's device (held until its due time) leaves short (after the commit)."""
    from medpool.services.bookings import conflicts

    conflicts.on_loan_holding(actor.openid, loan)


def _booking_closed(actor: User, loan: Loan) -> Callable[[Any], None] | None:
    if not loan.booking_id:
        return None
    from medpool.services.bookings import flow  # only a loan made from a booking

    return flow.closed_with_loan(actor, loan)


@_once_more_on_race
def approve(actor: User, loan_id: str, device_id: str | None, *, by_system: bool = False) -> Loan:
    """Approve a pending loan and reserve a device of its category for it: the one the manager names (read with
    the loan), else the one the ward asked for, else one the system picks from the category's available
    devices (those two not read: the update is conditioned on being available). A routine or urgent request
    may not take the category's emergency reserve (a condition on its counts). `by_system`: the waiting list's
    automatic reservation for an emergency heading the queue (services/notify/freed.py)."""
    loan, device = _read(loan_id, device_id)
    chosen = device_id or loan.requested_device_id
    if loan.status == "approved" and (chosen is None or loan.device_id == chosen):
        return loan
    _require_status(loan, "pending")
    require_not_own_request(actor, loan.applicant_openid)
    day = upkeep.today()
    picked = not chosen
    if picked:
        chosen = waitlist.pick_device(loan.category_id, day)
        if chosen is None and loan.urgency == "emergency":  # emergencies first: a device held for a booking
            return _emergency_takes_booked_in(actor, loan)
        if chosen is None:
            raise NO_DEVICE
    if device_id is not None:
        if device is None:
            raise devices.unknown_device(device_id)
        taken = _emergency_takes_booked(actor, loan, device)  # emergencies first: a booked device (预约)
        if taken is not None:
            return taken
        devices.require_available_in(device, loan.category_id)
        upkeep.require_lendable(device, day)
    else:
        device = _unread(chosen, loan.category_id)
    now = _stamp(loan)
    loan.status, loan.device_id, loan.approved_at, loan.approved_by = "approved", chosen, now, actor.openid
    loan.auto_reserved = True if by_system else None
    device.status, device.current_loan_id, device.holder_department_id = "reserved", loan.id, loan.department_id
    device.status_changed_at, device.status_reason, device.updated_at = now, f"预留给借用 {loan.id}", now
    unread = (Device.current_loan_id.does_not_exist() & upkeep.lendable_condition(day)
              if device_id is None else None)
    guard = None if loan.urgency == "emergency" else availability.outside_reserve()
    try:
        approved = _commit(actor, "loan.approve", loan, "pending", device, "available", unread_condition=unread,
                           counts_guard=guard, after={"auto_reserved": True} if by_system else None)
    except StateChanged:
        if unread is not None and not picked:
            _explain_unread(loan, chosen, lambda found: (devices.require_available_in(found, loan.category_id),
                                                          upkeep.require_lendable(found, day)))
        if guard is not None:
            _explain_reserve(loan)
        raise  # the loan moved, or the device picked was taken meanwhile: once more on fresh data
    _bookings_at_risk(actor, approved)
    return approved


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
    """The borrowing department (or a manager) withdraws a loan before hand-over; an approved loan's device
    (not read: its update is conditioned on being reserved for this loan) becomes available again. The booking
    the loan was made for (预约, fulfilled) is cancelled in the same transaction."""
    loan = get_loan_record(loan_id)
    require_department(actor, loan.department_id)
    if loan.status == "cancelled":
        return loan
    if loan.status not in ("pending", "approved"):
        raise Conflict("设备已交接或申请已结束，不能取消", code="loan_not_cancellable")
    loan_from = loan.status
    device = _unread(loan.device_id, loan.category_id) if loan_from == "approved" else None
    now = _stamp(loan)
    loan.status, loan.cancelled_at = "cancelled", now
    if device is not None:
        _release(device, now)
    try:
        return _commit(actor, "loan.cancel", loan, loan_from, device, "reserved",
                       unread_condition=Device.current_loan_id == loan.id if device is not None else None,
                       also=_booking_closed(actor, loan))
    except StateChanged:
        if device is not None:  # the device is not this loan's any more: the records disagree
            _explain_unread(loan, device.id, _state_mismatch)
        raise


def _identification(actor: User, scan: str | None, device_id: str | None) -> tuple[device_codes.Identified | None,
                                                                                   MedpoolError | None]:
    """The device the person says is at hand, read before the loan (so both are read in one call); what is
    wrong with the proof is answered later, in its turn after the loan's own checks."""
    try:
        return device_codes.identify(actor, scan, device_id), None
    except MedpoolError as error:
        return None, error


def _identify(loan: Loan, identified: device_codes.Identified | None,
              refused: MedpoolError | None) -> device_codes.Identified:
    """The device at hand, by its label's scene (anyone) or its typed asset tag (managers): it must be the loan's."""
    if refused is not None:
        raise refused
    if identified.device_id != loan.device_id:
        raise Unprocessable("扫描的设备与本次借用分配的设备不一致", code="wrong_device")
    return identified


def _fix_rate(loan: Loan) -> None:
    """Loans applied for before rates were fixed at application take the category's rate now (one more read)."""
    if loan.rate_fen is None or loan.rate_unit is None:
        category = categories.get_category(loan.category_id)
        loan.rate_fen, loan.rate_unit = category.rate_fen, category.rate_unit


@_once_more_on_race
def hand_over(actor: User, loan_id: str, device_id: str | None = None, *, scan: str | None = None) -> Loan:
    """The reserved device reaches the borrowing department, proved by scanning its label (the scene carries
    the label's secret): the billing clock starts, at the rate fixed on the loan at application. A manager may
    type the asset tag instead (recorded as manual)."""
    identified, refused = _identification(actor, scan, device_id)
    loan, device = _read(loan_id, identified.device_id if identified else None)
    require_department(actor, loan.department_id)
    if loan.status in ("approved", "in_use"):
        identified = _identify(loan, identified, refused)
    if loan.status == "in_use":  # a repeat: still only with the current label
        if identified.method == "scan":
            device_codes.require_label(_require_holding(loan, device, "on_loan"), identified)
        return loan
    _require_status(loan, "approved")
    _require_holding(loan, device, "reserved")
    device_codes.require_label(device, identified)
    upkeep.require_lendable(device)
    _fix_rate(loan)
    now = _stamp(loan)
    loan.status, loan.handed_over_at = "in_use", now
    device.status, device.status_changed_at, device.updated_at = "on_loan", now, now
    device.status_reason = f"借给 {loan.department_id}（借用 {loan.id}）"
    return _commit(actor, "loan.hand_over", loan, "approved", device, "reserved", identified=identified)


def _over_limit(loan: Loan, new_due: str, over_limit_reason: str | None) -> dict | None:
    """Past the loan's max_loan_hours (its category's, fixed at application; counted from hand-over, or from
    now before it) an extension needs an over-limit reason, from a manager and an admin alike; it is returned
    for the audit record."""
    hours_allowed = loan.max_loan_hours if loan.max_loan_hours is not None else (
        categories.get_category(loan.category_id).max_loan_hours)  # loans applied for before it was fixed
    limit = int(hours_allowed)
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
    withdrawn = loan.close_recall("withdrawn")  # the agreed new due time replaces a standing recall
    note = f"{reason}（超出上限 {over_limit['max_loan_hours']} 小时的理由：{over_limit_reason}）" if over_limit else reason
    after = {**({"over_limit": over_limit} if over_limit else {}), **({"recall_state": "withdrawn"} if withdrawn else {})}
    extended = _commit(actor, "loan.extend", loan, loan_from, note=note, before=before, after=after or None)
    _bookings_at_risk(actor, extended)
    return extended


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
    closed = loan.close_recall("returned")  # the recall is answered by the return itself
    return _commit(actor, "loan.request_return", loan, "in_use",
                   after={"recall_state": "returned"} if closed else None)


@_once_more_on_race
def confirm_return(actor: User, loan_id: str, condition: str, note: str | None = None, *,
                   device_id: str | None = None, scan: str | None = None) -> Loan:
    """The equipment department takes the device back (requested, or collected while in use), identified by
    scanning its label or typing its asset tag: billing stops, the charge is fixed; the device waits for
    disinfection (`cleaning`), or goes to maintenance when damaged."""
    identified, refused = _identification(actor, scan, device_id)
    loan, device = _read(loan_id, identified.device_id if identified else None)
    if loan.status == "returned":
        if loan.condition != condition:
            raise Conflict("该借用已确认归还", code="loan_already_returned")
        return loan
    if loan.status not in ("return_requested", "in_use"):
        raise Conflict(f"借用当前状态为「{LOAN_STATUS[loan.status]}」，不能确认归还", code="loan_not_returnable")
    identified = _identify(loan, identified, refused)
    loan_from = loan.status
    _require_holding(loan, device, "on_loan")
    device_codes.require_label(device, identified)
    now = _stamp(loan)
    loan.status, loan.returned_at, loan.condition, loan.return_note = "returned", now, condition, note
    if loan_from == "in_use":  # taken back without a return request: this is when the ward gave it back
        _mark_if_late(loan, now)
    loan.charge_fen = charge_fen(loan.rate_fen, loan.rate_unit, loan.handed_over_at, now)
    _release(device, now)
    device.last_loan_id = loan.id  # the disinfection's record goes on this loan's timeline too
    device.needs_disinfection = True  # used on a patient: back in the pool only through a disinfection
    if condition == "damaged":
        device.status, device.status_reason = "maintenance", f"归还时损坏：{note or '未说明'}（借用 {loan.id}）"
    else:  # disinfection between patients: available only once it is recorded (services/disinfection.py)
        device.status, device.status_reason = "cleaning", f"归还待消毒（借用 {loan.id}）"
    entries = ledger.loan_entries(loan, device.owner_department_id)  # statistics and billing, same transaction
    closed = loan.close_recall("returned")  # a take-back ends a standing recall
    returned = _commit(actor, "loan.confirm_return", loan, loan_from, device, "on_loan", note=note,
                       ledger_entries=entries, identified=identified,
                       after={"recall_state": "returned"} if closed else None)
    if condition == "damaged":
        _device_down(actor, device)
    return returned
