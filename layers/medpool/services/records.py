"""The audit trail feed for managers: by subject, by actor, or by (Beijing) day; newest first. Every filter is
a key: the subject (table key), the actor (actor index), both (subject_actor index), the day (day index, or a
range of record_key, which starts with the record's UTC time, within a subject or an actor)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from medpool import clock
from medpool.models.record import Record, subject_actor_of
from medpool.services.pages import DEFAULT_LIMIT, Page, decode_cursor, page_of, scope_of


def day_range(day: str) -> Any:
    """record_key within a Beijing calendar day: from its 00:00 (UTC) to the next day's 00:00, excluded
    ("<next day 00:00>#..." sorts after "<next day 00:00>")."""
    first = date.fromisoformat(day)
    return Record.record_key.between(clock.to_iso(clock.day_start(first)),
                                     clock.to_iso(clock.day_start(first + timedelta(days=1))))


def list_records(subject: str | None, actor: str | None, day: str | None, limit: int = DEFAULT_LIMIT,
                 cursor: str | None = None) -> Page[Record]:
    scope = scope_of("records", subject, actor, day)
    newest_first = {"scan_index_forward": False, "limit": limit, "last_evaluated_key": decode_cursor(cursor, scope)}
    during = day_range(day) if day else None
    if subject and actor:
        query = Record.by_subject_actor.query(subject_actor_of(subject, actor), during, **newest_first)
    elif subject:
        query = Record.query(subject, during, **newest_first)
    elif actor:
        query = Record.by_actor.query(actor, during, **newest_first)
    else:
        query = Record.by_day.query(day or clock.business_day(clock.now()), **newest_first)
    return page_of(query, scope)
