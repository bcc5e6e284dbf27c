"""The booking state machine: create (idempotent, capacity-checked, serialized per category by its booking
book), approve, reject, move (the same check), cancel. Each change is one TransactWrite: the booking
(version-checked), the book, its audit record and the outbox event."""
from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

from pynamodb.transactions import TransactWrite

from medpool import clock
from medpool.errors import BadRequest, Conflict, NotFound, Unprocessable
from medpool.models.booking import LIVE_STATUSES, Booking
from medpool.models.booking_book import BookingBook, book_id
from medpool.models.category import SCOPE as CATEGORIES, Category
from medpool.models.device import Device
from medpool.models.user import User
from medpool.policy import require_department, require_not_own_request
from medpool.services import batch_reads, escalation, idempotency
from medpool.services.audit import add_record
from medpool.services.bookings import book, capacity, notices
from medpool.services.transactions import transaction

STATUS_LABELS = {"requested": "待审批", "approved": "已批准", "fulfilled": "已转借用", "rejected": "已驳回",
                 "cancelled": "已取消", "expired": "已过期"}
HORIZON_DAYS = 180  # how far ahead a window may start
ATTEMPTS = 40  # decisions made again after another booking of the category committed first
REUSED = Unprocessable("Idempotency-Key 已用于另一个预约", code="idempotency_key_reused")
FIELDS = ("status", "category_id", "device_id", "department_id", "start_at", "end_at", "conflict")


class Raced(Conflict):
    code, message = "state_changed", "预约已被他人更新，请刷新后重试"


BUSY = Conflict("该类设备预约繁忙，请稍后重试", code="booking_busy")


@dataclass(frozen=True)
class BookingRequest:
    category_id: str
    device_id: str | None
    start_at: str
    end_at: str
    reason: str


def snapshot(booking: Booking) -> dict:
    return {name: getattr(booking, name) for name in FIELDS}


def _fingerprint(request: BookingRequest) -> str:
    return hashlib.sha256(json.dumps(request.__dict__, sort_keys=True).encode()).hexdigest()


def _window(start_at: str, end_at: str, category: Category) -> tuple[str, str]:
    """422 unless the window is in the future, within the horizon and no longer than a loan of the category."""
    start, end, now = clock.parse_iso(start_at), clock.parse_iso(end_at), clock.now()
    if start <= now:
        raise Unprocessable("预约开始时间必须晚于当前时间", code="booking_in_past")
    if end <= start:
        raise Unprocessable("预约结束时间必须晚于开始时间", code="booking_window_invalid")
    if start > now + timedelta(days=HORIZON_DAYS):
        raise Unprocessable(f"只能预约 {HORIZON_DAYS} 天内的时段", code="booking_too_far")
    if end - start > timedelta(hours=int(category.max_loan_hours)):
        raise Unprocessable(f"预约时长超过该类设备借用上限（{category.max_loan_hours} 小时）", code="booking_too_long")
    return clock.to_iso(start), clock.to_iso(end)


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0, min(0.2, 0.01 * 2 ** min(attempt, 5))))


def _category_of(category: Category | None, category_id: str) -> Category:
    if category is None:
        raise Unprocessable(f"设备类别 {category_id} 不存在", code="unknown_category")
    return category


def _device_in(device: Device | None, device_id: str | None, category_id: str) -> Device | None:
    if device_id is None:
        return None
    if device is None:
        raise Unprocessable(f"设备 {device_id} 不存在", code="unknown_device")
    if device.category_id != category_id:
        raise Unprocessable("设备与预约的类别不一致", code="wrong_category")
    return device


def _assess(category: Category, stored_book: BookingBook | None, start: str, end: str,
            device: Device | None, exclude: str | None = None) -> capacity.Assessment:
    devices = capacity.devices_of(category.id)
    loans = capacity.holding_loans(devices)
    found = capacity.assess(stored_book, devices, loans, start, end, exclude, int(category.emergency_reserve or 0))
    capacity.require_room(found, start, end, device, loans)
    return found


def create(applicant: User, request: BookingRequest, idempotency_key: str) -> tuple[Booking, bool]:
    """A ward books a category (or one device of it) for [start_at, end_at). Returns (booking, created)."""
    if not idempotency_key:
        raise BadRequest("缺少 Idempotency-Key 请求头", code="missing_idempotency_key")
    booking_id = idempotency.derived_id("B", applicant.openid, idempotency_key)
    fingerprint = _fingerprint(request)
    for attempt in range(ATTEMPTS):
        wanted = [(Booking, booking_id), (Category, CATEGORIES, request.category_id),
                  (BookingBook, book_id(request.category_id))]
        stored, category, stored_book, *device = batch_reads.get_many(
            *wanted, *([(Device, request.device_id)] if request.device_id else []))
        existing = idempotency.replay(lambda: stored, fingerprint, REUSED)
        if existing is not None:
            return existing, False
        category = _category_of(category, request.category_id)
        start, end = _window(request.start_at, request.end_at, category)
        named = _device_in(device[0] if device else None, request.device_id, category.id)
        if attempt == 0:  # it becomes a routine loan: refused like one (escalation; off by default, else a Query)
            escalation.require_not_blocked(applicant.department_id, "routine")
        found = _assess(category, stored_book, start, end, named)
        now = clock.now_iso()
        booking = Booking(booking_id, status="requested", category_id=category.id, device_id=request.device_id,
                          department_id=applicant.department_id, applicant_openid=applicant.openid,
                          reason=request.reason, start_at=start, end_at=end, requested_at=now, updated_at=now,
                          idempotency_key=idempotency_key, request_fingerprint=fingerprint)
        try:
            with transaction(Raced()) as writer:
                writer.save(booking, condition=Booking.id.does_not_exist())
                book.put(writer, booking, found.book_version)
                add_record(writer, kind="booking", subject_id=booking_id, actor=applicant.openid,
                           action="booking.create", after={**snapshot(booking), "reason": request.reason,
                                                           "free_before": found.free}, at=now)
            return booking, True
        except Raced:
            _pause(attempt)  # another booking of the category (or this key's retry) committed first
    raise BUSY


def find(booking_id: str) -> Booking | None:
    try:
        return Booking.get(booking_id, consistent_read=True)
    except Booking.DoesNotExist:
        return None


def get_record(booking_id: str) -> Booking:
    booking = find(booking_id)
    if booking is None:
        raise NotFound("预约不存在", code="booking_not_found")
    return booking


def get(user: User, booking_id: str) -> Booking:
    booking = get_record(booking_id)
    require_department(user, booking.department_id)
    return booking


def _require(booking: Booking, *allowed: str) -> None:
    if booking.status not in allowed:
        raise Conflict(f"预约当前状态为「{STATUS_LABELS[booking.status]}」，不能执行此操作",
                       code=f"booking_not_{allowed[0]}")


def _commit(actor: User, action: str, booking: Booking, before: dict, event: str | None = None, *,
            remove: bool = False, note: str | None = None, occurrence: str | None = None) -> Booking:
    with transaction(Raced()) as writer:
        writer.save(booking)  # version condition: whatever changed it since the read makes this fail
        if remove:
            book.remove(writer, booking)
        add_record(writer, kind="booking", subject_id=booking.id, actor=actor.openid, action=action,
                   before=before, after=snapshot(booking), note=note, at=booking.updated_at)
        if event:
            notices.enqueue(writer, event, booking, booking.updated_at, occurrence)
    return booking


def _once_more(change):
    def run(*args, **kwargs):
        try:
            return change(*args, **kwargs)
        except Raced:
            return change(*args, **kwargs)
    run.__doc__, run.__name__ = change.__doc__, change.__name__
    return run


@_once_more
def approve(actor: User, booking_id: str) -> Booking:
    booking = get_record(booking_id)
    if booking.status == "approved":
        return booking
    _require(booking, "requested")
    require_not_own_request(actor, booking.applicant_openid)
    before = snapshot(booking)
    booking.status = "approved"
    booking.approved_at = booking.updated_at = clock.now_iso()
    booking.approved_by = actor.openid
    return _commit(actor, "booking.approve", booking, before, "booking_approved")


@_once_more
def reject(actor: User, booking_id: str, reason: str) -> Booking:
    booking = get_record(booking_id)
    if booking.status == "rejected":
        return booking
    _require(booking, "requested", "approved")
    before = snapshot(booking)
    booking.status, booking.reject_reason, booking.rejected_by = "rejected", reason, actor.openid
    booking.rejected_at = booking.updated_at = clock.now_iso()
    booking.conflict = None
    return _commit(actor, "booking.reject", booking, before, "booking_rejected", remove=True, note=reason)


@_once_more
def cancel(actor: User, booking_id: str) -> Booking:
    """The ward (or a manager) withdraws a booking before it became a loan."""
    booking = get_record(booking_id)
    require_department(actor, booking.department_id)
    if booking.status == "cancelled":
        return booking
    if booking.status == "fulfilled":
        raise Conflict(f"预约已转为借用 {booking.loan_id}，请取消该借用", code="booking_fulfilled")
    _require(booking, "requested", "approved")
    before = snapshot(booking)
    booking.status, booking.cancelled_by = "cancelled", actor.openid
    booking.cancelled_at = booking.updated_at = clock.now_iso()
    booking.conflict = None
    return _commit(actor, "booking.cancel", booking, before, remove=True)


def closed_with_loan(actor: User, loan: Any) -> Callable[[TransactWrite], None] | None:
    """The fulfilled booking whose loan is being cancelled: written cancelled (version-checked, `booking.cancel`)
    by the loan's transaction; None when the booking is not that loan's any more."""
    booking = find(loan.booking_id)
    if booking is None or booking.status != "fulfilled" or booking.loan_id != loan.id:
        return None
    before = snapshot(booking)
    booking.status, booking.cancelled_by = "cancelled", actor.openid
    booking.cancelled_at = booking.updated_at = loan.updated_at

    def write(writer: TransactWrite) -> None:
        writer.save(booking)  # version as read: a change since fails the loan's transaction (it runs again)
        add_record(writer, kind="booking", subject_id=booking.id, actor=actor.openid, action="booking.cancel",
                   before=before, after={**snapshot(booking), "loan_id": loan.id}, note=f"借用 {loan.id} 已取消",
                   at=booking.updated_at)
    return write


def move(actor: User, booking_id: str, start_at: str, end_at: str, reason: str | None = None) -> Booking:
    """A manager moves a live booking to a new window, checked like a new booking (less itself); a conflict
    the booking had is cleared."""
    for attempt in range(ATTEMPTS):
        booking = get_record(booking_id)
        if booking.status in LIVE_STATUSES and (booking.start_at, booking.end_at) == (
                clock.to_iso(clock.parse_iso(start_at)), clock.to_iso(clock.parse_iso(end_at))) \
                and booking.conflict is None:
            return booking  # a repeat
        _require(booking, "requested", "approved")
        category, stored_book, *device = batch_reads.get_many(
            (Category, CATEGORIES, booking.category_id), (BookingBook, book_id(booking.category_id)),
            *([(Device, booking.device_id)] if booking.device_id else []))
        category = _category_of(category, booking.category_id)
        start, end = _window(start_at, end_at, category)
        named = _device_in(device[0] if device else None, booking.device_id, booking.category_id)
        found = _assess(category, stored_book, start, end, named, exclude=booking.id)
        before = snapshot(booking)
        booking.start_at, booking.end_at, booking.move_reason = start, end, reason
        booking.moved_at = booking.updated_at = clock.now_iso()
        booking.moved_by, booking.moves = actor.openid, int(booking.moves or 0) + 1
        booking.conflict = booking.conflict_at = booking.conflict_note = None
        try:
            with transaction(Raced()) as writer:
                writer.save(booking)
                book.put(writer, booking, found.book_version)
                add_record(writer, kind="booking", subject_id=booking.id, actor=actor.openid, action="booking.move",
                           before=before, after=snapshot(booking), note=reason, at=booking.updated_at)
                notices.enqueue(writer, "booking_moved", booking, booking.updated_at, f"move{booking.moves}")
            return booking
        except Raced:
            _pause(attempt)
    raise BUSY
