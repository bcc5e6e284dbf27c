"""One audit record: who changed what, when, from what to what. Written in the same
transaction as the change it describes, never changed afterwards (no role may update or delete one), and
chained to the previous record of its subject by its digest (services/audit_chain.py)."""
from pynamodb.attributes import JSONAttribute, ListAttribute, UnicodeAttribute
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


class RecordSubjectActorIndex(GlobalSecondaryIndex):
    """One actor's records on one subject ("device#MON-001|demo-manager"), in time order."""

    class Meta:
        index_name = "subject_actor-record_key"
        projection = AllProjection()

    subject_actor = UnicodeAttribute(hash_key=True)
    record_key = UnicodeAttribute(range_key=True)


def subject_actor_of(subject: str, actor: str) -> str:
    return f"{subject}|{actor}"


class Record(Model):
    class Meta(BaseMeta):
        table_name = "records"

    subject = UnicodeAttribute(hash_key=True)  # "<kind>#<id>", e.g. "loan#L20261127..."
    record_key = UnicodeAttribute(range_key=True)  # "<at>#<random>": time order; a day is a range of it
    at = UnicodeAttribute()
    day = UnicodeAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    before = JSONAttribute(null=True)
    after = JSONAttribute(null=True)
    note = UnicodeAttribute(null=True)
    subject_actor = UnicodeAttribute(null=True)  # derived on every put (serialize)
    # the chain: digest of this record (over its fields, prev and folded); prev: the subject's previous chained
    # record ("" for the first), absent for a loose record (written without reading its subject's item);
    # folded: the loose records ("<record_key>#<digest>") this record links in
    digest = UnicodeAttribute(null=True)
    prev = UnicodeAttribute(null=True)
    folded = ListAttribute(of=UnicodeAttribute, null=True)

    by_day = RecordDayIndex()
    by_actor = RecordActorIndex()
    by_subject_actor = RecordSubjectActorIndex()

    def serialize(self, null_check: bool = True) -> dict:
        """Every put (save, batch write, transaction) goes through here: the list key follows the fields."""
        self.subject_actor = subject_actor_of(self.subject, self.actor)
        return super().serialize(null_check=null_check)
