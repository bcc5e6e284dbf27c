"""What the purchase report reads, each a key or index range (no scan, no filter over history):
a category's requests of the period plus a look-back (`category_id-requested_at`), loans still out that were
requested before that (status index), the category's devices (category+status index), the ledger's closed
out-of-pool intervals of the period's months (`down#` key prefix) and each device's disinfection records of the
period (its record partition, a time range)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from medpool import clock
from medpool.models.device import Device
from medpool.models.ledger import LedgerEntry
from medpool.models.loan import Loan, LoanCategoryIndex
from medpool.models.record import Record
from medpool.services import ledger
from medpool.services.periods import OPEN_LENT, Window
from medpool.services.stats import pool_start

LOAN_FIELDS = ["id", "category_id", "status", "urgency", "requested_at", "queued_at", "approved_at", "rejected_at",
               "cancelled_at", "handed_over_at", "returned_at", "device_id"]
DISINFECT = "device.disinfect"


@dataclass
class Inputs:
    """One category's raw material, times as POSIX seconds."""

    loans: list[dict]
    devices: list[Device]
    down: list[tuple[float, float]]  # closed and current maintenance / retirement, per device merged
    pool: list[tuple[float, float]]  # each device's time in the pool (from its purchase date; until retired)
    cleaning: list[tuple[float, float]]  # waiting for disinfection
    maintenance: list[tuple[float, float]]  # maintenance only (the upkeep share)


def _ts(text: str | None) -> float | None:
    return clock.parse_iso(text).timestamp() if text else None


def _loan(loan: Loan) -> dict:
    return {name: (_ts(getattr(loan, name)) if name.endswith("_at") else getattr(loan, name))
            for name in LOAN_FIELDS}


def category_loans(category_id: str, window: Window, lookback_days: int) -> list[dict]:
    """The category's loans requested from `lookback_days` before the period to its end (or now): a key range
    of the index, read page by page as plain values (a year is ~25,000 items per category: no model objects)."""
    since = window.start - timedelta(days=lookback_days)
    condition = Loan.requested_at.between(clock.to_iso(since), clock.to_iso(window.until))
    connection, index = Loan._get_connection(), LoanCategoryIndex.Meta.index_name
    found, start_key = {}, None
    while True:
        page = connection.query(category_id, condition, exclusive_start_key=start_key, index_name=index)
        for item in page.get("Items", []):
            loan = {name: _plain(item.get(name)) for name in LOAN_FIELDS}
            found[loan["id"]] = loan
        start_key = page.get("LastEvaluatedKey")
        if not start_key:
            return list(found.values())


def _plain(value: dict | None):
    """A string attribute as DynamoDB sends it ({"S": ...}); absent or NULL: None."""
    return value.get("S") if value else None


def open_before(window: Window, lookback_days: int) -> list[dict]:
    """Loans out now (in use, return requested), requested before the look-back: few, bounded by what is out."""
    since = clock.to_iso(window.start - timedelta(days=lookback_days))
    return [_loan(loan) for status in OPEN_LENT for loan in Loan.by_queue.query(status)
            if loan.requested_at < since]


def category_inputs(category_id: str, window: Window, lookback_days: int, downtime: list[LedgerEntry],
                    old_open: list[dict]) -> Inputs:
    read = [{name: (_ts(value) if name.endswith("_at") else value) for name, value in loan.items()}
            for loan in category_loans(category_id, window, lookback_days)]
    loans = read + [loan for loan in old_open if loan["category_id"] == category_id and loan["id"] not in
                    {r["id"] for r in read}]
    devices = list(Device.by_category_status.query(category_id))
    start, until = window.start.timestamp(), window.until.timestamp()
    pool, down, maintenance, cleaning = [], [], [], []
    for entry in downtime:
        if entry.category_id == category_id:
            interval = (_ts(entry.start), _ts(entry.end))
            down.append(interval)
            if entry.status == "maintenance":
                maintenance.append(interval)
    for device in devices:
        joined = pool_start(device).timestamp()
        since = _ts(device.status_changed_at or device.created_at)
        left = since if device.status == "retired" else until
        if left > joined:
            pool.append((joined, left))
        if device.status == "maintenance":
            down.append((since, until))
            maintenance.append((since, until))
        if device.status == "cleaning":
            cleaning.append((since, until))
        cleaning += disinfections(device.id, window)
    return Inputs(sorted(loans, key=lambda loan: (loan["requested_at"], loan["id"])), devices,
                  sorted(set(down)), pool, cleaning, sorted(set(maintenance)))


def disinfections(device_id: str, window: Window) -> list[tuple[float, float]]:
    """The device's waits for disinfection ended in the period (its records of the period, a time range)."""
    low, high = clock.to_iso(window.start), clock.to_iso(window.until) + "~"
    intervals = []
    for record in Record.query(f"device#{device_id}", Record.record_key.between(low, high)):
        after = record.after or {}
        if record.action == DISINFECT and after.get("cleaning_started_at") and after.get("cleaning_ended_at"):
            intervals.append((_ts(after["cleaning_started_at"]), _ts(after["cleaning_ended_at"])))
    return intervals


def downtime(window: Window) -> list[LedgerEntry]:
    """The ledger's closed out-of-pool intervals of the period's months (one key-prefix Query per month)."""
    return list(ledger.read_months(window.months(), "down#"))
