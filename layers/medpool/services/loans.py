"""Loans: apply (idempotent), read with timeline, list by department / queue / device."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from datetime import timedelta

from medpool import clock
from medpool.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable
from medpool.models.loan import OPEN_STATUSES, SCOPE, URGENCY_RANK, Loan
from medpool.models.record import Record
from medpool.models.user import User
from medpool.policy import require_department
from medpool.services import categories, devices, escalation, idempotency, notifications
from medpool.services.audit import add_record, subject_key
from medpool.services.pages import DEFAULT_LIMIT, Page, all_of, chained_page, decode_cursor, page_of, scope_of
from medpool.services.transactions import transaction

REUSED = Unprocessable("Idempotency-Key 已用于另一个申请", code="idempotency_key_reused")
LOAN_FIELDS = ("status", "department_id", "category_id", "device_id", "urgency", "expected_return_at")


@dataclass(frozen=True)
class LoanRequest:
    category_id: str | None
    device_id: str | None
    urgency: str
    reason: str
    expected_return_at: str


def snapshot(loan: Loan) -> dict:
    return {field: getattr(loan, field) for field in LOAN_FIELDS}


def is_overdue(loan: Loan) -> bool:
    """The one overdue rule: the device is still at the ward past its due time, or the ward gave it back
    (asked to return it, or it was taken back) late. The flag is set by the overdue check and by those
    transitions; a ward that asked to return on time is not overdue while it waits for collection."""
    return bool(loan.overdue) or (loan.status == "in_use" and loan.expected_return_at < clock.now_iso())


def _fingerprint(request: LoanRequest) -> str:
    return hashlib.sha256(json.dumps(request.__dict__, sort_keys=True).encode()).hexdigest()


def _check_due(expected_return_at: str, max_loan_hours: int) -> str:
    due = clock.parse_iso(expected_return_at)
    now = clock.now()
    if due <= now:
        raise Unprocessable("预计归还时间必须晚于当前时间", code="expected_return_in_past")
    if due > now + timedelta(hours=int(max_loan_hours)):
        raise Unprocessable(f"借用时长超过该类设备上限（{max_loan_hours} 小时）", code="expected_return_too_late")
    return clock.to_iso(due)


def create_loan(applicant: User, request: LoanRequest, idempotency_key: str) -> tuple[Loan, bool]:
    """Apply for a device of a category, or a specific device. Returns (loan, created)."""
    if not idempotency_key:
        raise BadRequest("缺少 Idempotency-Key 请求头", code="missing_idempotency_key")
    loan_id, fingerprint = idempotency.derived_id("L", applicant.openid, idempotency_key), _fingerprint(request)
    existing = idempotency.replay(lambda: find_loan(loan_id), fingerprint, REUSED)
    if existing is not None:
        return existing, False
    category_id, requested_device = request.category_id, None
    if request.device_id:
        requested_device = devices.get_device_for_request(request.device_id)
        if category_id and category_id != requested_device.category_id:
            raise Unprocessable("设备与申请的类别不一致", code="wrong_category")
        category_id = requested_device.category_id
        devices.require_available_in(requested_device, category_id)
    if not category_id:
        raise Unprocessable("请选择设备类别或具体设备", code="category_or_device_required")
    category = categories.require_existing(category_id)
    escalation.require_not_blocked(applicant.department_id, request.urgency)
    now = clock.now_iso()
    loan = Loan(loan_id, status="pending", department_id=applicant.department_id, applicant_openid=applicant.openid,
                category_id=category_id, requested_device_id=request.device_id, urgency=request.urgency,
                queue_key=f"{URGENCY_RANK[request.urgency]}#{now}#{loan_id}", reason=request.reason,
                expected_return_at=_check_due(request.expected_return_at, category.max_loan_hours),
                idempotency_key=idempotency_key, request_fingerprint=fingerprint, requested_at=now)

    def write() -> Loan:
        with transaction(Conflict("借用申请已存在", code="loan_exists")) as writer:
            writer.save(loan, condition=Loan.id.does_not_exist())
            add_record(writer, kind="loan", subject_id=loan_id, actor=applicant.openid, action="loan.create",
                       after={**snapshot(loan), "reason": loan.reason}, at=now)
            # urgent and emergency requests reach the managers at once (an outbox event: the notifier finds them)
            if request.urgency != "routine":
                notifications.enqueue(writer, "new_request", loan)
        return loan

    return idempotency.create_or_replay(write, lambda: find_loan(loan_id), fingerprint, REUSED)


def find_loan(loan_id: str) -> Loan | None:
    try:
        return Loan.get(loan_id, consistent_read=True)
    except Loan.DoesNotExist:
        return None


def get_loan_record(loan_id: str) -> Loan:
    loan = find_loan(loan_id)
    if loan is None:
        raise NotFound("借用记录不存在", code="loan_not_found")
    return loan


def get_loan(user: User, loan_id: str) -> Loan:
    """A loan the user may see: their department's, or any for managers."""
    loan = get_loan_record(loan_id)
    require_department(user, loan.department_id)
    return loan


def timeline(loan_id: str) -> list[Record]:
    return list(Record.query(subject_key("loan", loan_id)))


def _late(now: str, status: str | None = None) -> Any:
    """is_overdue() as a filter; when the query's key fixes the status, the status cannot be filtered on."""
    if status is None:
        return (Loan.overdue == True) | ((Loan.status == "in_use") & (Loan.expected_return_at < now))  # noqa: E712
    if status == "in_use":
        return (Loan.overdue == True) | (Loan.expected_return_at < now)  # noqa: E712
    return Loan.overdue == True  # noqa: E712


def _overdue_filter(overdue: bool | None, now: str, status: str | None = None) -> Any:
    if overdue is None:
        return None
    late = _late(now, status)
    return late if overdue else ~late


def list_loans(user: User, status: str | None, overdue: bool | None, department_id: str | None,
               device_id: str | None, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> Page[Loan]:
    """Applicants: their department's loans, newest first. Managers: a department's or a device's loans (newest
    first); an open status in queue order (most urgent, then oldest); a closed status or everything, newest first;
    overdue ones: devices still out past due, then returns requested late."""
    if not user.is_manager:
        if department_id and department_id != user.department_id:
            raise Forbidden("只能查看本科室的借用记录", code="other_department")
        department_id = user.department_id
    scope = scope_of("loans", user.is_manager, status, overdue, department_id, device_id)
    now = clock.now_iso()
    by_status = (Loan.status == status) if status else None
    if overdue and not (status or department_id or device_id):
        return chained_page([
            lambda key, wanted: Loan.by_due.query("in_use", Loan.expected_return_at < now, limit=wanted,
                                                  last_evaluated_key=key),
            lambda key, wanted: Loan.by_queue.query("return_requested", filter_condition=_late(now, "return_requested"),
                                                    limit=wanted, last_evaluated_key=key),
        ], limit, cursor, scope)
    start = decode_cursor(cursor, scope)
    newest_first = {"scan_index_forward": False, "limit": limit, "last_evaluated_key": start}
    if department_id:
        results = Loan.by_department.query(department_id, filter_condition=all_of(
            by_status, (Loan.device_id == device_id) if device_id else None, _overdue_filter(overdue, now)),
            **newest_first)
    elif device_id:
        results = Loan.by_device.query(device_id, filter_condition=all_of(by_status, _overdue_filter(overdue, now)),
                                       **newest_first)
    elif status in OPEN_STATUSES:
        results = Loan.by_queue.query(status, filter_condition=_overdue_filter(overdue, now, status), limit=limit,
                                      last_evaluated_key=start)
    else:
        results = Loan.by_scope.query(SCOPE, filter_condition=all_of(by_status, _overdue_filter(overdue, now)),
                                      **newest_first)
    return page_of(results, scope)
