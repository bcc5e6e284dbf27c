"""Audit records, written inside the transaction of the change they describe."""
from __future__ import annotations

import secrets
from typing import Any

from pynamodb.transactions import TransactWrite

from medpool import clock
from medpool.models.record import Record


def subject_key(kind: str, subject_id: str) -> str:
    return f"{kind}#{subject_id}"


def add_record(writer: TransactWrite, *, kind: str, subject_id: str, actor: str, action: str,
               before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
               note: str | None = None, at: str | None = None) -> Record:
    """Add the audit record of a change to the transaction that makes the change."""
    at = at or clock.now_iso()
    record = Record(
        subject=subject_key(kind, subject_id),
        record_key=f"{at}#{secrets.token_hex(4)}",
        at=at,
        day=at[:10],
        actor=actor,
        action=action,
        before=before,
        after=after,
        note=note,
    )
    writer.save(record, condition=Record.subject.does_not_exist())
    return record


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that changed, as (before, after)."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}
