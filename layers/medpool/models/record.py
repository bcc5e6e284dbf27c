"""One audit record: who changed what, when, from what to what. Written in the same
transaction as the change it describes."""
from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from medpool.models.base import BaseMeta


class RecordDayIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "day-record_key"
        projection = AllProjection()

    day = UnicodeAttribute(hash_key=True)
    record_key = UnicodeAttribute(range_key=True)


class RecordActorIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "actor-record_key"
        projection = AllProjection()

    actor = UnicodeAttribute(hash_key=True)
    record_key = UnicodeAttribute(range_key=True)


class Record(Model):
    class Meta(BaseMeta):
        table_name = "records"

    subject = UnicodeAttribute(hash_key=True)  # "<kind>#<id>", e.g. "loan#L20261127..."
    record_key = UnicodeAttribute(range_key=True)  # "<at>#<random>": time order within a subject
    at = UnicodeAttribute()
    day = UnicodeAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    before = JSONAttribute(null=True)
    after = JSONAttribute(null=True)
    note = UnicodeAttribute(null=True)

    by_day = RecordDayIndex()
    by_actor = RecordActorIndex()
