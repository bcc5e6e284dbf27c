"""The audit trail feed for managers: by subject, by actor, or by (Beijing) day; newest first."""
from __future__ import annotations

from medpool import clock
from medpool.models.record import Record
from medpool.services.pages import DEFAULT_LIMIT, Page, all_of, decode_cursor, page_of, scope_of


def list_records(subject: str | None, actor: str | None, day: str | None, limit: int = DEFAULT_LIMIT,
                 cursor: str | None = None) -> Page[Record]:
    scope = scope_of("records", subject, actor, day)
    start = decode_cursor(cursor, scope)
    if subject:
        query = Record.query(subject, filter_condition=all_of((Record.actor == actor) if actor else None,
                                                              (Record.day == day) if day else None),
                             scan_index_forward=False, limit=limit, last_evaluated_key=start)
    elif actor:
        query = Record.by_actor.query(actor, filter_condition=(Record.day == day) if day else None,
                                      scan_index_forward=False, limit=limit, last_evaluated_key=start)
    else:
        query = Record.by_day.query(day or clock.business_day(clock.now()), scan_index_forward=False, limit=limit,
                                    last_evaluated_key=start)
    return page_of(query, scope)
