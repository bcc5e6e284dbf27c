"""A department (cost centre). All departments live in one partition: a bounded list read whole."""
from pynamodb.attributes import BooleanAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from medpool.models.base import BaseMeta
from medpool.models.chain_head import ChainHead

SCOPE = "hospital"


class Department(ChainHead, Model):
    class Meta(BaseMeta):
        table_name = "departments"

    scope = UnicodeAttribute(hash_key=True, default=SCOPE)
    id = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    is_equipment_department = BooleanAttribute(default=False)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    version = VersionAttribute()
