"""An import job: a validated file being written in bounded, resumable steps.

`cursor` is how many of the file's `total` rows have been written; it advances in the same
transaction as the rows it counts, so a step killed at any point resumes exactly where it stopped.
The rows themselves are kept in `ImportChunk`s until the job is done."""
from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from medpool.models.base import BaseMeta

KINDS = ("loans",)
STATUSES = ("running", "done", "failed")


class ImportJobStatusIndex(GlobalSecondaryIndex):
    """Jobs by status, oldest first: the step driver reads the running ones only."""

    class Meta:
        index_name = "status-created_at"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ImportJob(Model):
    class Meta(BaseMeta):
        table_name = "import_jobs"

    id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    status = UnicodeAttribute()
    format = UnicodeAttribute()
    created_by = UnicodeAttribute()  # openid of the manager (or the system actor of the CLI)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()  # last progress (a heartbeat: a stale running job has no live driver)
    finished_at = UnicodeAttribute(null=True)
    total = NumberAttribute()  # rows in the file
    chunk_size = NumberAttribute()
    chunks = NumberAttribute()
    cursor = NumberAttribute(default=0)  # rows written (imported, already there, repaired or skipped)
    imported = NumberAttribute(default=0)
    already_imported = NumberAttribute(default=0)
    repaired = NumberAttribute(default=0)  # present from an earlier, partial import: missing parts written
    skipped = NumberAttribute(default=0)
    conflicts = JSONAttribute(default=list)  # [{line, reason}] of skipped rows (first 100)
    failures = NumberAttribute(default=0)  # consecutive failed steps at the same cursor
    last_error = UnicodeAttribute(null=True)

    by_status = ImportJobStatusIndex()
