"""A slice of an import job's validated rows (JSON, at most `ImportJob.chunk_size` rows), kept
until the job is done."""
from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from medpool.models.base import BaseMeta


class ImportChunk(Model):
    class Meta(BaseMeta):
        table_name = "import_chunks"

    job_id = UnicodeAttribute(hash_key=True)
    number = NumberAttribute(range_key=True)
    rows = JSONAttribute()
