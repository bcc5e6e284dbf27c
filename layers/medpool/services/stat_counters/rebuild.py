"""Recompute every counter cell from the ledger (`medpool rebuild-counters`): after an upgrade, a bulk load
or a repair. An operations command, not a request path: it scans the counters and the ledger once.

Idempotent, and safe next to live returns: every live update also ADDs 1 to the cell's version `v`. The
rebuild reads the versions first, then the ledger; each cell is then put whole (or deleted when the ledger
no longer supports it) only if its version is still the one read, with the version moved on. A return
that landed in between fails that condition: the cell is recomputed from its month's ledger partition
(its loan entries, read after the cell's version) and put again."""
from __future__ import annotations

from pynamodb.exceptions import DeleteError, PutError

from medpool.models.ledger import LedgerEntry
from medpool.models.ledger_counter import LedgerCounter
from medpool.services import ledger
from medpool.services.stat_counters import cells
from medpool.services.stat_counters.cells import VERSION

Key = tuple[str, str]
ATTEMPTS = 10  # writes of one cell that keeps moving before giving up


def _versions() -> dict[Key, int]:
    """Every cell's version (consistent scan, raw: the versions only)."""
    connection, found, start = LedgerCounter._get_connection(), {}, None
    while True:
        page = connection.scan(exclusive_start_key=start, consistent_read=True,
                               attributes_to_get=["month", "cell", VERSION])
        for raw in page.get("Items", []):
            found[(raw["month"]["S"], raw["cell"]["S"])] = int(raw.get(VERSION, {}).get("N", 0))
        start = page.get("LastEvaluatedKey")
        if not start:
            return found


def _write(key: Key, delta: cells.Delta | None, version: int | None) -> bool:
    """Put the cell (or delete it) if its version is still `version` (None: absent); False if it moved."""
    connection = LedgerCounter._get_connection()
    expected = (LedgerCounter.month.does_not_exist() if version is None
                else cells.version_path().does_not_exist() | (cells.version_path() == 0) if version == 0
                else cells.version_path() == version)
    try:
        if delta is None:
            connection.delete_item(key[0], key[1], condition=expected)
        else:
            item = cells.raw_item(key, delta)
            item[VERSION] = {"N": str((version or 0) + 1)}
            connection.put_item(key[0], key[1], attributes=item, condition=expected)
    except (PutError, DeleteError) as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _recompute(key: Key) -> tuple[cells.Delta | None, int | None]:
    """The cell from its month's loan entries, read after its current version."""
    stored = LedgerCounter._get_connection().get_item(key[0], key[1], consistent_read=True,
                                                      attributes_to_get=["month", VERSION]).get("Item")
    version = int(stored.get(VERSION, {}).get("N", 0)) if stored else None
    # consistent: an entry committed with the version just read is in what is summed
    entries = (e for e in ledger.read_months([key[0]], "loan#", consistent=True)
               if cells.cell_key(e.category_id, e.department_id) == key[1])
    return cells.merged(entries).get(key), version


def rebuild_counters() -> dict:
    """Scan the ledger's loan entries, merge their deltas per cell, put every cell, delete the others."""
    versions = _versions()
    # consistent, like the versions read before it: a return committed before them is in the scan
    deltas = cells.merged(entry for entry in LedgerEntry.scan(consistent_read=True) if entry.kind == "loan")
    written = deleted = recomputed = 0
    for key in sorted(set(deltas) | set(versions)):
        delta, version = deltas.get(key), versions.get(key)
        for _ in range(ATTEMPTS):
            if _write(key, delta, version):
                break
            delta, version = _recompute(key)
            recomputed += 1
        else:
            raise RuntimeError(f"counter cell {key} keeps moving: run rebuild-counters when returns are quiet")
        if delta is None:
            deleted += version is not None
        else:
            written += 1
    return {"loan_months": sum(len(d.sets.get("ids", ())) for d in deltas.values()),
            "cells_written": written, "cells_deleted": deleted, "cells_recomputed": recomputed}
