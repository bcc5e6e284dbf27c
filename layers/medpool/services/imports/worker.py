"""Who runs an import job's steps after the request that created it (MEDPOOL_IMPORT_WORKER):
`thread` (local default): a background thread in this process, until the job is done; `schedule`
(production): the reports function's scheduled run every minute (Lambda freezes a container
between requests, so a thread there would not run). Every driver only continues from the cursor,
so two of them at once are safe (one wins each group, the other stops)."""
from __future__ import annotations

import logging
import threading
import time

from medpool import clock
from medpool.config import get_settings
from medpool.services.imports import jobs

log = logging.getLogger(__name__)
THREAD_STEP_SECONDS = 5
STALE_SECONDS = 30  # a running job without progress for this long has lost its driver (the process died)
_threads: dict[str, threading.Thread] = {}
_lock = threading.Lock()


def kick(job_id: str) -> None:
    """Make sure a running job has a driver (a no-op where the schedule drives jobs)."""
    if get_settings().import_worker != "thread":
        return
    with _lock:
        current = _threads.get(job_id)
        if current is not None and current.is_alive():
            return
        thread = threading.Thread(target=drive, args=(job_id,), name=f"import-{job_id}", daemon=True)
        _threads[job_id] = thread
        thread.start()


def drive(job_id: str, step_seconds: float = THREAD_STEP_SECONDS, on_progress=None) -> jobs.ImportJob:
    """Run steps until the job is no longer running (the CLI's foreground driver, the local thread)."""
    failures = 0
    while True:
        try:
            job = jobs.step(job_id, step_seconds)
            failures = 0
        except Exception:  # noqa: BLE001 - recorded on the job (it fails after MAX_FAILURES)
            log.exception("import job %s: step failed", job_id)
            failures += 1
            job = jobs.get(job_id)
            time.sleep(min(2 ** failures, 30))
        if on_progress is not None:
            on_progress(job)
        if job.status != "running":
            return job


def resume_if_stale(job: jobs.ImportJob) -> None:
    """Locally: a job left running by a process that died gets a new driver when someone looks at it."""
    if job.status != "running" or get_settings().import_worker != "thread":
        return
    if (clock.now() - clock.parse_iso(job.updated_at)).total_seconds() >= STALE_SECONDS:
        kick(job.id)


def run_scheduled(seconds: float) -> dict:
    """The scheduled driver: step every running job, oldest first, within `seconds` in all."""
    deadline = time.monotonic() + seconds
    summary = {"jobs": 0, "done": 0, "failed_steps": 0}
    for job in jobs.running():
        left = deadline - time.monotonic()
        if left <= 0:
            break
        summary["jobs"] += 1
        try:
            job = jobs.step(job.id, left)
        except Exception:  # noqa: BLE001 - recorded on the job; the next run retries
            log.exception("import job %s: step failed", job.id)
            summary["failed_steps"] += 1
            continue
        summary["done"] += job.status == "done"
    return summary
