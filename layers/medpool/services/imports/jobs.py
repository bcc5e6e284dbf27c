"""Import jobs: create (validated rows stored in chunks), read progress, run steps, finish.

A job is written in steps: each step writes groups of rows, each group one TransactWrite with its
loans, their records and ledger entries and the job's cursor, so any step may be killed at any point
and the next one (any driver: the API request that created the job, a background thread locally, the
scheduled run in production, the CLI) continues exactly from the cursor."""
from __future__ import annotations

import logging
import secrets
import time
from typing import Iterator

from pynamodb.exceptions import UpdateError

from medpool import clock
from medpool.errors import NotFound
from medpool.models.import_chunk import ImportChunk
from medpool.models.import_job import ImportJob
from medpool.services.imports import writer
from medpool.services.transactions import is_condition_failure

log = logging.getLogger(__name__)
CHUNK_ROWS = 200  # ~100 KB of JSON: well under DynamoDB's 400 KB item limit
MAX_FAILURES = 5  # consecutive failed steps at one cursor before the job is marked failed


def _new_id() -> str:
    return "J" + clock.now().strftime("%Y%m%d%H%M%S") + secrets.token_hex(4).upper()


def create(actor_openid: str, rows: list[dict], fmt: str, kind: str = "loans") -> ImportJob:
    """Store validated rows (chunks first: a job never points at missing rows) and the running job."""
    now = clock.now_iso()
    job = ImportJob(_new_id(), kind=kind, status="running", format=fmt, created_by=actor_openid, created_at=now,
                    updated_at=now, total=len(rows), chunk_size=CHUNK_ROWS,
                    chunks=(len(rows) + CHUNK_ROWS - 1) // CHUNK_ROWS, cursor=0, imported=0, already_imported=0,
                    repaired=0, skipped=0, conflicts=[], failures=0)
    with ImportChunk.batch_write() as batch:
        for number, start in enumerate(range(0, len(rows), CHUNK_ROWS)):
            batch.save(ImportChunk(job.id, number, rows=rows[start:start + CHUNK_ROWS]))
    job.save(condition=ImportJob.id.does_not_exist())
    return job


def get(job_id: str) -> ImportJob:
    try:
        return ImportJob.get(job_id, consistent_read=True)
    except ImportJob.DoesNotExist as error:
        raise NotFound("导入任务不存在", code="import_not_found") from error


def start(actor_openid: str, rows: list[dict], fmt: str) -> ImportJob:
    """Create the job, write what fits in the inline budget, hand the rest to the configured driver."""
    from medpool.config import get_settings
    from medpool.services.imports import worker

    job = create(actor_openid, rows, fmt)
    try:
        job = step(job.id, get_settings().import_inline_seconds)
    except Exception:  # noqa: BLE001 - the job is stored and recorded the failure; a driver retries
        log.exception("import job %s: inline step failed", job.id)
        job = get(job.id)
    if job.status == "running":
        worker.kick(job.id)
    return job


def _rows_from(job: ImportJob) -> Iterator[dict]:
    """The job's rows from its cursor on, a chunk read at a time."""
    cursor, size = int(job.cursor), int(job.chunk_size)
    for number in range(cursor // size, int(job.chunks)):
        try:
            chunk = ImportChunk.get(job.id, number, consistent_read=True)
        except ImportChunk.DoesNotExist as error:
            raise RuntimeError(f"import job {job.id}: chunk {number} is missing") from error
        yield from chunk.rows[max(0, cursor - number * size):]


def step(job_id: str, seconds: float, max_rows: int | None = None) -> ImportJob:
    """Write rows from the cursor for about `seconds` (and at most `max_rows`); the job as it then is.
    Returns early when another driver moved the cursor (that one carries on)."""
    job = get(job_id)
    if job.status != "running":
        return job
    deadline = time.monotonic() + seconds
    left = int(job.total) - int(job.cursor) if max_rows is None else max_rows
    try:
        for group in writer.groups(_rows_from(job), left):
            if not writer.write_group(job, group):
                return get(job_id)
            if time.monotonic() >= deadline:
                break
        if int(job.cursor) >= int(job.total):
            finish(job)
    except Exception as error:  # noqa: BLE001 - recorded on the job, then raised to the driver
        _record_failure(job, error)
        raise
    return job


def finish(job: ImportJob) -> None:
    """Drop the stored rows, then mark the job done (a kill in between: the next step finishes again)."""
    with ImportChunk.batch_write() as batch:
        for number in range(int(job.chunks)):
            batch.delete(ImportChunk(job.id, number))
    now = clock.now_iso()
    try:
        job.update(actions=[ImportJob.status.set("done"), ImportJob.finished_at.set(now),
                            ImportJob.updated_at.set(now)],
                   condition=(ImportJob.status == "running") & (ImportJob.cursor == job.total))
    except UpdateError as error:
        if not is_condition_failure(error):
            raise
        job.refresh(consistent_read=True)  # finished by another driver


def _record_failure(job: ImportJob, error: Exception) -> None:
    failures = int(job.failures or 0) + 1
    actions = [ImportJob.failures.set(failures), ImportJob.last_error.set(f"{type(error).__name__}: {error}"[:500]),
               ImportJob.updated_at.set(clock.now_iso())]
    if failures >= MAX_FAILURES:
        actions += [ImportJob.status.set("failed"), ImportJob.finished_at.set(clock.now_iso())]
    try:
        job.update(actions=actions, condition=(ImportJob.status == "running") & (ImportJob.cursor == job.cursor))
    except Exception:  # noqa: BLE001 - the original error is what matters; the job stays as it was
        pass


def running() -> Iterator[ImportJob]:
    """Running jobs, oldest first (a Query on the status index)."""
    return ImportJob.by_status.query("running")
