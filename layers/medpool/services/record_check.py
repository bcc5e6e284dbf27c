"""`medpool verify-records`: check the audit records' chains (services/audit_chain.py) against the heads kept on
their subjects' items. An operations command: it scans the records table (or queries one subject)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from medpool.services.audit_chain import GENESIS, digest_of, loose_entry


def chained_models() -> dict[str, Any]:
    """Subject kinds whose items carry a chain head (audit_chain.KEPT_ON_ITEM): kind -> (model, key of an id)."""
    from medpool.models.department import SCOPE, Department
    from medpool.models.device import Device
    from medpool.models.loan import Loan
    from medpool.models.user import User

    return {"loan": (Loan, lambda i: (i,)), "device": (Device, lambda i: (i,)), "user": (User, lambda i: (i,)),
            "department": (Department, lambda i: (SCOPE, i))}


@dataclass
class SubjectCheck:
    subject: str
    records: int = 0
    chained: int = 0
    loose: int = 0
    unsealed: int = 0  # written before records were chained (no digest)
    anchored: bool = True  # the subject's item carries a head (else: digests checked one by one only)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_subject(subject: str, records: list[Any], item: Any | None, anchored: bool) -> SubjectCheck:
    """Check one subject's records (any order) against the head and loose set on its item."""
    result = SubjectCheck(subject, records=len(records), anchored=anchored)
    sealed = []
    for record in records:
        if record.digest is None:
            result.unsealed += 1
            continue
        if digest_of(record) != record.digest:
            result.problems.append(f"{record.record_key}: content does not match its digest (record edited)")
        sealed.append(record)
    chained = [r for r in sealed if r.prev is not None]
    loose = {loose_entry(r): r for r in sealed if r.prev is None}
    result.chained, result.loose = len(chained), len(loose)
    if not anchored:
        return result
    by_prev: dict[str, list[Any]] = defaultdict(list)
    for record in chained:
        by_prev[record.prev].append(record)
    head, walked, folded = GENESIS, 0, []
    while by_prev.get(head):
        following = sorted(by_prev.pop(head), key=lambda r: r.record_key)
        if len(following) > 1:
            result.problems.append(f"{following[1].record_key}: a second record after the same predecessor")
        record = following[0]
        folded += record.folded or []
        head, walked = record.digest, walked + 1
    for rest in by_prev.values():
        for record in rest:
            result.problems.append(f"{record.record_key}: its predecessor is missing or was changed")
    expected_head = getattr(item, "record_head", None) or GENESIS if item is not None else None
    if item is None and sealed:
        result.problems.append("the subject's item is missing (its chain head with it)")
    elif item is not None and head != expected_head:
        result.problems.append(f"the chain ends at {head[:12] or 'its start'}, the item's head is "
                               f"{expected_head[:12] or 'empty'} (a record was removed or changed)")
    listed = folded + sorted(getattr(item, "record_loose", None) or [])
    for entry in listed:
        if entry not in loose:
            record_key = entry.rsplit("#", 1)[0]
            result.problems.append(f"{record_key}: listed in the chain but missing or changed")
    for entry, record in loose.items():
        if listed.count(entry) != 1:
            result.problems.append(f"{record.record_key}: not linked into its subject's chain")
    return result


def check_all(records: Iterable[Any], item_of: Any) -> Iterator[SubjectCheck]:
    """Group records by subject and check each; `item_of(subject)` -> (item or None, anchored)."""
    by_subject: dict[str, list[Any]] = defaultdict(list)
    for record in records:
        by_subject[record.subject].append(record)
    for subject in sorted(by_subject):
        item, anchored = item_of(subject)
        yield check_subject(subject, by_subject[subject], item, anchored)


def item_of(subject: str) -> tuple[Any | None, bool]:
    """A subject's item (strongly consistent), and whether its kind keeps a chain head."""
    kind, _, subject_id = subject.partition("#")
    models = chained_models()
    if kind not in models:
        return None, False
    model, key = models[kind]
    try:
        return model.get(*key(subject_id), consistent_read=True), True
    except model.DoesNotExist:
        return None, True


def verify(subject: str | None = None) -> Iterator[SubjectCheck]:
    """Check every subject's chain (an operations command: scans the records table), or one subject's."""
    from medpool.models.record import Record

    records = Record.query(subject) if subject else Record.scan()
    return check_all(records, item_of)
