"""Notifications: one item per event and recipient, written in the same transaction as the change it
reports (a durable outbox), kept in the app, and pushed as WeChat subscribe messages by `deliver`
(inline right after the change, and by the scheduled run for whatever is still pending).

Delivery claims an item (conditional update of its queue time: a lease), sends it, and records the
outcome: sent, not_subscribed (43101, final), retried with backoff, or failed after N tries (shown to
managers). Two dispatchers never send the same item twice; a crash mid-send may repeat one push."""
from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Iterable

from pynamodb.exceptions import UpdateError
from pynamodb.transactions import TransactWrite

from medpool import clock
from medpool.config import get_settings
from medpool.errors import Conflict, MedpoolError, NotFound
from medpool.models.loan import Loan
from medpool.models.notification import Notification
from medpool.models.user import User
from medpool.services import categories, departments
from medpool.services.audit import add_record
from medpool.services.notification_texts import EVENTS, content
from medpool.services.transactions import is_condition_failure, transaction

if TYPE_CHECKING:  # the WeChat client is loaded by the code that sends, not by every function importing this
    from medpool.services.wechat_tokens import SharedToken

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)  # a claimed item is invisible to other dispatchers this long
BACKOFF_MINUTES = (1, 5, 15, 60, 180)
FINAL_ERRCODES = {47003: "内容不符合模板要求", 40003: "openid 无效", 40037: "模板 ID 无效", 43101: "用户未订阅"}
MAX_RECIPIENTS = 80  # a TransactWrite holds at most 100 items
MAX_TRANSPORT_FAILURES = 3  # WeChat unreachable this many times in a row: stop the batch
LOAN_EVENT_RECIPIENTS = ("loan_approved", "loan_rejected", "loan_handed_over", "loan_returned")
DUE_EVENTS = ("loan_due_soon", "loan_overdue")  # about one due time of the loan, not the loan as a whole


@dataclass
class DeliveryStats:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    not_subscribed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def notification_id(loan_id: str, event: str, openid: str, due: str | None = None) -> str:
    """Deterministic: the same event about the same loan reaches each recipient once; for the due-time
    events (`DUE_EVENTS`) once per due time, so a loan extended (续借) is reminded and chased again."""
    occurrence = f"{event}@{due}" if due else event
    return "N" + hashlib.sha256(f"{loan_id}#{occurrence}#{openid}".encode()).hexdigest()[:31].upper()


def department_users(department_id: str) -> list[str]:
    condition = (User.status == "active") & User.deleted_at.does_not_exist()
    return [u.openid for u in User.by_department.query(department_id, filter_condition=condition)]


def managers() -> list[str]:
    condition = User.role.is_in("manager", "admin") & User.deleted_at.does_not_exist()
    return [u.openid for u in User.by_status.query("active", filter_condition=condition)]


def recipients_of(event: str, loan: Loan, manager_ids: list[str] | None = None) -> list[str]:
    if event in LOAN_EVENT_RECIPIENTS:
        return [loan.applicant_openid]
    if event == "new_request":
        return manager_ids if manager_ids is not None else managers()
    people = department_users(loan.department_id)
    if event == "loan_overdue":
        people += manager_ids if manager_ids is not None else managers()
    return list(dict.fromkeys(people))[:MAX_RECIPIENTS]


def _name(lookup, key: str) -> str:
    try:
        return lookup(key).name
    except MedpoolError:
        return key


def prepare(event: str, loan: Loan, recipients: Iterable[str] | None = None, at: str | None = None) -> list[Notification]:
    """The notifications of one event about one loan (not yet written)."""
    at = at or clock.now_iso()
    recipients = list(recipients if recipients is not None else recipients_of(event, loan))[:MAX_RECIPIENTS]
    if not recipients:
        return []
    template = EVENTS[event][0]
    department = (loan.department_id if template == "loan_result"
                  else _name(departments.get_department, loan.department_id))
    title, text, data = content(event, loan, _name(categories.get_category, loan.category_id), department, at)
    pushed = get_settings().template_id(template) is not None
    due = loan.expected_return_at if event in DUE_EVENTS else None
    notices = []
    for openid in recipients:
        nid = notification_id(loan.id, event, openid, due)
        notices.append(Notification(
            nid, openid=openid, created_key=f"{at}#{nid}", event=event, loan_id=loan.id, title=title, body=text,
            page=f"pages/loan-detail/index?id={loan.id}", template=template, data=data,
            state="pending" if pushed else "in_app", attempts=0, created_at=at,
            queue="pending" if pushed else None, queue_at=at if pushed else None))
    return notices


def add_all(writer: TransactWrite, notices: list[Notification]) -> None:
    """Put notifications into the transaction of the change they report (each at most once)."""
    for notice in notices:
        writer.save(notice, condition=Notification.id.does_not_exist())


def enqueue(writer: TransactWrite, event: str, loan: Loan) -> list[Notification]:
    """Prepare the event's notifications and add them to `writer`; deliver them after the commit."""
    notices = prepare(event, loan, at=loan.updated_at or loan.requested_at)
    add_all(writer, notices)
    return notices


def deliver_inline(notices: list[Notification]) -> None:
    """Best effort right after a change: whatever fails stays pending for the scheduled run."""
    if not notices or not get_settings().notify_inline:
        return
    from medpool.services.wechat_tokens import SharedToken

    try:
        deliver(notices, tokens=SharedToken())
    except Exception:  # noqa: BLE001 - the change is committed; the outbox keeps the rest
        log.exception("inline notification delivery failed; left pending")


def _claim(notice: Notification, now: str) -> str | None:
    lease = clock.to_iso(clock.parse_iso(now) + LEASE)
    try:
        notice.update(actions=[Notification.queue_at.set(lease), Notification.attempts.add(1)],
                      condition=(Notification.queue == "pending") & (Notification.queue_at == notice.queue_at))
    except UpdateError as error:
        if is_condition_failure(error):
            return None
        raise
    return lease


def _finish(notice: Notification, lease: str, state: str, error: str | None = None,
            queue: str | None = None, queue_at: str | None = None) -> None:
    actions = [Notification.state.set(state)]
    if state == "sent":
        actions.append(Notification.sent_at.set(clock.now_iso()))
    if error:
        actions.append(Notification.last_error.set(error[:300]))
    actions += ([Notification.queue.set(queue), Notification.queue_at.set(queue_at)] if queue
                else [Notification.queue.remove(), Notification.queue_at.remove()])
    try:
        notice.update(actions=actions, condition=Notification.queue_at == lease)
    except UpdateError as failure:
        if not is_condition_failure(failure):
            raise
        log.warning("notification %s: lease lost before recording %s", notice.id, state)


def _retry_or_fail(notice: Notification, lease: str, error: str, stats: DeliveryStats) -> None:
    now = clock.now()
    if notice.attempts >= get_settings().notify_max_attempts:
        _finish(notice, lease, "failed", error, queue="failed", queue_at=clock.to_iso(now))
        stats.failed += 1
    else:
        minutes = BACKOFF_MINUTES[min(notice.attempts, len(BACKOFF_MINUTES)) - 1]
        _finish(notice, lease, "pending", error, queue="pending", queue_at=clock.to_iso(now + timedelta(minutes=minutes)))
        stats.retrying += 1


def _send_one(notice: Notification, tokens: SharedToken, stats: DeliveryStats) -> bool:
    """Claim, send and record one notification; False when WeChat could not be reached."""
    from medpool.wechat.client import NOT_SUBSCRIBED, get_wechat_client

    settings = get_settings()
    template_id = settings.template_id(notice.template)
    lease = _claim(notice, clock.now_iso())
    if lease is None:
        stats.skipped += 1  # another dispatcher has it, or it is done
        return True
    if template_id is None:
        _finish(notice, lease, "in_app")
        return True
    try:
        result = get_wechat_client().send_subscribe_message(tokens, notice.openid, template_id, notice.data,
                                                            notice.page, settings.miniprogram_state)
    except MedpoolError as error:
        _retry_or_fail(notice, lease, f"{error.code}: {error.message}", stats)
        stats.errors.append(error.code)
        return False
    if result.errcode == 0:
        _finish(notice, lease, "sent")
        stats.sent += 1
    elif result.errcode == NOT_SUBSCRIBED:
        _finish(notice, lease, "not_subscribed", f"{result.errcode}: {result.errmsg}")
        stats.not_subscribed += 1
    elif result.errcode in FINAL_ERRCODES:
        log.error("notification %s refused by WeChat: %s %s", notice.id, result.errcode, result.errmsg)
        _finish(notice, lease, "failed", f"{result.errcode}: {FINAL_ERRCODES[result.errcode]} ({result.errmsg})",
                queue="failed", queue_at=clock.now_iso())
        stats.failed += 1
    else:
        _retry_or_fail(notice, lease, f"{result.errcode}: {result.errmsg}", stats)
    return True


def deliver(notices: Iterable[Notification], tokens: SharedToken | None = None,
            deadline: float | None = None) -> DeliveryStats:
    """Send the given pending notifications (one shared access token, refreshed at most once)."""
    from medpool.services.wechat_tokens import SharedToken

    tokens, stats, failures = tokens or SharedToken(), DeliveryStats(), 0
    for notice in notices:
        if deadline is not None and time.monotonic() > deadline:
            break
        if notice.queue != "pending":
            continue
        failures = 0 if _send_one(notice, tokens, stats) else failures + 1
        if failures >= MAX_TRANSPORT_FAILURES:
            log.warning("WeChat unreachable: the rest of the outbox waits for the next run")
            break
    return stats


def deliver_pending(limit: int = 500, budget_seconds: float = 240) -> DeliveryStats:
    """The scheduled run: send what is due in the outbox (reads grow with the backlog, not history)."""
    due = Notification.by_queue.query("pending", Notification.queue_at <= clock.now_iso(), limit=limit)
    return deliver(due, deadline=time.monotonic() + budget_seconds)


def retry(actor: User, notification_id_: str) -> Notification:
    """A manager sends a failed notification again (after fixing the cause); repeating it is harmless."""
    try:
        notice = Notification.get(notification_id_, consistent_read=True)
    except Notification.DoesNotExist as error:
        raise NotFound("通知不存在", code="notification_not_found") from error
    if notice.queue == "pending":
        return notice
    if notice.state != "failed":
        raise Conflict(f"通知当前状态为 {notice.state}，不能重发", code="notification_not_failed")
    now = clock.now_iso()
    notice.state, notice.queue, notice.queue_at, notice.attempts = "pending", "pending", now, 0
    with transaction(Conflict("通知已被他人处理，请刷新", code="state_changed")) as writer:
        writer.save(notice, condition=(Notification.state == "failed") & (Notification.queue == "failed"))
        add_record(writer, kind="notification", subject_id=notice.id, actor=actor.openid,
                   action="notification.retry", before={"state": "failed", "last_error": notice.last_error},
                   after={"state": "pending"}, at=now)
    deliver_inline([notice])
    return notice
