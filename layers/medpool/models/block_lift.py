"""Escalation: a manager lifted a department's block for the overdue loans listed here (loans that
become overdue later block again)."""
from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute, VersionAttribute
from pynamodb.models import Model

from medpool.models.base import BaseMeta


class BlockLift(Model):
    class Meta(BaseMeta):
        table_name = "block_lifts"

    department_id = UnicodeAttribute(hash_key=True)
    loan_ids = UnicodeSetAttribute(default=set)
    lifted_by = UnicodeAttribute()
    lifted_at = UnicodeAttribute()
    version = VersionAttribute()
