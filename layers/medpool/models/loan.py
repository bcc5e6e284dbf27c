"""A loan: one department borrowing one device, from request to return.

Lists are Queries whose keys serve their filters (docs/data-and-loans.md, "Lists"). Besides the plain
fields, a loan carries list keys derived from them (`list_keys`), written with every put of the item
(`serialize`): the status facet (`returned#late` for a return given back late) for the hospital, per
department, per device and per department + device, and the department's in-use loans by due time."""
from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from medpool.models.base import BaseMeta
from medpool.models.chain_head import ChainHead

STATUSES = ("pending", "approved", "in_use", "return_requested", "returned", "rejected", "cancelled")
OPEN_STATUSES = ("pending", "approved", "in_use", "return_requested")
URGENCY_RANK = {"emergency": 0, "urgent": 1, "routine": 2}
SCOPE = "hospital"
# statuses whose overdue flag is fixed (the ward gave the device back late); an in-use loan is overdue by its
# due time (the overdue check's flag only ever follows a due time already past, and an extension clears it)
LATE_STATUSES = ("return_requested", "returned")
LATE = "late"
OK_FACETS = ("pending", "approved", "return_requested", "returned", "rejected", "cancelled")
LATE_FACETS = ("return_requested#late", "returned#late")
ALL_FACETS = OK_FACETS + LATE_FACETS + ("in_use",)
# a recall's states: requested (awaiting the ward's answer), accepted, refused (the ward cannot), then closed by
# the return request or the take-back (returned) or by a manager's extension (withdrawn)
RECALL_STATES = ("requested", "accepted", "refused", "returned", "withdrawn")
RECALL_OPEN = ("requested", "accepted")  # a second recall is refused while one of these stands
RECALL_LISTED = ("requested", "refused")  # the managers' recall list (`recall_open` partitions)


def facet(status: str, late: bool) -> str:
    """The status as a list key: `returned#late` / `return_requested#late` when given back late."""
    return f"{status}#{LATE}" if late and status in LATE_STATUSES else status


def facets(status: str, overdue: bool | None = None) -> list[str]:
    """The facets making up a (not in-use) status, optionally only its overdue or on-time part."""
    if status not in LATE_STATUSES:
        return [] if overdue else [status]
    return [facet(status, True)] if overdue else [status] if overdue is False else [status, facet(status, True)]


class LoanDepartmentIndex(GlobalSecondaryIndex):
    """Loans of a department, newest first."""

    class Meta:
        index_name = "department_id-requested_at"
        projection = AllProjection()

    department_id = UnicodeAttribute(hash_key=True)
    requested_at = UnicodeAttribute(range_key=True)


# what the purchase report needs of a request (its index projects only these: a year is ~5x fewer bytes)
REQUEST_FIELDS = ["status", "urgency", "queued_at", "approved_at", "rejected_at", "cancelled_at", "handed_over_at",
                  "returned_at", "device_id"]


class LoanCategoryIndex(GlobalSecondaryIndex):
    """Loans of a category by request time: the purchase report reads a period's requests as a key range."""

    class Meta:
        index_name = "category_id-requested_at"
        projection = IncludeProjection(REQUEST_FIELDS)

    category_id = UnicodeAttribute(hash_key=True)
    requested_at = UnicodeAttribute(range_key=True)


class LoanQueueIndex(GlobalSecondaryIndex):
    """Loans by status in queue order: most urgent first, then oldest (queue_key = rank#requested_at#id)."""

    class Meta:
        index_name = "status-queue_key"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    queue_key = UnicodeAttribute(range_key=True)


class LoanCategoryQueueIndex(GlobalSecondaryIndex):
    """The waiting list of a category: its pending requests in queue order (most urgent first, then oldest).
    Sparse (pending loans only) and keys only: positions are counted from it, the loans read by id."""

    class Meta:
        index_name = "category_pending-queue_key"
        projection = KeysOnlyProjection()

    category_pending = UnicodeAttribute(hash_key=True)
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


class LoanStatusKeyIndex(GlobalSecondaryIndex):
    """Loans of a status facet, newest first (closed statuses; late returns)."""

    class Meta:
        index_name = "status_key-requested_at"
        projection = AllProjection()

    status_key = UnicodeAttribute(hash_key=True)
    requested_at = UnicodeAttribute(range_key=True)


class LoanDepartmentStatusIndex(GlobalSecondaryIndex):
    """A department's loans of a status facet ("ICU#in_use", "ICU#returned#late"), newest first."""

    class Meta:
        index_name = "department_status-requested_at"
        projection = AllProjection()

    department_status = UnicodeAttribute(hash_key=True)
    requested_at = UnicodeAttribute(range_key=True)


class LoanDeviceStatusIndex(GlobalSecondaryIndex):
    """A device's loans of a status facet ("MON-001#returned"), newest first. Sparse: loans with a device."""

    class Meta:
        index_name = "device_status-requested_at"
        projection = AllProjection()

    device_status = UnicodeAttribute(hash_key=True)
    requested_at = UnicodeAttribute(range_key=True)


class LoanDepartmentDeviceStatusIndex(GlobalSecondaryIndex):
    """A department's loans of one device in a status facet ("ICU#MON-001#returned"), newest first. Sparse:
    loans with a device."""

    class Meta:
        index_name = "department_device_status-requested_at"
        projection = AllProjection()

    department_device_status = UnicodeAttribute(hash_key=True)
    requested_at = UnicodeAttribute(range_key=True)


class LoanDepartmentDueIndex(GlobalSecondaryIndex):
    """A department's in-use loans by due time (its overdue ones: due before now). Sparse: in-use loans."""

    class Meta:
        index_name = "department_in_use-expected_return_at"
        projection = AllProjection()

    department_in_use = UnicodeAttribute(hash_key=True)
    expected_return_at = UnicodeAttribute(range_key=True)


class LoanRecallIndex(GlobalSecondaryIndex):
    """Recalls managers look at: partition `requested` (by recall time: unanswered for N hours is a key range)
    and `refused`. Sparse: in-use loans with such a recall."""

    class Meta:
        index_name = "recall_open-recalled_at"
        projection = AllProjection()

    recall_open = UnicodeAttribute(hash_key=True)
    recalled_at = UnicodeAttribute(range_key=True)


class Loan(ChainHead, Model):
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
    queued_at = UnicodeAttribute(null=True)  # joined the waiting list at application (no device it could take)
    approved_at = UnicodeAttribute(null=True)
    approved_by = UnicodeAttribute(null=True)
    auto_reserved = BooleanAttribute(null=True)  # approved by the system for the emergency heading the queue
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
    # a recall (调回): the manager's ask for an early return (docs/data-and-loans.md, "Recall")
    recall_state = UnicodeAttribute(null=True)  # RECALL_STATES
    recall_reason = UnicodeAttribute(null=True)
    recalled_at = UnicodeAttribute(null=True)
    recalled_by = UnicodeAttribute(null=True)
    recall_return_by = UnicodeAttribute(null=True)  # the due time the manager asked for
    recall_previous_due = UnicodeAttribute(null=True)  # the due time before the recall (restored on a refusal)
    recall_answered_at = UnicodeAttribute(null=True)
    recall_answered_by = UnicodeAttribute(null=True)
    recall_answer_reason = UnicodeAttribute(null=True)  # why the ward cannot return it
    booking_id = UnicodeAttribute(null=True)  # the booking (预约) this loan holds a device for
    version = VersionAttribute()
    # list keys, derived from the fields above on every put (list_keys)
    status_key = UnicodeAttribute(null=True)
    department_status = UnicodeAttribute(null=True)
    device_status = UnicodeAttribute(null=True)
    department_device_status = UnicodeAttribute(null=True)
    department_in_use = UnicodeAttribute(null=True)
    recall_open = UnicodeAttribute(null=True)
    category_pending = UnicodeAttribute(null=True)

    place = None  # not stored: the waiting-list place computed when the request was made (services.waitlist)

    by_department = LoanDepartmentIndex()
    by_queue = LoanQueueIndex()
    by_category_queue = LoanCategoryQueueIndex()
    by_category = LoanCategoryIndex()
    by_due = LoanDueIndex()
    by_device = LoanDeviceIndex()
    by_scope = LoanScopeIndex()
    by_status_key = LoanStatusKeyIndex()
    by_department_status = LoanDepartmentStatusIndex()
    by_device_status = LoanDeviceStatusIndex()
    by_department_device_status = LoanDepartmentDeviceStatusIndex()
    by_department_due = LoanDepartmentDueIndex()
    by_recall = LoanRecallIndex()

    def list_keys(self) -> dict[str, str | None]:
        """The list keys this loan's fields call for (absent ones leave their sparse index)."""
        state = facet(self.status, bool(self.overdue))
        device = self.device_id
        return {"status_key": state, "department_status": f"{self.department_id}#{state}",
                "device_status": f"{device}#{state}" if device else None,
                "department_device_status": f"{self.department_id}#{device}#{state}" if device else None,
                "department_in_use": self.department_id if self.status == "in_use" else None,
                "recall_open": self.recall_state if self.status == "in_use" and self.recall_state in RECALL_LISTED
                else None,
                "category_pending": self.category_id if self.status == "pending" else None}

    def close_recall(self, state: str) -> bool:
        """A return request or take-back (returned), or an extension (withdrawn), ends a standing recall."""
        if self.recall_state not in ("requested", "accepted", "refused"):
            return False
        self.recall_state = state
        return True

    def serialize(self, null_check: bool = True) -> dict:
        """Every put (save, batch write, transaction) goes through here: the list keys follow the fields.
        (Updates by actions bypass it: the only one, the overdue check's flag on an in-use loan, changes no key.)"""
        for name, value in self.list_keys().items():
            setattr(self, name, value)
        return super().serialize(null_check=null_check)
