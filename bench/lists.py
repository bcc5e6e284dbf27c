"""Every list route on DynamoDB Local with 1,000 and with 100,000 loans of history (closed loans of two years,
one audit record each, expired announcements; 36 open loans, 30 live announcements): items DynamoDB read for the first page (ScannedCount), items
returned, their ratio and the DynamoDB calls made. Lists are Queries on keys, so what a page reads follows what it returns, not the
history; the last line shows the filter the department + status list used before, for comparison."""
from __future__ import annotations

import random
import time
from datetime import timedelta

from bench.stats import ItemCounter
from local import stack as local_stack

SIZES = (1_000, 100_000)
LIMIT = 20


def _history(count: int, prefix: str) -> None:
    """`count` closed loans, with one record each (on the loan's request day), by batch writes."""
    from local import loan_history
    from medpool import clock
    from medpool.models.loan import Loan
    from medpool.models.record import Record

    with Loan.batch_write() as loans, Record.batch_write() as records:
        for n, loan in enumerate(loan_history.closed_loans(count, seed=len(prefix) + count, prefix=prefix)):
            loans.save(loan)
            records.save(Record(f"loan#{loan.id}", f"{loan.requested_at}#{n:08x}", at=loan.requested_at,
                                day=clock.business_day_of(loan.requested_at), actor=loan.applicant_openid,
                                action="loan.create"))


def _announcements(expired: int, prefix: str, live: int = 0) -> None:
    """`expired` announcements of the last two years, and `live` ones (pinned or not, expiring or not)."""
    from medpool import clock
    from medpool.models.announcement import Announcement

    now, rng = clock.now(), random.Random(expired)
    with Announcement.batch_write() as batch:
        for n in range(live):
            batch.save(Announcement(f"{prefix}L{n:04d}", title="公告", body="-", pinned=n % 5 == 0,
                                    published_at=clock.to_iso(now - timedelta(hours=n)), author_openid="demo-manager",
                                    expires_at=clock.to_iso(now + timedelta(days=n)) if n % 2 else None, version=1))
        for n in range(expired):
            published = now - timedelta(days=8, minutes=rng.randint(0, 700 * 24 * 60))
            batch.save(Announcement(f"{prefix}{n:06d}", title="旧公告", body="-", pinned=n % 20 == 0,
                                    published_at=clock.to_iso(published), author_openid="demo-manager",
                                    expires_at=clock.to_iso(published + timedelta(days=7)), version=1))


def _routes() -> list[tuple[str, object]]:
    from medpool import clock
    from medpool.models.user import User
    from medpool.services import announcements, loans, records

    manager = User("demo-manager", role="manager", status="active", department_id="SBK", name="m", registered_at="")
    nurse = User("nurse-ICU", role="applicant", status="active", department_id="ICU", name="n", registered_at="")
    day = clock.business_day(clock.now() - timedelta(days=30))

    def listing(user, status=None, overdue=None, department_id=None, device_id=None):
        return lambda: loans.list_loans(user, status, overdue, department_id, device_id, LIMIT)

    return [
        ("GET /loans", listing(manager)),
        ("GET /loans?status=pending", listing(manager, "pending")),
        ("GET /loans?status=in_use", listing(manager, "in_use")),
        ("GET /loans?status=returned", listing(manager, "returned")),
        ("GET /loans?status=cancelled", listing(manager, "cancelled")),
        ("GET /loans?status=returned&overdue=true", listing(manager, "returned", True)),
        ("GET /loans?overdue=true", listing(manager, None, True)),
        ("GET /loans?overdue=false", listing(manager, None, False)),
        ("GET /loans?department_id=ICU", listing(manager, department_id="ICU")),
        ("GET /loans?department_id=ICU&status=in_use", listing(manager, "in_use", department_id="ICU")),
        ("GET /loans?department_id=ICU&status=pending", listing(manager, "pending", department_id="ICU")),
        ("GET /loans?department_id=ICU&status=returned", listing(manager, "returned", department_id="ICU")),
        ("GET /loans?department_id=ICU&overdue=true", listing(manager, None, True, "ICU")),
        ("GET /loans?department_id=ICU&overdue=false", listing(manager, None, False, "ICU")),
        ("GET /loans?device_id=HIS-007", listing(manager, device_id="HIS-007")),
        ("GET /loans?device_id=HIS-007&status=returned", listing(manager, "returned", device_id="HIS-007")),
        ("GET /loans?device_id=HIS-007&overdue=true", listing(manager, None, True, device_id="HIS-007")),
        ("GET /loans (applicant)", listing(nurse)),
        ("GET /loans?status=in_use (applicant)", listing(nurse, "in_use")),
        ("GET /loans?overdue=true (applicant)", listing(nurse, None, True)),
        ("GET /loans?device_id=HIS-007 (applicant)", listing(nurse, device_id="HIS-007")),
        ("GET /loans?device_id=HIS-007&status=returned&overdue=true (applicant)",
         listing(nurse, "returned", True, device_id="HIS-007")),
        ("GET /announcements", lambda: announcements.list_announcements(LIMIT)),
        ("GET /records (today)", lambda: records.list_records(None, None, None, LIMIT)),
        (f"GET /records?day={day}", lambda: records.list_records(None, None, day, LIMIT)),
        ("GET /records?actor=nurse-ICU", lambda: records.list_records(None, "nurse-ICU", None, LIMIT)),
        (f"GET /records?actor=nurse-ICU&day={day}", lambda: records.list_records(None, "nurse-ICU", day, LIMIT)),
        ("GET /records?subject=user#demo-nurse-icu&actor=system",
         lambda: records.list_records("user#demo-nurse-icu", "system", None, LIMIT)),
    ]


def _before() -> tuple[int, int]:
    """The department + in-use list as it was read before (department index, status as a filter)."""
    from medpool.models.loan import Loan

    with ItemCounter() as usage:
        found = list(Loan.by_department.query("ICU", filter_condition=Loan.status == "in_use",
                                              scan_index_forward=False, limit=LIMIT))
    return usage.items, len(found)


def _measure() -> dict[str, tuple[int, int, int]]:
    figures = {}
    for label, read_page in _routes():
        with ItemCounter() as usage:
            page = read_page()
        figures[label] = (usage.items, len(page.items), usage.calls)
    figures["before: GET /loans?department_id=ICU&status=in_use (filter)"] = (*_before(), 0)
    return figures


def _ratio(read: int, returned: int) -> str:
    return f"{read / returned:.2f}" if returned else ("-" if read == 0 else "inf")


def run() -> None:
    stack = local_stack.start(with_api=False, table_prefix="bench-lists-")
    try:
        from local import loan_history

        loan_history.write(loan_history.open_loans())
        _announcements(0, "AL-", live=30)
        results, loaded = {}, 0
        for size in SIZES:
            started = time.perf_counter()
            _history(size - loaded, prefix=f"H{size}-")
            _announcements(size // 100 - loaded // 100, prefix=f"AX{size}-")
            loaded = size
            print(f"   {size:,} closed loans + records, {size // 100} expired announcements loaded "
                  f"({time.perf_counter() - started:.0f} s, batch writes)", flush=True)
            results[size] = _measure()
        width = max(len(label) for label in results[SIZES[0]])
        print(f"   {'route (first page, limit 20)':<{width}} | " + " | ".join(
            f"{size:>7,} loans: read returned ratio calls" for size in SIZES))
        for label in results[SIZES[0]]:
            cells = []
            for size in SIZES:
                read, returned, calls = results[size][label]
                cells.append(f"{read:>19} {returned:>8} {_ratio(read, returned):>5} {calls:>5}")
            print(f"   {label:<{width}} | " + " | ".join(cells))
    finally:
        stack.stop()
