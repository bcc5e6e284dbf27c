"""A device leaving the pool (sent to maintenance or retired by a manager, returned damaged, or moved to another
category) may leave
live bookings of its category without a device: right after that change commits, the category's bookings
ahead are checked again against the devices left, and each one that no longer fits (or that named this
device) is marked `device_maintenance` with the managers told at once (outbox `booking_conflict`, once per
device and change). A loan approved or extended past the start of a booking of its category is checked the
same way (`taken_by_loan`). A category without live bookings costs one GetItem (its booking book)."""
from __future__ import annotations

import logging

from medpool import clock
from medpool.models.booking import Booking
from medpool.models.device import Device
from medpool.models.loan import Loan
from medpool.services.bookings import book, capacity
from medpool.services.bookings.conversion import mark_conflict

log = logging.getLogger(__name__)
STATUS_WORDS = {"maintenance": "送修/维护", "retired": "报废"}


def at_risk(device: Device, entries: list[capacity.Entry], devices: list[Device], loans: dict) -> list[str]:
    """Bookings that named the device, or whose window now needs more devices than the category has usable."""
    risky = []
    for entry in entries:
        if entry.device_id == device.id:
            risky.append(entry.booking_id)
            continue
        usable = [d for d in devices if capacity.usable(d, loans, entry.start, entry.end)]
        if capacity.peak(entries, entry.start, entry.end) > len(usable):
            risky.append(entry.booking_id)
    return risky


def on_device_down(actor_openid: str, device: Device, left_category: str | None = None) -> list[str]:
    """Mark the bookings the device's leaving puts at risk (of `left_category` when it was moved out of it);
    returns their ids. Never fails the change that called it (already committed): an error is logged, and the
    conversion run finds the shortage later."""
    try:
        return _check(actor_openid, device, left_category)
    except Exception:  # noqa: BLE001 - the device change is committed; the scheduled run is the backstop
        log.exception("bookings: conflict check after device %s failed", device.id)
        return []


def _check(actor_openid: str, device: Device, left_category: str | None) -> list[str]:
    now = clock.now_iso()
    category_id = left_category or device.category_id
    entries = [e for e in capacity.entries_of(book.read(category_id)) if e.end > now]
    if not entries:
        return []
    # the index may still list the device as it was: as it is now, or not at all when it left the category
    devices = [d for d in capacity.devices_of(category_id) if d.id != device.id] + ([] if left_category else [device])
    risky = at_risk(device, entries, devices, capacity.holding_loans(devices))
    if left_category:
        note = f"设备 {device.id} 已调至类别 {device.category_id}，该预约时段可用设备不足"
    else:
        word = STATUS_WORDS.get(device.status, device.status)
        note = f"设备 {device.id} 已{word}（{device.status_reason or '未说明'}），该预约时段可用设备不足"
    return _mark(actor_openid, risky, "device_maintenance", note, now, f"device_maintenance@{device.id}@{now}")


def _mark(actor_openid: str, risky: list[str], code: str, note: str, now: str, occurrence: str) -> list[str]:
    marked = []
    for booking in Booking.batch_get(risky, consistent_read=True) if risky else []:
        if booking.status not in ("requested", "approved"):
            continue
        if mark_conflict(booking, code, note, now, occurrence, actor=actor_openid):
            marked.append(booking.id)
    return marked


def on_loan_holding(actor_openid: str, loan: Loan) -> list[str]:
    """After a loan was approved (or extended) holding a device of the category until its due time: mark the
    live bookings starting before then that no longer fit (`taken_by_loan`, the managers told at once). One
    GetItem (the book) when no booking starts before the loan's due time. Never fails the committed change."""
    try:
        return _check_loan(actor_openid, loan)
    except Exception:  # noqa: BLE001 - the loan change is committed; the scheduled run is the backstop
        log.exception("bookings: conflict check after loan %s failed", loan.id)
        return []


def _check_loan(actor_openid: str, loan: Loan) -> list[str]:
    now = clock.now_iso()
    entries = [e for e in capacity.entries_of(book.read(loan.category_id)) if e.end > now]
    if not any(e.start < loan.expected_return_at for e in entries):
        return []
    devices = capacity.devices_of(loan.category_id)
    held = next((d for d in devices if d.id == loan.device_id), None)
    if held is None:  # the index has not caught up with a device of the category: nothing to decide on
        return []
    held.status = "on_loan" if held.status == "on_loan" else "reserved"  # as committed (the index lags)
    held.current_loan_id = loan.id
    loans = {**capacity.holding_loans(devices), loan.id: loan}
    risky = [booking_id for booking_id in at_risk(held, entries, devices, loans)
             if next(e for e in entries if e.booking_id == booking_id).start < loan.expected_return_at]
    note = (f"借用 {loan.id}（{loan.department_id}）占用设备 {loan.device_id} 至 {loan.expected_return_at}，"
            "该预约时段可用设备不足")
    return _mark(actor_openid, risky, "taken_by_loan", note, now, f"taken_by_loan@{loan.id}@{loan.expected_return_at}")
