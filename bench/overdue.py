"""The overdue check on DynamoDB Local: loan items read, DynamoDB calls and time with 10,000 vs
100,000 closed loans and 50 open ones (20 overdue, 10 due soon, 20 later). Reads go through the
status + due index, so they follow the open loans, not the history (a ratio near 1 is the goal)."""
from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import timedelta
from typing import Iterator

from local import stack as local_stack
from local.dynamodb_counter import count_dynamodb

OPEN = 50


@contextmanager
def _loan_items_read() -> Iterator[list[int]]:
    """Sum ScannedCount of every Query on the loans table inside the block."""
    from pynamodb.connection.base import Connection

    from medpool.models.loan import Loan

    read, original = [0], Connection.dispatch

    def counting(self, operation_name, operation_kwargs):
        data = original(self, operation_name, operation_kwargs)
        if operation_name == "Query" and operation_kwargs.get("TableName") == Loan.Meta.table_name:
            read[0] += data.get("ScannedCount", 0)
        return data

    Connection.dispatch = counting
    try:
        yield read
    finally:
        Connection.dispatch = original


def _loan(n: int, status: str, due, now) -> "Loan":
    from medpool import clock
    from medpool.models.loan import Loan

    requested = clock.to_iso(due - timedelta(days=2))
    loan_id = f"B{status[:1].upper()}{n:09d}{int(now.timestamp()) % 100000:05d}"
    return Loan(loan_id, status=status, department_id="ICU", applicant_openid="demo-nurse-icu",
                category_id="monitor", device_id=f"MON-{n % 10 + 1:03d}", urgency="routine",
                queue_key=f"2#{requested}#{loan_id}", reason="基准测试", expected_return_at=clock.to_iso(due),
                overdue=False, idempotency_key=loan_id, request_fingerprint="-", requested_at=requested,
                handed_over_at=requested, returned_at=clock.to_iso(due) if status == "returned" else None,
                rate_fen=600, rate_unit="hour", charge_fen=28800 if status == "returned" else None, version=1)


def _seed_closed(start: int, count: int) -> None:
    from medpool import clock
    from medpool.models.loan import Loan

    now = clock.now()
    with Loan.batch_write() as batch:
        for n in range(start, start + count):
            batch.save(_loan(n, "returned", now - timedelta(days=1 + n % 700), now))


def _seed_open(round_no: int) -> list:
    """50 in-use loans; the previous round's open loans are closed first."""
    from medpool import clock
    from medpool.models.loan import Loan

    now = clock.now()
    hours = [-(1 + i) for i in range(20)] + [0.5 + i * 0.1 for i in range(10)] + [24 + i for i in range(20)]
    loans = [_loan(round_no * 1000 + i, "in_use", now + timedelta(hours=h), now) for i, h in enumerate(hours)]
    with Loan.batch_write() as batch:
        for loan in loans:
            batch.save(loan)
    return loans


def _close(loans: list) -> None:
    from medpool.models.loan import Loan

    with Loan.batch_write() as batch:
        for loan in loans:
            loan.status = "returned"
            batch.save(loan)


def _measure(label: str) -> tuple[int, float]:
    from medpool.services import overdue

    with _loan_items_read() as read, count_dynamodb() as usage:
        started = time.perf_counter()
        result = overdue.check()
        elapsed = time.perf_counter() - started
    print(f"   {label}: {read[0]} loan items read, {usage.total_calls} DynamoDB calls "
          f"({len(result.flagged)} flagged, {len(result.reminded)} reminded), {elapsed:.2f} s", flush=True)
    return read[0], elapsed


def run() -> None:
    # without the background notifier: the run's own sweep fans out and delivers, and is what is counted
    stack = local_stack.start(with_api=False, table_prefix="bench-overdue-", with_notifier=False)
    try:
        started = time.perf_counter()
        _seed_closed(0, 10_000)
        open_loans = _seed_open(1)
        print(f"   seeded 10,000 closed + {OPEN} open loans in {time.perf_counter() - started:.0f} s", flush=True)
        small = _measure("10,000 closed, 50 open")
        _close(open_loans)
        started = time.perf_counter()
        _seed_closed(10_000, 90_000)
        _seed_open(2)
        print(f"   seeded 90,000 more closed loans in {time.perf_counter() - started:.0f} s", flush=True)
        large = _measure("100,000 closed, 50 open")
        print(f"   ratio 100k/10k: items read {large[0] / max(small[0], 1):.2f}, "
              f"time {large[1] / max(small[1], 1e-9):.2f}")
    finally:
        stack.stop()


if __name__ == "__main__":
    run()
