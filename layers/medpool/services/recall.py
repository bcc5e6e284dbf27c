"""Recall (调回): a manager asks the department holding a device to give it back early (an emergency elsewhere),
with a reason and a new due time; the ward answers (will return by then / cannot, with a reason).

The new due time counts at once: the loan's `expected_return_at` becomes the recall's `return_by` when it is
asked for, so the overdue check (the status + due index) chases a ward that neither answers nor returns, once
per due time as always. A refusal restores the due time from before the recall (the ward is not late against a
time it could not agree to) and puts the recall in the managers' list; an acceptance keeps `return_by` (or an
earlier time the ward names). Each action is one read (the loan) and one TransactWrite (loan, audit record,
outbox event), like the other transitions (docs/data-and-loans.md, "Recall")."""
from __future__ import annotations

from datetime import timedelta

from medpool import clock
from medpool.config import get_settings
from medpool.errors import BadRequest, Conflict, Forbidden, Unprocessable
from medpool.labels import LOAN_STATUS
from medpool.models.loan import RECALL_OPEN, Loan
from medpool.models.user import User
from medpool.policy import require_department
from medpool.services.loan_flow import _commit, _once_more_on_race, _stamp
from medpool.services.loans import get_loan_record
from medpool.services.pages import DEFAULT_LIMIT, Page, Source, planned_page, scope_of


def _due(value: str) -> str:
    return clock.to_iso(clock.parse_iso(value))


def _recall_fields(loan: Loan) -> dict:
    return {"recall_state": loan.recall_state, "recall_return_by": loan.recall_return_by,
            "expected_return_at": loan.expected_return_at}


@_once_more_on_race
def recall(actor: User, loan_id: str, reason: str, return_by: str) -> Loan:
    """Ask for the device back by `return_by` (after now, before the current due time); the ward is notified."""
    loan = get_loan_record(loan_id)
    return_by = _due(return_by)
    if loan.recall_state in RECALL_OPEN:
        if (loan.recalled_by, loan.recall_reason, loan.recall_return_by) == (actor.openid, reason, return_by):
            return loan  # a retry of this recall
        raise Conflict("该借用已有未结束的调回请求", code="recall_open")
    if loan.status != "in_use":
        raise Conflict(f"借用当前状态为「{LOAN_STATUS[loan.status]}」，只能调回使用中的设备", code="loan_not_in_use")
    if return_by <= clock.now_iso():
        raise Unprocessable("调回的归还时间必须晚于当前时间", code="recall_return_by_past")
    if return_by >= loan.expected_return_at:
        raise Unprocessable("调回的归还时间必须早于当前应还时间（延后请用续借）", code="recall_return_by_late")
    before = {"expected_return_at": loan.expected_return_at, "recall_state": loan.recall_state}
    now = _stamp(loan)
    loan.recall_previous_due = loan.expected_return_at
    loan.recall_state, loan.recall_reason, loan.recalled_at, loan.recalled_by = "requested", reason, now, actor.openid
    loan.recall_return_by = loan.expected_return_at = return_by
    loan.recall_answered_at = loan.recall_answered_by = loan.recall_answer_reason = None
    return _commit(actor, "loan.recall", loan, "in_use", note=reason, before=before, after=_recall_fields(loan))


@_once_more_on_race
def answer(actor: User, loan_id: str, accept: bool, reason: str | None = None,
           return_by: str | None = None) -> Loan:
    """The borrowing department answers the recall: accept (by `return_by`, or an earlier time it names) or
    refuse with a reason (the earlier due time comes back); the managers are notified."""
    loan = get_loan_record(loan_id)
    require_department(actor, loan.department_id)
    state = "accepted" if accept else "refused"
    if loan.recall_state == state and loan.recall_answered_by == actor.openid:
        return loan  # a retry of this answer
    if loan.recall_state != "requested" or loan.status != "in_use":
        raise Conflict("没有待答复的调回请求", code="no_open_recall")
    if not accept and not reason:
        raise Unprocessable("无法归还时请说明理由", code="recall_reason_required")
    due = loan.recall_return_by
    if accept and return_by is not None:
        due = _due(return_by)
        if due <= clock.now_iso() or due > loan.recall_return_by:
            raise Unprocessable("归还时间须晚于当前时间且不晚于调回要求的时间", code="recall_return_by_invalid")
    before = {"expected_return_at": loan.expected_return_at, "recall_state": loan.recall_state,
              "overdue": bool(loan.overdue)}
    now = _stamp(loan)
    loan.recall_state, loan.recall_answered_at, loan.recall_answered_by = state, now, actor.openid
    loan.recall_answer_reason = None if accept else reason
    new_due = due if accept else (loan.recall_previous_due or loan.expected_return_at)
    if new_due != loan.expected_return_at:  # a new due time: a flag about the old one no longer applies
        loan.expected_return_at, loan.overdue, loan.overdue_at = new_due, False, None
    return _commit(actor, "loan.recall_answer", loan, "in_use", note=reason, before=before,
                   after=_recall_fields(loan))


def list_open(user: User, *other_filters: object, limit: int = DEFAULT_LIMIT,
              cursor: str | None = None) -> Page[Loan]:
    """The recalls managers must look at: unanswered for `recall_answer_hours` (oldest first), then refused
    (newest first). Both are key ranges of the sparse `recall_open-recalled_at` index: nothing else is read."""
    if not user.is_manager:
        raise Forbidden("调回列表仅限设备科查看", code="managers_only")
    if any(value is not None for value in other_filters):
        raise BadRequest("调回列表不能与其他筛选条件同用", code="recall_filter_alone")
    waited = clock.to_iso(clock.now() - timedelta(hours=get_settings().recall_answer_hours))

    def unanswered(start: dict | None, wanted: int):
        return Loan.by_recall.query("requested", Loan.recalled_at <= waited, scan_index_forward=True,
                                    limit=wanted, last_evaluated_key=start)

    def refused(start: dict | None, wanted: int):
        return Loan.by_recall.query("refused", scan_index_forward=False, limit=wanted, last_evaluated_key=start)

    keys = ("id", "recall_open", "recalled_at")
    return planned_page([[Source(unanswered, keys)], [Source(refused, keys)]], limit, cursor,
                        scope_of("loans", "recall", "open"))
