"""A 1 MB loan import (~8,000 rows) on DynamoDB Local: validation, then the job's steps (each group of
loans one TransactWrite with the job's cursor): time, calls, transactions; then the same file again
(every loan checked, nothing written)."""
import time
from datetime import datetime, timedelta, timezone

from local import stack as local_stack

START = datetime(2025, 1, 1, tzinfo=timezone.utc)
STEP_SECONDS = 10  # a step bounded as the API request's inline step or the scheduled run would be


def _file(devices: list) -> bytes:
    """Loans back to back on every demo device until the file is ~1 MB."""
    from medpool import clock

    lines = ["device_id,category_id,department_id,requested_at,approved_at,handed_over_at,returned_at,condition"]
    moments = {d.id: START for d in devices}
    n, size = 0, len(lines[0])
    while size < 1_000_000:
        device = devices[n % len(devices)]
        out = moments[device.id] + timedelta(hours=1)
        back = out + timedelta(hours=4 + n % 40)
        moments[device.id] = back
        line = ",".join([device.id, device.category_id, ("ICU", "EM")[n % 2], clock.to_iso(out - timedelta(minutes=30)),
                         clock.to_iso(out - timedelta(minutes=10)), clock.to_iso(out), clock.to_iso(back), "ok"])
        lines.append(line)
        size += len(line) + 1
        n += 1
    return ("\n".join(lines) + "\n").encode()


def _drive(job_id: str):
    from bench.stats import ItemCounter
    from medpool.services.imports import jobs

    steps = 0
    with ItemCounter() as usage:
        job = jobs.get(job_id)
        while job.status == "running":
            job = jobs.step(job_id, STEP_SECONDS)
            steps += 1
    return job, steps, usage


def run() -> None:
    stack = local_stack.start(with_api=False, table_prefix="bench-import-")
    try:
        from medpool.models.device import SCOPE, Device
        from medpool.services import importing
        from medpool.services.imports import jobs

        content = _file(list(Device.by_scope.query(SCOPE)))
        started = time.perf_counter()
        rows = importing.validate_loans(content, "csv")
        print(f"   file: {len(content) / 1e6:.2f} MB, {len(rows):,} rows; validated in {time.perf_counter() - started:.1f} s")
        for label in ("first import", "same file again"):
            rows = importing.validate_loans(content, "csv")
            job, steps, usage = _drive(jobs.create("bench", rows, "csv").id)
            print(f"   {label}: {job.imported:,} imported, {job.already_imported:,} already, in {usage.seconds:.1f} s "
                  f"({len(rows) / usage.seconds:,.0f} rows/s), {steps} steps of <= {STEP_SECONDS} s, "
                  f"{usage.calls:,} calls")
    finally:
        stack.stop()
