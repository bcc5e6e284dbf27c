"""Loans, their timeline and the audit feed."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from medpool.api.schemas.common import AssetTag, Body, Code, Day, Out, PageQuery, Time, required_text

Reason = required_text(500)
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
LoanStatus = Literal["pending", "approved", "in_use", "return_requested", "returned", "rejected", "cancelled"]
Urgency = Literal["routine", "urgent", "emergency"]
IDEMPOTENCY_KEY = r"^[A-Za-z0-9_.:-]{8,64}$"
LOAN_ID_PATTERN = r"^[LH][0-9A-F]{19}$"  # services.loans.loan_id_for (L), services.importing (H)
LOAN_PATH = {"id": LOAN_ID_PATTERN}


class CreateLoanBody(Body):
    category_id: Code | None = None
    device_id: AssetTag | None = None
    urgency: Urgency
    reason: Reason
    expected_return_at: Time


class ApproveLoanBody(Body):
    device_id: AssetTag | None = None


class RejectLoanBody(Body):
    reason: Reason


# the scene read from a device label's code: "<asset tag>.<label secret>" (services/device_codes.py)
Scene = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]


class HandOverBody(Body):
    """One of: `scan`, the scene read from the device's label; `device_id`, the asset tag typed in (managers)."""

    scan: Scene | None = None
    device_id: AssetTag | None = None


class ExtendLoanBody(Body):
    expected_return_at: Time
    reason: Reason
    # required when the loan would last longer than its category's max_loan_hours (from hand-over)
    over_limit_reason: Reason | None = None


class RecallBody(Body):
    """A manager's recall (调回): why, and the new due time (after now, before the current one)."""

    reason: Reason
    return_by: Time


class RecallAnswerBody(Body):
    """The ward's answer: accept (by the recall's time, or an earlier `return_by`), or not, with a reason."""

    accept: bool
    reason: Reason | None = None
    return_by: Time | None = None


class ConfirmReturnBody(Body):
    """`condition`, and the device taken back: `scan` (its label's scene) or `device_id` (typed asset tag)."""

    condition: Literal["ok", "damaged"]
    note: Note | None = None
    scan: Scene | None = None
    device_id: AssetTag | None = None


class LoanListQuery(PageQuery):
    status: LoanStatus | None = None
    overdue: bool | None = None
    department_id: Code | None = None
    device_id: AssetTag | None = None
    recall: Literal["open"] | None = Field(
        None, description="managers: recalls unanswered for MEDPOOL_RECALL_ANSWER_HOURS, then refused ones (alone)")


class RecordOut(Out):
    subject: str
    at: str
    actor: str
    actor_name: str | None = None  # the actor's name ("system" and unknown openids: none)
    actor_department_id: str | None = None
    action: str
    before: dict | None = None
    after: dict | None = None
    note: str | None = None

    @classmethod
    def named(cls, record: object, people: dict | None = None) -> "RecordOut":
        """A record with its actor's name and department, from `people` (services.people.lookup)."""
        out = cls.model_validate(record)
        person = (people or {}).get(out.actor)
        if person is not None:
            out.actor_name, out.actor_department_id = person.name, person.department_id
        return out


class QueuePlace(Out):
    """A pending request's place in its category's waiting list (most urgent first, then oldest)."""

    position: int = Field(description="1 = next in line")
    length: int = Field(description="pending requests of the category")
    free: int = Field(description="available devices this request may take now (beyond the emergency reserve "
                                  "unless it is an emergency)")
    waiting: bool = Field(description="position > free: waiting for a device (排队中)")


class LoanOut(Out):
    id: str
    status: LoanStatus
    department_id: str
    applicant_openid: str
    category_id: str
    device_id: str | None = None
    requested_device_id: str | None = None
    urgency: Urgency
    reason: str
    expected_return_at: str
    overdue: bool
    overdue_at: str | None = None
    requested_at: str
    queued_at: str | None = Field(None, description="set when the request joined the waiting list at application")
    queue: QueuePlace | None = Field(None, description="pending requests: their place in the waiting list")
    approved_at: str | None = None
    approved_by: str | None = None
    auto_reserved: bool | None = Field(None, description="approved by the system for the emergency heading the queue")
    rejected_at: str | None = None
    reject_reason: str | None = None
    cancelled_at: str | None = None
    handed_over_at: str | None = None
    return_requested_at: str | None = None
    returned_at: str | None = None
    condition: Literal["ok", "damaged"] | None = None
    return_note: str | None = None
    rate_fen: int | None = None
    rate_unit: str | None = None
    charge_fen: int | None = None
    recall_state: Literal["requested", "accepted", "refused", "returned", "withdrawn"] | None = None
    recall_reason: str | None = None
    recalled_at: str | None = None
    recalled_by: str | None = None
    recall_return_by: str | None = None
    recall_previous_due: str | None = None
    recall_answered_at: str | None = None
    recall_answered_by: str | None = None
    recall_answer_reason: str | None = None
    booking_id: str | None = None  # the booking (预约) this loan holds a device for
    timeline: list[RecordOut] | None = None
    applicant_name: str | None = None
    applicant_phone: str | None = None  # managers and the applicant only (policy.sees_phone)

    @classmethod
    def of(cls, loan: object, timeline: list | None = None, people: dict | None = None,
           viewer: object | None = None, place: object = None) -> "LoanOut":
        """The API view of a loan: `overdue` also covers loans visibly past due before the check ran. With `people`
        (services.people.lookup) the applicant and the timeline's actors are named; the applicant's phone only for a
        `viewer` who may see it. A pending loan's `queue` is the place given (services.waitlist.Place)."""
        from medpool.services.loans import is_overdue  # not at import: the loan service brings its own imports

        out = cls.model_validate(loan)
        out.overdue = is_overdue(loan)
        out.queue = QueuePlace(**place.as_dict()) if place is not None and loan.status == "pending" else None
        if timeline is not None:
            out.timeline = [RecordOut.named(record, people) for record in timeline]
        applicant = (people or {}).get(out.applicant_openid)
        if applicant is not None:
            from medpool.policy import sees_phone

            out.applicant_name = applicant.name
            if viewer is not None and sees_phone(viewer, out.applicant_openid):
                out.applicant_phone = applicant.phone
        return out


class RecordListQuery(PageQuery):
    subject: Annotated[str, StringConstraints(pattern=r"^[a-z]+#[A-Za-z0-9_-]{1,64}$")] | None = None
    actor: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None = None
    day: Day | None = Field(None, description="a Beijing calendar day, YYYY-MM-DD (default: today in Beijing time)")
