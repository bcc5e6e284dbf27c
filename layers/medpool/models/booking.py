"""A booking (预约): a ward reserving a category (or one device) for a future window [start_at, end_at).

Lists are Queries on the start time: every booking of the hospital, of a category, of a department, and of
a status (the scheduled run's approved bookings whose window is near). The per-category booking book
(models/booking_book.py) lives in the same table under `book#<category>` and carries none of these keys."""
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from medpool.models.base import BaseMeta

# requested -> approved -> fulfilled (a loan holds a device for it); requested|approved -> rejected | cancelled;
# requested|approved -> expired (the window passed before it could become a loan)
STATUSES = ("requested", "approved", "fulfilled", "rejected", "cancelled", "expired")
LIVE_STATUSES = ("requested", "approved")  # counted in the booking book
SCOPE = "hospital"
# why a booking is at risk (managers look at it): a device it counted on went to maintenance, no device could
# be reserved when its window came near, an emergency took the device reserved for it, a loan holds a device
# it counted on past its start
CONFLICTS = ("device_maintenance", "no_device", "taken_by_emergency", "taken_by_loan")


class BookingScopeIndex(GlobalSecondaryIndex):
    """Every booking by the start of its window (managers: a day, or what is ahead)."""

    class Meta:
        index_name = "scope-start_at"
        projection = AllProjection()

    scope = UnicodeAttribute(hash_key=True)
    start_at = UnicodeAttribute(range_key=True)


class BookingCategoryIndex(GlobalSecondaryIndex):
    """A category's bookings by start."""

    class Meta:
        index_name = "category_id-start_at"
        projection = AllProjection()

    category_id = UnicodeAttribute(hash_key=True)
    start_at = UnicodeAttribute(range_key=True)


class BookingDepartmentIndex(GlobalSecondaryIndex):
    """A department's bookings by start (the ward's own list)."""

    class Meta:
        index_name = "department_id-start_at"
        projection = AllProjection()

    department_id = UnicodeAttribute(hash_key=True)
    start_at = UnicodeAttribute(range_key=True)


class BookingStatusIndex(GlobalSecondaryIndex):
    """Bookings of a status by start: the scheduled run reads the approved ones whose window is near."""

    class Meta:
        index_name = "status-start_at"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    start_at = UnicodeAttribute(range_key=True)


class Booking(Model):
    class Meta(BaseMeta):
        table_name = "bookings"

    id = UnicodeAttribute(hash_key=True)
    scope = UnicodeAttribute(default=SCOPE)
    status = UnicodeAttribute()
    category_id = UnicodeAttribute()
    device_id = UnicodeAttribute(null=True)  # a specific device booked (else any of the category)
    department_id = UnicodeAttribute()
    applicant_openid = UnicodeAttribute()
    reason = UnicodeAttribute()
    start_at = UnicodeAttribute()
    end_at = UnicodeAttribute()
    requested_at = UnicodeAttribute()
    approved_at = UnicodeAttribute(null=True)
    approved_by = UnicodeAttribute(null=True)
    rejected_at = UnicodeAttribute(null=True)
    rejected_by = UnicodeAttribute(null=True)
    reject_reason = UnicodeAttribute(null=True)
    cancelled_at = UnicodeAttribute(null=True)
    cancelled_by = UnicodeAttribute(null=True)
    moved_at = UnicodeAttribute(null=True)
    moved_by = UnicodeAttribute(null=True)
    move_reason = UnicodeAttribute(null=True)
    moves = NumberAttribute(default=0)
    loan_id = UnicodeAttribute(null=True)  # the loan that holds a device for it (fulfilled)
    fulfilled_at = UnicodeAttribute(null=True)
    expired_at = UnicodeAttribute(null=True)
    conflict = UnicodeAttribute(null=True)  # CONFLICTS: managers must act
    conflict_at = UnicodeAttribute(null=True)
    conflict_note = UnicodeAttribute(null=True)
    idempotency_key = UnicodeAttribute()
    request_fingerprint = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_scope = BookingScopeIndex()
    by_category = BookingCategoryIndex()
    by_department = BookingDepartmentIndex()
    by_status = BookingStatusIndex()
