"""A loan: one department borrowing one device, from request to return."""
from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from medpool.models.base import BaseMeta

STATUSES = ("pending", "approved", "in_use", "return_requested", "returned", "rejected", "cancelled")
OPEN_STATUSES = ("pending", "approved", "in_use", "return_requested")
URGENCY_RANK = {"emergency": 0, "urgent": 1, "routine": 2}
SCOPE = "hospital"


class LoanDepartmentIndex(GlobalSecondaryIndex):
    """Loans of a department, newest first."""

    class Meta:
        index_name = "department_id-requested_at"
        projection = AllProjection()

    department_id = UnicodeAttribute(hash_key=True)
    requested_at = UnicodeAttribute(range_key=True)


class LoanQueueIndex(GlobalSecondaryIndex):
    """Loans by status in queue order: most urgent first, then oldest (queue_key = rank#requested_at#id)."""

    class Meta:
        index_name = "status-queue_key"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    queue_key = UnicodeAttribute(range_key=True)


class LoanDueIndex(GlobalSecondaryIndex):
    """Loans by status and due time: the overdue check reads only in-use loans due before now."""

    class Meta:
        index_name = "status-expected_return_at"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    expected_return_at = UnicodeAttribute(range_key=True)


class LoanScopeIndex(GlobalSecondaryIndex):
    """Every loan, newest first (managers' history and closed statuses)."""

    class Meta:
        index_name = "scope-requested_at"
        projection = AllProjection()

    scope = UnicodeAttribute(hash_key=True)
    requested_at = UnicodeAttribute(range_key=True)


class LoanDeviceIndex(GlobalSecondaryIndex):
    """Loans of a device (its history), newest first."""

    class Meta:
        index_name = "device_id-requested_at"
        projection = AllProjection()

    device_id = UnicodeAttribute(hash_key=True)
    requested_at = UnicodeAttribute(range_key=True)


class Loan(Model):
    class Meta(BaseMeta):
        table_name = "loans"

    id = UnicodeAttribute(hash_key=True)
    scope = UnicodeAttribute(default=SCOPE)
    status = UnicodeAttribute()
    department_id = UnicodeAttribute()
    applicant_openid = UnicodeAttribute()
    category_id = UnicodeAttribute()
    device_id = UnicodeAttribute(null=True)
    requested_device_id = UnicodeAttribute(null=True)
    urgency = UnicodeAttribute()
    queue_key = UnicodeAttribute()
    reason = UnicodeAttribute()
    expected_return_at = UnicodeAttribute()
    overdue = BooleanAttribute(default=False)
    overdue_at = UnicodeAttribute(null=True)  # when the overdue check that flagged it started
    idempotency_key = UnicodeAttribute()
    request_fingerprint = UnicodeAttribute()
    requested_at = UnicodeAttribute()
    approved_at = UnicodeAttribute(null=True)
    approved_by = UnicodeAttribute(null=True)
    rejected_at = UnicodeAttribute(null=True)
    reject_reason = UnicodeAttribute(null=True)
    cancelled_at = UnicodeAttribute(null=True)
    handed_over_at = UnicodeAttribute(null=True)
    return_requested_at = UnicodeAttribute(null=True)
    returned_at = UnicodeAttribute(null=True)
    condition = UnicodeAttribute(null=True)
    return_note = UnicodeAttribute(null=True)
    rate_fen = NumberAttribute(null=True)  # the category's rate, fixed at application (older loans: at hand-over)
    rate_unit = UnicodeAttribute(null=True)
    max_loan_hours = NumberAttribute(null=True)  # the category's maximum loan length, fixed at application
    charge_fen = NumberAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_department = LoanDepartmentIndex()
    by_queue = LoanQueueIndex()
    by_due = LoanDueIndex()
    by_device = LoanDeviceIndex()
    by_scope = LoanScopeIndex()
