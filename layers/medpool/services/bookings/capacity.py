"""Can a category serve a window [start, end)? Its devices, less those in maintenance (or retired) or whose
maintenance/calibration falls due by the window's last day, less those held by an open loan expected back
after the window starts, less its emergency reserve (a booking becomes a routine loan), must exceed the peak number of live bookings overlapping the window at any instant
(interval sweep: bookings that do not overlap each other share a device). A booking of one device also needs
that device usable and not booked in an overlapping window.

The booking book (strongly consistent) gives the bookings; the devices are one Query of the category+status
index, the loans holding them one BatchGetItem. The devices are the eventually consistent part: a device
going to maintenance meanwhile is caught by services/bookings/conflicts.py, not by this check."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from medpool import clock
from medpool.errors import Conflict
from medpool.models.booking_book import BookingBook
from medpool.models.device import Device
from medpool.models.loan import Loan

HELD = ("reserved", "on_loan")
OUT = ("maintenance", "retired")


@dataclass(frozen=True)
class Entry:
    booking_id: str
    start: str
    end: str
    device_id: str | None


@dataclass
class Assessment:
    """What a booking decision saw: the book's version and entries, the usable devices and the peak."""

    book_version: int
    entries: list[Entry]
    usable: list[str] = field(default_factory=list)
    peak: int = 0
    reserve: int = 0  # the category's emergency reserve: a booking becomes a routine loan, which may not take it

    @property
    def free(self) -> int:
        return len(self.usable) - self.reserve - self.peak


def entries_of(book: BookingBook | None) -> list[Entry]:
    if book is None:
        return []
    return [Entry(booking_id, value[0], value[1], value[2] or None)
            for booking_id, value in (book.entries.as_dict() if hasattr(book.entries, "as_dict")
                                      else dict(book.entries or {})).items()]


def overlaps(start: str, end: str, other_start: str, other_end: str) -> bool:
    return start < other_end and other_start < end


def peak(entries: list[Entry], start: str, end: str) -> int:
    """The most entries overlapping [start, end) at one instant (an end frees its unit before a start at the
    same instant takes it: half-open windows)."""
    points = []
    for entry in entries:
        if overlaps(start, end, entry.start, entry.end):
            points += [(max(entry.start, start), 1), (min(entry.end, end), -1)]
    highest = current = 0
    for _, step in sorted(points, key=lambda point: (point[0], point[1])):
        current += step
        highest = max(highest, current)
    return highest


def last_day(end: str) -> str:
    """The Beijing calendar day of the window's last instant."""
    return clock.business_day(clock.parse_iso(end) - timedelta(milliseconds=1))


def falls_due(device: Device, end: str) -> bool:
    """Its maintenance or calibration falls due by the window's last day (or is past)."""
    day = last_day(end)
    return any(due and due <= day for due in (device.next_maintenance_due, device.next_calibration_due))


def usable(device: Device, loans: dict[str, Loan], start: str, end: str) -> bool:
    """The device can serve the whole window: in the pool, not falling due, back from its loan by the start."""
    if device.status in OUT or falls_due(device, end):
        return False
    if device.status in HELD:
        loan = loans.get(device.current_loan_id or "")
        return loan is not None and loan.expected_return_at <= start
    return True


def devices_of(category_id: str) -> list[Device]:
    return list(Device.by_category_status.query(category_id))


def holding_loans(devices: list[Device]) -> dict[str, Loan]:
    """The open loans holding the category's reserved and lent devices (one BatchGetItem per 100)."""
    ids = sorted({d.current_loan_id for d in devices if d.status in HELD and d.current_loan_id})
    found: dict[str, Loan] = {}
    for chunk in range(0, len(ids), 100):
        found.update({loan.id: loan for loan in Loan.batch_get(ids[chunk:chunk + 100])})
    return found


def assess(book: BookingBook | None, devices: list[Device], loans: dict[str, Loan], start: str, end: str,
           exclude: str | None = None, reserve: int = 0) -> Assessment:
    entries = [e for e in entries_of(book) if e.booking_id != exclude]
    result = Assessment(int(book.book_version or 0) if book is not None else 0, entries, reserve=reserve)
    result.usable = [d.id for d in devices if usable(d, loans, start, end)]
    result.peak = peak(entries, start, end)
    return result


FULL = "该类设备在所选时段已约满（含维护/检定到期、已借出未还、抢救预留和已有预约），请选择其他时段"


def require_room(found: Assessment, start: str, end: str, device: Device | None, loans: dict[str, Loan]) -> None:
    """409 unless the category (and the device named) can serve the window."""
    if device is not None:
        if not usable(device, loans, start, end):
            raise Conflict(f"设备 {device.id} 在所选时段不可用（维护中、维护/检定到期或借用未还）",
                           code="device_not_bookable")
        if any(e.device_id == device.id and overlaps(start, end, e.start, e.end) for e in found.entries):
            raise Conflict(f"设备 {device.id} 在所选时段已被预约", code="device_booked")
    if found.free < 1:
        raise Conflict(FULL, code="booking_full")
