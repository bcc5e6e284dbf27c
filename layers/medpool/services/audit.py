"""Audit records, written inside the transaction of the change they describe."""
from __future__ import annotations

import secrets
from typing import Any

from pynamodb.transactions import TransactWrite

from medpool import clock
from medpool.errors import Conflict
from medpool.models.record import Record
from medpool.services.transactions import transaction


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
        day=clock.business_day_of(at),  # the Beijing day: the feed of a day is the hospital's day
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


def save_changes(item: Any, *, kind: str, subject_id: str, actor: str, action: str, before: dict[str, Any],
                 after: dict[str, Any], note: str | None = None) -> bool:
    """Save an edited item with the record of what changed, in one transaction guarded by the item's version.
    Nothing changed (a repeated request): nothing is written. Returns whether something was."""
    old, new = changed_fields(before, after)
    if not new:
        return False
    item.updated_at = clock.now_iso()
    with transaction(Conflict("信息已被他人修改，请刷新后重试", code="concurrent_modification")) as writer:
        writer.save(item)  # VersionAttribute: refused if someone changed the item meanwhile
        add_record(writer, kind=kind, subject_id=subject_id, actor=actor, action=action, before=old, after=new,
                   note=note)
    return True
