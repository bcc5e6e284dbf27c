"""A device category (e.g. ventilator): billing rate, maximum loan length, operating guide.
All categories live in one partition: a bounded list read whole."""
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from medpool.models.base import BaseMeta

SCOPE = "hospital"
RATE_UNITS = ("hour", "day")


class Category(Model):
    class Meta(BaseMeta):
        table_name = "categories"

    scope = UnicodeAttribute(hash_key=True, default=SCOPE)
    id = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    rate_fen = NumberAttribute()
    rate_unit = UnicodeAttribute()
    max_loan_hours = NumberAttribute()
    guide = UnicodeAttribute(null=True)
    guide_url = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    version = VersionAttribute()
