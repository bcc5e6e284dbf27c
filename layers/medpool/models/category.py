"""A device category (e.g. ventilator): billing rate, maximum loan length, operating guide, and the number of
its devices in each status (the availability board). All categories live in one partition: a bounded list
read whole."""
from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from medpool.models.base import BaseMeta
from medpool.models.category_counts import AvailabilityCounts

SCOPE = "hospital"
RATE_UNITS = ("hour", "day")


class Category(AvailabilityCounts, Model):
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
    # the waiting list: emergency_reserve (AvailabilityCounts) keeps the last N available devices for emergencies;
    # with auto_reserve_emergency a freed device is reserved by the system for an emergency heading the queue
    auto_reserve_emergency = BooleanAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    version = VersionAttribute()  # edits of the fields above; the counts never change it
    # the counts (AvailabilityCounts: devices per status) are changed through models.category_counts in the
    # transactions that move a device; read only here: a category edit updates its fields, never puts the item
