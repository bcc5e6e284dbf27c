"""Booking notifications: an outbox event in the transaction of the change (`enqueue`); the notifier fans it
out (services/notify/fanout.py hands booking events to services/bookings/notice_texts.py): the applicant,
the ward or the managers."""
from __future__ import annotations

from typing import Any

from pynamodb.transactions import TransactWrite

from medpool import clock
from medpool.models.notify_event import NotifyEvent
from medpool.services.notify import outbox

FIELDS = ("status", "category_id", "device_id", "department_id", "applicant_openid", "reason", "start_at",
          "end_at", "reject_reason", "loan_id", "conflict", "conflict_note", "move_reason")


def event(name: str, booking: Any, at: str, occurrence: str | None = None) -> NotifyEvent:
    """One event about one booking (once per occurrence: a conflict per cause and time, a preemption per loan)."""
    fields = {name_: getattr(booking, name_) for name_ in FIELDS if getattr(booking, name_, None) is not None}
    return NotifyEvent(outbox.event_id(f"booking#{booking.id}", name, occurrence), event=name, due=occurrence,
                       booking={"id": booking.id, **fields}, at=at, sweep=outbox.PENDING,
                       expires_at=clock.parse_iso(at) + outbox.KEEP)


def enqueue(writer: TransactWrite, name: str, booking: Any, at: str, occurrence: str | None = None) -> None:
    writer.save(event(name, booking, at, occurrence), condition=NotifyEvent.id.does_not_exist())


