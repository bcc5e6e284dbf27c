"""The outbox: one event item per (loan, event[, due time]) in the transaction of the change it reports.
Its id is derived from what it is about, and it is put only if it does not exist, so a retried request,
a repeated overdue run or a second writer cannot write it twice (the transaction fails instead)."""
from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Any

from pynamodb.transactions import TransactWrite

from medpool import clock
from medpool.models.loan import Loan
from medpool.models.notify_event import RESEND, NotifyEvent

DUE_EVENTS = ("loan_due_soon", "loan_overdue")  # about one due time of the loan, not the loan as a whole
RECALL_EVENTS = ("loan_recalled", "recall_answered")  # about one recall of the loan (keyed by its time)
KEEP = timedelta(days=35)  # then DynamoDB's TTL deletes the event (its notifications stay)
PENDING = "pending"
FREED = "device_freed"
# what the texts and the recipients need of the loan, as committed
LOAN_FIELDS = ("status", "department_id", "applicant_openid", "category_id", "device_id", "urgency", "reason",
               "reject_reason", "expected_return_at", "requested_at", "condition", "charge_fen", "recall_state",
               "recall_reason", "recall_return_by", "recalled_at", "recall_answer_reason")


def event_id(loan_id: str, event: str, due: str | None = None) -> str:
    occurrence = f"{event}@{due}" if due else event
    return "E" + hashlib.sha256(f"{loan_id}#{occurrence}".encode()).hexdigest()[:31].upper()


def _expiry(at: str):
    return clock.parse_iso(at) + KEEP


def event_of(event: str, loan: Loan, at: str | None = None) -> NotifyEvent:
    at = at or loan.updated_at or loan.requested_at
    due = loan.expected_return_at if event in DUE_EVENTS else loan.recalled_at if event in RECALL_EVENTS else None
    fields = {name: getattr(loan, name) for name in LOAN_FIELDS if getattr(loan, name, None) is not None}
    return NotifyEvent(event_id(loan.id, event, due), event=event, loan_id=loan.id, due=due,
                       loan={"id": loan.id, **fields}, at=at, sweep=PENDING, expires_at=_expiry(at))


def add(writer: TransactWrite, item: NotifyEvent) -> NotifyEvent:
    writer.save(item, condition=NotifyEvent.id.does_not_exist())
    return item


def enqueue(writer: TransactWrite, event: str, loan: Loan, at: str | None = None) -> NotifyEvent:
    """Put the event into the transaction of the change it reports (delivered by the stream worker)."""
    return add(writer, event_of(event, loan, at))


def device_event(kind: str, device: Any, due: str, at: str) -> NotifyEvent:
    """A device's maintenance or calibration falling due (to managers): once per (device, kind, due date)."""
    event = f"device_{kind}_due"
    fields = {"id": device.id, "name": device.name, "category_id": device.category_id, "kind": kind, "due": due}
    return NotifyEvent(event_id(f"device#{device.id}", event, due), event=event, due=due, device=fields, at=at,
                       sweep=PENDING, expires_at=_expiry(at))


def device_freed(device: Any, at: str) -> NotifyEvent:
    """A device became available (disinfected, repaired, released, registered): the notifier tells the managers
    who heads its category's waiting list, or reserves it for an emergency there (services/notify/freed.py).
    Its id is unique to the transaction, never derived from a time another availability could share (a
    colliding id would fail the change it reports); the notices are keyed by the availability it finds."""
    fields = {"id": device.id, "category_id": device.category_id}
    return NotifyEvent(event_id(f"device#{device.id}", FREED, uuid.uuid4().hex), event=FREED, due=at,
                       device=fields, at=at, sweep=PENDING, expires_at=_expiry(at))


def resend_event(notification_id: str, at: str) -> NotifyEvent:
    """A manager's resend of a failed notification: the stream worker pushes it again."""
    rid = "R" + hashlib.sha256(f"{notification_id}#{at}".encode()).hexdigest()[:31].upper()
    return NotifyEvent(rid, event=RESEND, notification_id=notification_id, at=at, sweep=PENDING,
                       expires_at=_expiry(at))


def exists(item_id: str) -> bool:
    try:
        NotifyEvent.get(item_id, consistent_read=True)
    except NotifyEvent.DoesNotExist:
        return False
    return True


def loan_of(item: NotifyEvent) -> Loan:
    """The loan as the change committed it (only the fields the texts and recipients read)."""
    fields = dict(item.loan or {})
    return Loan(fields.pop("id", item.loan_id), **fields)
