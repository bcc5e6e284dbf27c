"""The scheduled run's part (services/overdue.run, every 15 minutes): an approved booking whose window starts
within MEDPOOL_BOOKING_LEAD_HOURS becomes an approved loan holding a device for it (device `reserved`, the
counts moved, the loan's `booking_id`; the ward is told, `booking_ready`, which names the loan). When no device can be reserved,
the booking is marked `no_device` and the managers are told at once (once per window). Bookings whose window
passed without becoming a loan (never approved, or no device until its end) expire.

Reads: the approved (and requested) bookings by start through the `status-start_at` index (eventually
consistent: every write is conditioned on the booking's version as read), then per booking the category's
available devices (category+status index). The loan's id is derived from the booking's id and version as read,
so two runs cannot make two loans of one booking (and the booking's save is conditioned on that version); a
booking whose loan an emergency took has moved on to a new version, and gets a new loan."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from medpool import clock
from medpool.config import get_settings
from medpool.errors import Conflict
from medpool.models.booking import Booking
from medpool.models.category import SCOPE as CATEGORIES, Category
from medpool.models.device import Device
from medpool.models.loan import URGENCY_RANK, Loan
from medpool.services import audit_chain, availability, upkeep, waitlist
from medpool.services.audit import add_record
from medpool.services.bookings import book, capacity, notices
from medpool.services.bookings.flow import snapshot
from medpool.services.transactions import transaction

ACTOR = "system"
CANDIDATES = 5  # available devices tried per booking and run (another writer may take one meanwhile)


class Lost(Conflict):
    code = "booking_run_race"


@dataclass
class RunResult:
    read: int = 0
    fulfilled: list[str] = field(default_factory=list)  # booking ids
    conflicts: list[str] = field(default_factory=list)  # told to managers this run
    expired: list[str] = field(default_factory=list)


def loan_id_for(booking_id: str, version: int) -> str:
    """The loan made of a booking as read at `version`: two runs reading the same booking make the same loan (one
    commits); a booking whose loan an emergency took (its version moved on) gets a new one."""
    return "L" + hashlib.sha256(f"booking\n{booking_id}\n{version}".encode()).hexdigest()[:19].upper()


def _candidates(booking: Booking) -> list[Device]:
    if booking.device_id:
        try:
            return [Device.get(booking.device_id, consistent_read=True)]
        except Device.DoesNotExist:
            return []
    found = Device.by_category_status.query(booking.category_id, Device.status == "available", limit=50)
    return [d for d in found if not capacity.falls_due(d, booking.end_at)][:CANDIDATES]


def _loan(booking: Booking, category: Category, device: Device, now: str) -> Loan:
    loan_id = loan_id_for(booking.id, int(booking.version or 0))
    return Loan(loan_id, status="approved", department_id=booking.department_id,
                applicant_openid=booking.applicant_openid, category_id=booking.category_id, device_id=device.id,
                requested_device_id=booking.device_id, urgency="routine",
                queue_key=f"{URGENCY_RANK['routine']}#{now}#{loan_id}", reason=f"预约 {booking.id}：{booking.reason}",
                expected_return_at=booking.end_at, rate_fen=category.rate_fen, rate_unit=category.rate_unit,
                max_loan_hours=category.max_loan_hours, idempotency_key=f"booking-{booking.id}",
                request_fingerprint=booking.request_fingerprint, requested_at=now, approved_at=now,
                approved_by=ACTOR, booking_id=booking.id, updated_at=now)


def _reserve(booking: Booking, category: Category, device: Device, now: str) -> Loan:
    """One TransactWrite: the loan, the device available -> reserved (not trusted as read: conditioned), the
    counts, the booking fulfilled (version as read), its book entry removed, three records, the ward told.
    The loan's record starts its chain (the loan is created here); the device's is loose, listed on the device
    by its update (audit_chain)."""
    loan = _loan(booking, category, device, now)
    before = snapshot(booking)
    booking.status, booking.loan_id, booking.fulfilled_at, booking.updated_at = "fulfilled", loan.id, now, now
    booking.conflict = booking.conflict_at = booking.conflict_note = None
    held = Device(device.id, category_id=device.category_id)
    held.version = 0  # PynamoDB adds `version + 1` to the update (its version is not checked: the conditions are)
    free = ((Device.status == "available") & Device.current_loan_id.does_not_exist()
            & upkeep.lendable_condition() & (Device.category_id == booking.category_id))
    with transaction(Lost()) as writer:
        add_record(writer, kind="loan", subject_id=loan.id, actor=ACTOR, action="loan.approve",
                   before={"status": None}, after={"status": "approved", "device_id": device.id,
                                                   "booking_id": booking.id, "expected_return_at": loan.expected_return_at},
                   note=f"由预约 {booking.id} 转为借用", at=now, head=loan)
        writer.save(loan, condition=Loan.id.does_not_exist())
        record = add_record(writer, kind="device", subject_id=device.id, actor=ACTOR, action="device.reserved",
                            before={"status": "available"}, after={"status": "reserved", "current_loan_id": loan.id},
                            note=f"预约 {booking.id}（借用 {loan.id}）", at=now)
        actions = [Device.status.set("reserved"), Device.current_loan_id.set(loan.id),
                   Device.holder_department_id.set(booking.department_id), Device.status_changed_at.set(now),
                   Device.status_reason.set(f"预留给预约 {booking.id}（借用 {loan.id}）"), Device.updated_at.set(now),
                   *audit_chain.loose_actions(Device, record)]
        writer.update(held, actions=actions, condition=free, add_version_condition=False)
        availability.move(writer, booking.category_id, "available", "reserved",
                          guard=availability.outside_reserve())  # a routine loan: not the emergency reserve
        writer.save(booking)  # version as read from the index: a change since makes this fail
        book.remove(writer, booking)
        add_record(writer, kind="booking", subject_id=booking.id, actor=ACTOR, action="booking.fulfil",
                   before=before, after={**snapshot(booking), "loan_id": loan.id, "device_id": device.id}, at=now)
        # names the loan (no second `loan_approved`); once per loan: a booking whose loan an emergency took is
        # told again when the next run reserves another device for it
        notices.enqueue(writer, "booking_ready", booking, now, loan.id)
    return loan


def mark_conflict(booking: Booking, code: str, note: str, at: str, occurrence: str, actor: str = ACTOR) -> bool:
    """Put a conflict on a live booking and tell the managers (once per occurrence). False if it changed."""
    before = snapshot(booking)
    booking.conflict, booking.conflict_at, booking.conflict_note, booking.updated_at = code, at, note, at
    try:
        with transaction(Lost()) as writer:
            writer.save(booking)
            add_record(writer, kind="booking", subject_id=booking.id, actor=actor, action="booking.conflict",
                       before=before, after=snapshot(booking), note=note, at=at)
            notices.enqueue(writer, "booking_conflict", booking, at, occurrence)
    except Lost:
        return False
    return True


def _expire(booking: Booking, now: str) -> bool:
    before = snapshot(booking)
    booking.status, booking.expired_at, booking.updated_at = "expired", now, now
    try:
        with transaction(Lost()) as writer:
            writer.save(booking)
            book.remove(writer, booking)
            add_record(writer, kind="booking", subject_id=booking.id, actor=ACTOR, action="booking.expire",
                       before=before, after=snapshot(booking), at=now, note="时段已过，未转为借用")
    except Lost:
        return False
    return True


def _fulfil(booking: Booking, categories: dict[str, Category], now: str) -> str:
    """'fulfilled', 'conflict' (told now), 'waiting' (told before) or 'changed' (the booking moved meanwhile)."""
    category = categories.get(booking.category_id)
    if category is None:
        category = categories[booking.category_id] = Category.get(CATEGORIES, booking.category_id)
    window = (booking.start_at, booking.end_at, booking.version)
    beyond_reserve = waitlist.free_for(category, "routine") > 0  # as read this run; the counts guard decides
    for device in _candidates(booking) if beyond_reserve else []:
        if device.status != "available" or capacity.falls_due(device, booking.end_at):
            continue
        try:
            _reserve(booking, category, device, now)
            return "fulfilled"
        except Lost:
            booking = Booking.get(booking.id, consistent_read=True)
            if booking.status != "approved" or (booking.start_at, booking.end_at, booking.version) != window:
                return "changed"  # moved, cancelled or fulfilled by another run: the next run sees it
            # else the device was taken meanwhile: the next one
    if booking.conflict == "no_device":
        return "waiting"
    note = (f"预约设备 {booking.device_id} 不可预留" if booking.device_id else "开始前无可预留的设备") + (
        f"（{waitlist.reserve_of(category)} 台为抢救预留）" if waitlist.reserve_of(category) else "") + "，请调整或调配"
    told = mark_conflict(booking, "no_device", note, now, f"no_device@{booking.start_at}")
    return "conflict" if told else "changed"


def run(now_iso: str | None = None) -> RunResult:
    """Turn the approved bookings starting within the lead time into loans; expire what has passed."""
    now = clock.parse_iso(now_iso) if now_iso else clock.now()
    stamp, result, categories = clock.to_iso(now), RunResult(), {}
    until = clock.to_iso(now + timedelta(hours=get_settings().booking_lead_hours))
    for booking in Booking.by_status.query("approved", Booking.start_at <= until):
        result.read += 1
        if booking.end_at <= stamp:
            if _expire(booking, stamp):
                result.expired.append(booking.id)
            continue
        outcome = _fulfil(booking, categories, stamp)
        if outcome == "fulfilled":
            result.fulfilled.append(booking.id)
        elif outcome == "conflict":
            result.conflicts.append(booking.id)
    for booking in Booking.by_status.query("requested", Booking.start_at <= stamp):
        result.read += 1
        if _expire(booking, stamp):  # never approved before its window started
            result.expired.append(booking.id)
    return result
