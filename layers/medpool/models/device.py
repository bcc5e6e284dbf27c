"""One physical device, known by the asset tag the hospital gave it."""
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from medpool.models.base import BaseMeta

STATUSES = ("available", "reserved", "on_loan", "maintenance", "retired")
SCOPE = "hospital"


class DeviceCategoryStatusIndex(GlobalSecondaryIndex):
    """Devices of a category by status: the availability board and picking a device to assign."""

    class Meta:
        index_name = "category_id-status"
        projection = AllProjection()

    category_id = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute(range_key=True)


class DeviceHolderIndex(GlobalSecondaryIndex):
    """Devices reserved for or lent to a department (sparse: only held devices carry a holder)."""

    class Meta:
        index_name = "holder_department_id-id"
        projection = AllProjection()

    holder_department_id = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)


class DeviceScopeIndex(GlobalSecondaryIndex):
    """Every device by asset tag (the hospital's inventory, paginated)."""

    class Meta:
        index_name = "scope-id"
        projection = AllProjection()

    scope = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)


class Device(Model):
    class Meta(BaseMeta):
        table_name = "devices"

    id = UnicodeAttribute(hash_key=True)
    scope = UnicodeAttribute(default=SCOPE)
    category_id = UnicodeAttribute()
    name = UnicodeAttribute()
    brand = UnicodeAttribute(null=True)
    model = UnicodeAttribute(null=True)
    serial_no = UnicodeAttribute(null=True)
    owner_department_id = UnicodeAttribute()
    location = UnicodeAttribute(null=True)
    purchase_price_fen = NumberAttribute(null=True)
    purchase_date = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="available")
    status_reason = UnicodeAttribute(null=True)
    status_changed_at = UnicodeAttribute(null=True)
    current_loan_id = UnicodeAttribute(null=True)
    holder_department_id = UnicodeAttribute(null=True)
    # the secret printed in the label's code (services/device_codes.py): never shown to applicants
    label_secret = UnicodeAttribute(null=True)
    label_issued_at = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_category_status = DeviceCategoryStatusIndex()
    by_holder = DeviceHolderIndex()
    by_scope = DeviceScopeIndex()
