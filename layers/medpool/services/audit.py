"""Audit records, written inside the transaction of the change they describe, chained to the previous record of
their subject (services/audit_chain.py). Phone numbers are kept masked in them: a record is never changed or
deleted, so it keeps no more personal data than it needs."""
from __future__ import annotations

import secrets
from typing import Any

from pynamodb.transactions import TransactWrite

from medpool import clock
from medpool.errors import Conflict
from medpool.models.record import Record
from medpool.privacy import masked_fields
from medpool.services import audit_chain
from medpool.services.transactions import transaction


def subject_key(kind: str, subject_id: str) -> str:
    return f"{kind}#{subject_id}"


def add_record(writer: TransactWrite, *, kind: str, subject_id: str, actor: str, action: str,
               before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
               note: str | None = None, at: str | None = None, head: Any = None, loose_on: Any = None) -> Record:
    """Add the audit record of a change to the transaction that makes the change.

    `head`: the subject's item when this transaction read it (or creates it) and saves it after this call,
    conditioned on its version (or on not existing): the record is chained onto it. Otherwise the record is
    loose; for a kind whose items keep a chain head (audit_chain.KEPT_ON_ITEM) it must be listed on the item
    in this transaction: by an update of its own (`loose_on`: a key-only instance of the subject's item) or by
    the caller's own update of the item (audit_chain.loose_actions)."""
    at = at or clock.now_iso()
    record = Record(
        subject=subject_key(kind, subject_id),
        record_key=f"{at}#{secrets.token_hex(4)}",
        at=at,
        day=clock.business_day_of(at),  # the Beijing day: the feed of a day is the hospital's day
        actor=actor,
        action=action,
        before=masked_fields(before),
        after=masked_fields(after),
        note=note,
    )
    if head is not None:
        audit_chain.link(record, head)
    else:
        audit_chain.seal_loose(record)
        if loose_on is not None:
            audit_chain.anchor(writer, loose_on, record)
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
    chained = kind in audit_chain.KEPT_ON_ITEM
    with transaction(Conflict("信息已被他人修改，请刷新后重试", code="concurrent_modification")) as writer:
        add_record(writer, kind=kind, subject_id=subject_id, actor=actor, action=action, before=old, after=new,
                   note=note, head=item if chained else None)
        writer.save(item)  # VersionAttribute: refused if someone changed the item meanwhile
    return True
