"""Fan-out of one outbox event (by the stream worker, or the scheduled sweep): resolve its recipients,
render its texts and write one Notification per recipient (the in-app list and the push queue).

Everything is idempotent on redelivery: notification ids are derived from (loan, event[, due time],
recipient) and put only if absent; what exists already is read back as stored, so delivery sees its
real state (a notification sent once is never sent again)."""
from __future__ import annotations

import hashlib

from pynamodb.exceptions import PutError, UpdateError

from medpool import clock
from medpool.config import get_settings
from medpool.models.category import SCOPE as CATEGORIES, Category
from medpool.models.department import SCOPE as DEPARTMENTS, Department
from medpool.models.loan import Loan
from medpool.models.notification import Notification
from medpool.models.notify_event import NotifyEvent
from medpool.models.user import MANAGER_ROLE_KEY, User
from medpool.services.notify import freed, keep
from medpool.services.notify.outbox import FREED, loan_of
from medpool.services.notify.texts import DEVICE_EVENTS, EVENTS, content, device_content
from medpool.services.transactions import is_condition_failure

MAX_RECIPIENTS = 80
LOAN_EVENT_RECIPIENTS = ("loan_approved", "loan_rejected", "loan_handed_over", "loan_returned")


def notification_id(loan_id: str, event: str, openid: str, due: str | None = None) -> str:
    """Deterministic: the same event about the same loan reaches each recipient once; for the due-time
    events once per due time, so a loan extended (续借) is reminded and chased again."""
    occurrence = f"{event}@{due}" if due else event
    return "N" + hashlib.sha256(f"{loan_id}#{occurrence}#{openid}".encode()).hexdigest()[:31].upper()


def managers() -> list[str]:
    """Active managers and admins: the sparse role index holds exactly them (User.serialize keeps it)."""
    return [u.openid for u in User.by_notify_role.query(MANAGER_ROLE_KEY)]


def department_users(department_id: str) -> list[str]:
    condition = (User.status == "active") & User.deleted_at.does_not_exist()
    return [u.openid for u in User.by_department.query(department_id, filter_condition=condition)]


def recipients_of(event: str, loan: Loan) -> list[str]:
    if event in LOAN_EVENT_RECIPIENTS:
        return [loan.applicant_openid]
    if event in ("new_request", "recall_answered"):
        return managers()[:MAX_RECIPIENTS]
    people = department_users(loan.department_id)  # loan_due_soon, loan_overdue, loan_recalled: the ward
    if event == "loan_recalled":
        people.append(loan.applicant_openid)
    if event == "loan_overdue":
        people += managers()
    return list(dict.fromkeys(people))[:MAX_RECIPIENTS]


def _name(model, scope: str, key: str) -> str:
    """A category's or department's display name (its code if it is gone)."""
    try:
        return model.get(scope, key).name
    except model.DoesNotExist:
        return key


def _prepare_device(item: NotifyEvent, recipients: list[str] | None) -> list[Notification]:
    """A device event: to the active managers, opening the device's page."""
    device = dict(item.device or {})
    recipients = managers()[:MAX_RECIPIENTS] if recipients is None else recipients
    template = DEVICE_EVENTS[item.event][0]
    title, text, data = device_content(item.event, device, _name(Category, CATEGORIES, device["category_id"]),
                                       clock.business_day(clock.now()))
    pushed = get_settings().template_id(template) is not None
    notices = []
    for openid in recipients:
        nid = notification_id(f"device#{device['id']}", item.event, openid, item.due)
        notices.append(Notification(
            nid, openid=openid, created_key=f"{item.at}#{nid}", event=item.event, loan_id=None, title=title,
            body=text, page=f"pages/device-detail/index?id={device['id']}", template=template, data=data,
            state="pending" if pushed else "in_app", attempts=0, created_at=item.at,
            queue="pending" if pushed else None, queue_at=item.at if pushed else None,
            expires_at=None if pushed else keep.delivered_until(item.at)))
    return notices


def prepare(item: NotifyEvent, recipients: list[str] | None = None) -> list[Notification]:
    """The notifications of one event (not yet written). A freed device is first resolved to the request
    heading its category's queue (services/notify/freed.py: which may reserve it for an emergency)."""
    if item.booking is not None:  # a booking (预约) event: its own recipients and texts
        from medpool.services.bookings import notice_texts as booking_notices

        return booking_notices.prepare(item, recipients)
    if item.event in DEVICE_EVENTS:
        return _prepare_device(item, recipients)
    if item.event == FREED:
        resolved = freed.resolve(item)
        if resolved is None:
            return []
        event, loan, occurrence = resolved
        return _prepare_loan(item, event, loan, managers()[:MAX_RECIPIENTS] if recipients is None else recipients,
                             occurrence=occurrence)
    loan = loan_of(item)
    return _prepare_loan(item, item.event, loan, recipients_of(item.event, loan) if recipients is None else recipients,
                         occurrence=item.due)


def _prepare_loan(item: NotifyEvent, event: str, loan: Loan, recipients: list[str],
                  occurrence: str | None) -> list[Notification]:
    if not recipients:
        return []
    template = EVENTS[event][0]
    department = (loan.department_id if template == "loan_result"
                  else _name(Department, DEPARTMENTS, loan.department_id))
    title, text, data = content(event, loan, _name(Category, CATEGORIES, loan.category_id), department, item.at)
    pushed = get_settings().template_id(template) is not None
    notices = []
    for openid in recipients:
        nid = notification_id(loan.id, event, openid, occurrence)
        notices.append(Notification(
            nid, openid=openid, created_key=f"{item.at}#{nid}", event=event, loan_id=loan.id, title=title,
            body=text, page=f"pages/loan-detail/index?id={loan.id}", template=template, data=data,
            state="pending" if pushed else "in_app", attempts=0, created_at=item.at,
            queue="pending" if pushed else None, queue_at=item.at if pushed else None,
            expires_at=None if pushed else keep.delivered_until(item.at)))
    return notices


def _stored(notices: list[Notification]) -> dict[str, Notification]:
    return {n.id: n for n in Notification.batch_get([n.id for n in notices], consistent_read=True)}


def write(notices: list[Notification]) -> list[Notification]:
    """Put the notifications that do not exist yet; return every one as stored."""
    if not notices:
        return []
    stored = _stored(notices)
    lost = []
    for notice in notices:
        if notice.id in stored:
            continue
        try:
            notice.save(condition=Notification.id.does_not_exist())
            stored[notice.id] = notice
        except PutError as error:
            if not is_condition_failure(error):
                raise
            lost.append(notice)  # another worker wrote it meanwhile: read it back as stored
    if lost:
        stored.update(_stored(lost))
    return [stored[n.id] for n in notices if n.id in stored]


def mark_fanned_out(item: NotifyEvent) -> None:
    """The event leaves the sweep index (its notifications exist)."""
    try:
        item.update(actions=[NotifyEvent.sweep.remove(), NotifyEvent.fanned_out_at.set(clock.now_iso())],
                    condition=NotifyEvent.id.exists())
    except UpdateError as error:
        if not is_condition_failure(error):
            raise  # gone (expired): nothing to mark


def fan_out(item: NotifyEvent) -> list[Notification]:
    """Write the event's notifications (idempotent) and mark it fanned out; returns them as stored."""
    notices = write(prepare(item))
    mark_fanned_out(item)
    return notices
