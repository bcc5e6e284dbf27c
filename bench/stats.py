"""Statistics and billing for one year of a large hospital (100,000 loans, 400 devices) on DynamoDB Local:
items read per loan described (the issue's budget: <= 0.05 for a year of statistics and a month's bill,
read from the counters), bytes read and time, against a full scan of the loans table."""
import json
import random
import time
from datetime import date, datetime, timedelta, timezone

from pynamodb.connection.base import Connection

from local import stack as local_stack

LOANS, DEVICES_PER_CATEGORY = 100_000, 100
START = datetime(2023, 1, 1, tzinfo=timezone.utc)
END = datetime(2024, 1, 1, tzinfo=timezone.utc)


class ItemCounter:
    """Items DynamoDB read (ScannedCount of Query/Scan, items of GetItem/BatchGetItem) and calls."""

    def __enter__(self):
        self.items = self.calls = self.bytes = 0
        self.original = Connection.dispatch
        counter = self

        def counting(connection, operation, kwargs):
            data = counter.original(connection, operation, kwargs)
            counter.calls += 1
            if operation in ("Query", "Scan", "GetItem", "BatchGetItem"):
                counter.bytes += len(json.dumps(data.get("Items") or data.get("Item") or data.get("Responses") or []))
            if operation in ("Query", "Scan"):
                counter.items += data.get("ScannedCount", 0)
            elif operation == "GetItem":
                counter.items += 1 if data.get("Item") else 0
            elif operation == "BatchGetItem":
                counter.items += sum(len(v) for v in data.get("Responses", {}).values())
            return data

        Connection.dispatch = counting
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        Connection.dispatch = self.original


def _load() -> list[tuple[datetime, datetime]]:
    """Bulk-load devices, then 100,000 returned loans with their ledger entries (batch writes); returns the
    loans' (hand-over, return) times."""
    from medpool.demo import CATEGORIES, SYSTEM
    from medpool.models.device import Device
    from medpool.services import categories, importing

    rng = random.Random(7)
    cats = {c.id: c for c in categories.list_categories()}
    devices = []
    with Device.batch_write() as batch:
        for category_id, *_, prefix, _brands, _count in CATEGORIES:
            for n in range(1, DEVICES_PER_CATEGORY + 1):
                device = Device(f"B{prefix}-{n:04d}", category_id=category_id, name=f"{prefix} {n}",
                                owner_department_id="SBK", purchase_price_fen=5_000_000, purchase_date="2022-01-01",
                                status="available", created_at="2022-01-01T00:00:00.000Z")
                batch.save(device)
                devices.append(device)
    rows, per_device = [], LOANS // len(devices)
    for device in devices:
        moment = START + timedelta(hours=rng.uniform(0, 12))
        for _ in range(per_device):
            handed = moment + timedelta(minutes=rng.randint(30, 600))
            returned = handed + timedelta(hours=rng.uniform(4, 44))
            rows.append({"line": 0, "device": device, "category": cats[device.category_id],
                         "department_id": rng.choice(["ICU", "EM", "RICU", "CCU"]),
                         "condition": "damaged" if rng.random() < 0.03 else "ok",
                         "requested_at": handed - timedelta(minutes=40), "approved_at": handed - timedelta(minutes=20),
                         "handed_over_at": handed, "returned_at": min(returned, END - timedelta(minutes=1))})
            rows[-1]["id"] = importing.imported_loan_id(device.id, handed.isoformat())
            moment = rows[-1]["returned_at"]
    _bulk_write([importing.row_out(row, False) for row in rows], SYSTEM.openid)
    return [(row["handed_over_at"], row["returned_at"]) for row in rows]


def _bulk_write(rows: list[dict], actor: str) -> None:
    """Loans, records and ledger entries by batch writes: a loader for the bench, not the import path
    (which writes each loan in a transaction with its record, entries and counters). The counters are then
    computed from the ledger by `medpool rebuild-counters`' code (stat_counters.rebuild)."""
    from medpool import clock
    from medpool.models.loan import Loan
    from medpool.models.record import Record
    from medpool.services import importing, ledger

    now, entries = clock.now_iso(), []
    with Loan.batch_write() as loans, Record.batch_write() as records:
        for row in rows:
            loan = importing.build_loan(row, actor)
            loan.version = 1
            loans.save(loan)
            records.save(importing.import_record(loan, actor, now, "bench"))
            entries += ledger.loan_entries(loan, row["owner_department_id"])
    ledger.batch_put(entries)


def _described(spans: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> int:
    """Loans a period describes: lent at some moment of it."""
    return sum(1 for handed, returned in spans if handed < end and returned >= start)


def _line(label: str, usage: ItemCounter, described: int, what: str = "loans described") -> None:
    print(f"   {label}: {usage.items:,} items read / {described:,} {what} = {usage.items / max(1, described):.4f}, "
          f"{usage.bytes / 1e6:.2f} MB, {usage.calls} calls, {usage.seconds:.2f} s")


def run() -> None:
    stack = local_stack.start(with_api=False, table_prefix="bench-stats-")
    try:
        from medpool import clock
        from medpool.models.loan import Loan
        from medpool.services import billing, ledger, stats
        from medpool.services.stat_counters.rebuild import rebuild_counters

        started = time.perf_counter()
        spans = _load()
        print(f"   loaded {LOANS:,} loans + ledger in {time.perf_counter() - started:.0f} s (batch writes)")
        started = time.perf_counter()
        rebuilt = rebuild_counters()
        print(f"   rebuild-counters: {rebuilt['cells_written']:,} cells from {rebuilt['loan_months']:,} loan-months "
              f"in {time.perf_counter() - started:.0f} s")
        with ItemCounter() as scan:
            scanned = sum(1 for _ in Loan.scan())
        print(f"   full scan of loans: {scanned:,} items, {scan.items:,} read, {scan.bytes / 1e6:.1f} MB, "
              f"{scan.calls} calls, {scan.seconds:.1f} s")
        for label, first, last in (("year", date(2023, 1, 1), date(2023, 12, 31)),
                                   ("month", date(2023, 6, 1), date(2023, 6, 30))):
            with ItemCounter() as usage:
                result = stats.period_stats(first, last)
            window = stats.window_of(first, last)
            _line(f"GET /stats ({label}, {result['total']['loans']:,} loans handed over)", usage,
                  _described(spans, window.start, window.end))
        month_start, month_end = ledger.month_start("2023-06"), ledger.month_start("2023-07")
        with ItemCounter() as usage:
            summary = billing.monthly_billing("2023-06", lines=False)
        _line(f"GET /billing?lines=false (month, {summary['total_fen'] / 100:,.0f} CNY)", usage,
              _described(spans, month_start, month_end))
        with ItemCounter() as usage:
            bill = billing.monthly_billing("2023-06")
        lines = sum(len(d["charges"]) for d in bill["departments"])
        assert bill["total_fen"] == summary["total_fen"], "the summary bill must equal the full one"
        _line("GET /billing (month, with its lines: what it describes)", usage, lines, "lines returned")
        print(f"   (as of {clock.now_iso()[:10]}; the summary and the full bill agree: {bill['total_fen']:,} fen)")
    finally:
        stack.stop()
