"""The purchase-decision report for a year of 100,000 requests (the stats section's loader: 400 devices, 4
categories) on DynamoDB Local: items read (the year's requests by the category index, plus the look-back, the
devices and their records) and time, per category and in all."""
import time
from datetime import date

from local import stack as local_stack

from bench.stats import LOANS, ItemCounter, _load


def run() -> None:
    stack = local_stack.start(with_api=False, table_prefix="bench-purchase-")
    try:
        from medpool.services.reports import purchase

        started = time.perf_counter()
        _load()
        print(f"   loaded {LOANS:,} loans in {time.perf_counter() - started:.0f} s (batch writes)")
        with ItemCounter() as usage:
            report = purchase.purchase_report(date(2023, 1, 1), date(2023, 12, 31))
        requests = sum(row["requests"] for row in report["categories"])
        print(f"   GET /stats/purchase (year): {usage.items:,} items read for {requests:,} requests of the year "
              f"({usage.items / max(1, requests):.3f} per request), {usage.bytes / 1e6:.1f} MB, {usage.calls} calls, "
              f"{usage.seconds:.1f} s")
        for row in report["categories"]:
            rec = row["recommendation"]
            print(f"   {row['category_id']}: {row['requests']:,} requests, {row['current_devices']} devices, peak "
                  f"{row['peak_in_use']}, none free {row['hours_none_available']} h, replay recommends "
                  f"{rec['devices']}, load estimate {row['load']['devices']} (offered {row['load']['offered_load']})")
        with ItemCounter() as usage:
            purchase.purchase_report(date(2023, 6, 1), date(2023, 6, 30), "monitor")
        print(f"   one category, one month: {usage.items:,} items read, {usage.calls} calls, {usage.seconds:.1f} s")
    finally:
        stack.stop()
