"""Bookings (预约): a ward reserving a category (or a device) for a future window."""

from typing import Literal

from pydantic import Field

from medpool.api.schemas.common import AssetTag, Body, Code, Day, Out, PageQuery, Time
from medpool.api.schemas.loans import Reason, RecordOut

BookingStatus = Literal["requested", "approved", "fulfilled", "rejected", "cancelled", "expired"]
BookingConflict = Literal["device_maintenance", "no_device", "taken_by_emergency", "taken_by_loan"]
BOOKING_PATH = {"id": r"^B[0-9A-F]{19}$"}  # services.idempotency.derived_id("B", ...)


class CreateBookingBody(Body):
    category_id: Code
    device_id: AssetTag | None = Field(None, description="a specific device of the category (else any)")
    start_at: Time
    end_at: Time
    reason: Reason


class RejectBookingBody(Body):
    reason: Reason


class MoveBookingBody(Body):
    start_at: Time
    end_at: Time
    reason: Reason | None = None


class BookingListQuery(PageQuery):
    day: Day | None = Field(None, description="bookings starting on this Beijing day (default: from today on)")
    category_id: Code | None = None
    department_id: Code | None = None


class BookingOut(Out):
    id: str
    status: BookingStatus
    category_id: str
    device_id: str | None = None
    department_id: str
    applicant_openid: str
    reason: str
    start_at: str
    end_at: str
    requested_at: str
    approved_at: str | None = None
    approved_by: str | None = None
    rejected_at: str | None = None
    reject_reason: str | None = None
    cancelled_at: str | None = None
    moved_at: str | None = None
    move_reason: str | None = None
    loan_id: str | None = None
    fulfilled_at: str | None = None
    expired_at: str | None = None
    conflict: BookingConflict | None = Field(None, description="managers must act: why the booking is at risk")
    conflict_at: str | None = None
    conflict_note: str | None = None
    timeline: list[RecordOut] | None = None
