"""Loans: apply (idempotent), read with timeline, list by department / queue / device."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from datetime import timedelta

from medpool import clock
from medpool.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable
from medpool.models.category import SCOPE as CATEGORY_SCOPE, Category
from medpool.models.device import Device
from medpool.models.loan import ALL_FACETS, LATE_FACETS, OK_FACETS, OPEN_STATUSES, SCOPE, URGENCY_RANK, Loan, facets
from medpool.models.record import Record
from medpool.models.user import User
from medpool.policy import require_department
from medpool.services import (availability, batch_reads, categories, devices, escalation, idempotency, notifications,
                              waitlist)
from medpool.services.audit import add_record, subject_key
from medpool.services.pages import DEFAULT_LIMIT, Page, Source, planned_page, scope_of
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


def _read_request(loan_id: str, request: LoanRequest) -> tuple[Loan | None, Category | None, Device | None]:
    """In one consistent read: the loan this key may already have created, the category and the device named."""
    wanted = [(Loan, loan_id)] + ([(Category, CATEGORY_SCOPE, request.category_id)] if request.category_id else [])
    found = batch_reads.get_many(*wanted, *([(Device, request.device_id)] if request.device_id else []))
    return (found[0], found[1] if request.category_id else None,
            found[-1] if request.device_id else None)


def create_loan(applicant: User, request: LoanRequest, idempotency_key: str) -> tuple[Loan, bool]:
    """Apply for a device of a category, or a specific device. Returns (loan, created). The category's rate and
    maximum loan length are fixed on the loan now (docs/data-and-loans.md, "Billing clock"). A request the
    category cannot serve now (nothing it may take, or requests ahead take it) is accepted onto the waiting list
    (`queued_at`: it waited)."""
    if not idempotency_key:
        raise BadRequest("缺少 Idempotency-Key 请求头", code="missing_idempotency_key")
    loan_id, fingerprint = idempotency.derived_id("L", applicant.openid, idempotency_key), _fingerprint(request)
    stored, category, requested_device = _read_request(loan_id, request)
    existing = idempotency.replay(lambda: stored, fingerprint, REUSED)
    if existing is not None:
        return existing, False
    category_id = request.category_id
    if request.device_id:
        if requested_device is None:
            raise devices.unknown_device(request.device_id)
        if category_id and category_id != requested_device.category_id:
            raise Unprocessable("设备与申请的类别不一致", code="wrong_category")
        category_id = requested_device.category_id
        devices.require_available_in(requested_device, category_id)
    if not category_id:
        raise Unprocessable("请选择设备类别或具体设备", code="category_or_device_required")
    if category is None:  # named by the device alone (one more read), or missing (422)
        category = categories.require_existing(category_id)
    escalation.require_not_blocked(applicant.department_id, request.urgency)  # off by default; on: one Query
    now = clock.now_iso()
    queue_key = f"{URGENCY_RANK[request.urgency]}#{now}#{loan_id}"
    place = waitlist.place_of_new(category, request.urgency)
    loan = Loan(loan_id, status="pending", department_id=applicant.department_id, applicant_openid=applicant.openid,
                category_id=category_id, requested_device_id=request.device_id, urgency=request.urgency,
                queue_key=queue_key, queued_at=now if place.waiting else None, reason=request.reason,
                expected_return_at=_check_due(request.expected_return_at, category.max_loan_hours),
                rate_fen=category.rate_fen, rate_unit=category.rate_unit, max_loan_hours=category.max_loan_hours,
                idempotency_key=idempotency_key, request_fingerprint=fingerprint, requested_at=now)

    loan.place = place

    def write() -> Loan:
        with transaction(Conflict("借用申请已存在", code="loan_exists")) as writer:
            add_record(writer, kind="loan", subject_id=loan_id, actor=applicant.openid, action="loan.create",
                       after={**snapshot(loan), "reason": loan.reason}, at=now, head=loan)
            writer.save(loan, condition=Loan.id.does_not_exist())
            availability.move(writer, category_id, None, None, queue=1, urgency=request.urgency)  # queue counts
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


def require_found(loan: Loan | None) -> Loan:
    if loan is None:
        raise NotFound("借用记录不存在", code="loan_not_found")
    return loan


def get_loan_record(loan_id: str) -> Loan:
    return require_found(find_loan(loan_id))


def get_loan(user: User, loan_id: str) -> Loan:
    """A loan the user may see: their department's, or any for managers."""
    loan = get_loan_record(loan_id)
    require_department(user, loan.department_id)
    return loan


def timeline(loan_id: str) -> list[Record]:
    return list(Record.query(subject_key("loan", loan_id)))


def _on(index: Any, hash_name: str, value: str, range_name: str = "requested_at", *, newest_first: bool = True,
        key: Any = None, where: Any = None) -> Source:
    """A Query of one index partition: `key` a condition on its sort key, `where` a filter (bounded sets only)."""
    def read(start: dict | None, wanted: int) -> Any:
        return index.query(value, key, filter_condition=where, scan_index_forward=not newest_first, limit=wanted,
                           last_evaluated_key=start)
    return Source(read, ("id", hash_name, range_name))


def _facet(department_id: str | None, device_id: str | None, name: str, where: Any = None) -> Source:
    """The loans of one status facet, newest first: of the hospital, a department, a device, or both."""
    if department_id and device_id:
        return _on(Loan.by_department_device_status, "department_device_status",
                   f"{department_id}#{device_id}#{name}", where=where)
    if device_id:
        return _on(Loan.by_device_status, "device_status", f"{device_id}#{name}", where=where)
    if department_id:
        return _on(Loan.by_department_status, "department_status", f"{department_id}#{name}", where=where)
    return _on(Loan.by_status_key, "status_key", name, where=where)


def _in_use(department_id: str | None, device_id: str | None, overdue: bool, now: str) -> Source:
    """In-use loans past due (overdue) or not yet due. For the hospital and a department keyed on the due time
    (longest overdue first); a device is on at most one open loan, so its in-use facet is read and filtered."""
    due = (Loan.expected_return_at < now) if overdue else (Loan.expected_return_at >= now)
    if device_id:
        return _facet(department_id, device_id, "in_use", where=due)
    if department_id:
        return _on(Loan.by_department_due, "department_in_use", department_id, "expected_return_at",
                   newest_first=False, key=due)
    return _on(Loan.by_due, "status", "in_use", "expected_return_at", newest_first=False, key=due)


def _plan(status: str | None, overdue: bool | None, department_id: str | None, device_id: str | None,
          now: str) -> list[list[Source]]:
    """The Queries answering a filter combination (docs/data-and-loans.md, "Lists"): groups read in turn, the
    sources of a group merged newest first. The one filter is a device's in-use facet by due time (a device is
    on at most one open loan)."""
    scope = (department_id, device_id)
    if status is None and overdue is None:
        if department_id and device_id:
            return [[_facet(*scope, name) for name in ALL_FACETS]]
        if department_id:
            return [[_on(Loan.by_department, "department_id", department_id)]]
        if device_id:
            return [[_on(Loan.by_device, "device_id", device_id)]]
        return [[_on(Loan.by_scope, "scope", SCOPE)]]
    if status == "in_use" and overdue is not None:
        return [[_in_use(*scope, overdue, now)]]
    if status is not None:
        names = facets(status, overdue)
        if not names:
            return []  # e.g. overdue pending loans: there are none
        if status in OPEN_STATUSES and not (department_id or device_id) and names == facets(status):
            return [[_on(Loan.by_queue, "status", status, "queue_key", newest_first=False)]]
        return [[_facet(*scope, name) for name in names]]
    if overdue:
        # the chasing list: devices still out past due (longest overdue first), then late returns newest first;
        # of a department or a device also its loans returned late
        late = LATE_FACETS if department_id or device_id else ("return_requested#late",)
        return [[_in_use(*scope, True, now)], [_facet(*scope, name) for name in late]]
    # not overdue: devices out and not yet due (soonest due first), then every other loan on time, newest first
    return [[_in_use(*scope, False, now)], [_facet(*scope, name) for name in OK_FACETS]]


def list_loans(user: User, status: str | None, overdue: bool | None, department_id: str | None,
               device_id: str | None, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> Page[Loan]:
    """Applicants: their department's loans, newest first. Managers: a department's or a device's loans (newest
    first); an open status in queue order (most urgent, then oldest); a closed status or everything, newest first.
    With `overdue`, the in-use loans come first by due time, then the others newest first. Every list is read by
    key (_plan)."""
    if not user.is_manager:
        if department_id and department_id != user.department_id:
            raise Forbidden("只能查看本科室的借用记录", code="other_department")
        department_id = user.department_id
    scope = scope_of("loans", user.is_manager, status, overdue, department_id, device_id)
    return planned_page(_plan(status, overdue, department_id, device_id, clock.now_iso()), limit, cursor, scope)
