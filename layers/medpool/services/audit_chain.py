"""Tamper evidence for the audit trail (docs/audit-and-privacy.md, "Integrity"): every record carries a SHA-256
digest over its fields and the digest of the previous record of its subject; the subject's item carries the head.

Two ways a record joins its subject's chain, both inside the transaction that writes it (no extra read):
- chained: the transaction read the subject's item and writes it back conditioned on its version (or creates
  it): the record links to the item's `record_head` (and folds in the loose records listed on the item), and
  the item's head becomes this record's digest;
- loose: the transaction does not read the item (a device reserved without being read, a loan's disinfection
  step, a flag set by the overdue check): the record is sealed on its own, and `<record_key>#<digest>` is
  ADDed to the item's `record_loose` set (an update that also bumps the item's version, so no writer that
  read the item earlier can put it back without the entry). The next chained record folds the set in.

`services/record_check.py` (the `medpool verify-records` command) recomputes every digest, walks each chain
from its first record to the head on the item and checks that every loose record is folded in or still listed
on the item. Kinds whose items keep a head: KEPT_ON_ITEM."""
from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

GENESIS = ""  # the `prev` of a subject's first chained record
DIGEST_BYTES = 18
KEPT_ON_ITEM = ("loan", "device", "user", "department")  # kinds whose items carry the head (models.chain_head)
SEALED_FIELDS = ("subject", "record_key", "at", "day", "actor", "action", "before", "after", "note", "prev", "folded")


def digest_of(record: Any) -> str:
    """SHA-256 of the record's canonical JSON, its first 144 bits in base64url (24 characters): ample against
    accidental or deliberate collisions here, and short, since the head rides on every write of the item (a loan
    item is rewritten into each of its indexes: a byte more can cross a 1 KB write unit in all of them)."""
    payload = {name: getattr(record, name) for name in SEALED_FIELDS}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode("utf-8")).digest()[:DIGEST_BYTES]).decode()


def link(record: Any, head: Any) -> None:
    """Chain `record` onto its subject's item `head` (read by this transaction, saved after this call in it)."""
    record.prev = head.record_head or GENESIS
    record.folded = sorted(head.record_loose) if head.record_loose else None
    record.digest = digest_of(record)
    head.record_head, head.record_loose = record.digest, None


def seal_loose(record: Any) -> str:
    """Seal a record written without reading its subject's item; returns its entry for the item's loose set."""
    record.prev = record.folded = None
    record.digest = digest_of(record)
    return loose_entry(record)


def loose_entry(record: Any) -> str:
    return f"{record.record_key}#{record.digest}"


def loose_actions(model: type, record: Any) -> list:
    """The actions that list a loose record on its subject's item, for an update the transaction makes anyway."""
    return [model.record_loose.add({loose_entry(record)})]


def anchor(writer: Any, item: Any, record: Any) -> None:
    """List a loose record on its subject's item (`item`: a key-only instance) when the transaction does not
    otherwise write that item: an update conditioned on the item existing, bumping its version."""
    model = type(item)
    item.version = 0  # any value: with add_version_condition=False PynamoDB only adds `version + 1`
    writer.update(item, actions=loose_actions(model, record), add_version_condition=False,
                  condition=getattr(model, model._hash_key_attribute().attr_name).exists())


