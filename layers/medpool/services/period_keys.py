"""One-off upgrade: re-key what was written when business periods were UTC days and months, so that
records' `day` and the ledger's month partitions are Beijing periods (docs/data-and-loans.md).
An operations command (`medpool rekey-periods`), not a request path: it scans the two tables once.
Idempotent and safe to interrupt: a ledger entry's new copies are written before its old ones are
deleted, and a second run finds nothing left to do."""
from __future__ import annotations

from collections import defaultdict

from medpool import clock
from medpool.models.ledger import LedgerEntry
from medpool.models.record import Record
from medpool.services import ledger


def rekey_records() -> int:
    """Set each record's `day` to the Beijing day of its `at`; returns how many changed."""
    changed = 0
    for record in Record.scan():
        day = clock.business_day_of(record.at)
        if record.day != day:
            record.update(actions=[Record.day.set(day)])
            changed += 1
    return changed


def rekey_ledger() -> tuple[int, int]:
    """Give every closed interval one entry per Beijing month it touched; returns (written, deleted)."""
    by_entry: dict[str, list[LedgerEntry]] = defaultdict(list)
    for item in LedgerEntry.scan():
        by_entry[item.entry].append(item)
    written = deleted = 0
    for key, items in by_entry.items():
        wanted = set(ledger.entry_months(items[0].kind, items[0].start, items[0].end))
        have = {item.month for item in items}
        with LedgerEntry.batch_write() as batch:
            for month in sorted(wanted - have):
                data = items[0].serialize()
                data["month"] = {"S": month}
                batch.save(LedgerEntry.from_raw_data(data))
                written += 1
        with LedgerEntry.batch_write() as batch:
            for item in items:
                if item.month not in wanted:
                    batch.delete(item)
                    deleted += 1
    return written, deleted


def rekey_periods() -> dict:
    written, deleted = rekey_ledger()
    return {"records_rekeyed": rekey_records(), "ledger_entries_written": written,
            "ledger_entries_deleted": deleted}
