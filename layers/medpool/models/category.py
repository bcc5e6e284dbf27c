"""A device category (e.g. ventilator): billing rate, maximum loan length, operating guide, and the number of
its devices in each status (the availability board). All categories live in one partition: a bounded list
read whole."""
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
    # default intervals of preventive maintenance and metrology calibration (a recorded one sets the next due)
    maintenance_interval_days = NumberAttribute(null=True)
    calibration_interval_days = NumberAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    version = VersionAttribute()  # edits of the fields above; the counts below never change it
    # devices of the category per status, changed (models.category_counts) in the transactions that change a
    # device's status; read only here: a category edit is an update of its fields, never a put of the item
    count_available = NumberAttribute(null=True)
    count_reserved = NumberAttribute(null=True)
    count_on_loan = NumberAttribute(null=True)
    count_cleaning = NumberAttribute(null=True)
    count_maintenance = NumberAttribute(null=True)
    count_retired = NumberAttribute(null=True)
