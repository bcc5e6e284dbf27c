"""Recompute every counter cell from the ledger (`medpool rebuild-counters`): after an upgrade, a bulk load
or a repair. An operations command, not a request path: it scans the ledger and the counters once.
Idempotent: each cell is put whole (the same deltas the live transactions ADD, merged), and cells the
ledger no longer supports are deleted. Run it while no loan is being returned or imported: an ADD
landing between the scan and the put would be overwritten (run it again to be sure)."""
from __future__ import annotations

from medpool.models.ledger import LedgerEntry
from medpool.models.ledger_counter import LedgerCounter
from medpool.services.stat_counters import cells

BATCH = 25  # BatchWriteItem's limit


def _batch_write(puts: list[dict], deletes: list[dict]) -> None:
    connection = LedgerCounter._get_connection()
    requests = [("put", item) for item in puts] + [("delete", key) for key in deletes]
    for first in range(0, len(requests), BATCH):
        chunk = requests[first:first + BATCH]
        put = [item for kind, item in chunk if kind == "put"]
        delete = [item for kind, item in chunk if kind == "delete"]
        while put or delete:
            reply = connection.batch_write_item(put_items=put or None, delete_items=delete or None)
            left = reply.get("UnprocessedItems", {}).get(LedgerCounter.Meta.table_name, [])
            put = [r["PutRequest"]["Item"] for r in left if "PutRequest" in r]
            delete = [r["DeleteRequest"]["Key"] for r in left if "DeleteRequest" in r]


def rebuild_counters() -> dict:
    """Scan the ledger's loan entries, merge their deltas per cell, put every cell, delete the others."""
    deltas = cells.merged(entry for entry in LedgerEntry.scan() if entry.kind == "loan")
    stale = [{"month": {"S": c.month}, "cell": {"S": c.cell}} for c in LedgerCounter.scan()
             if (c.month, c.cell) not in deltas]
    _batch_write([cells.raw_item(key, delta) for key, delta in deltas.items()], stale)
    return {"loan_months": sum(len(d.sets.get("ids", ())) for d in deltas.values()),
            "cells_written": len(deltas), "cells_deleted": len(stale)}
