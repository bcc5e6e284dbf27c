"""One physical device, known by the asset tag the hospital gave it."""
from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from medpool.models.base import BaseMeta
from medpool.models.chain_head import ChainHead

STATUSES = ("available", "reserved", "on_loan", "cleaning", "maintenance", "retired")
SCOPE = "hospital"
UPKEEP_KINDS = ("maintenance", "calibration")


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


class DeviceOwnerIndex(GlobalSecondaryIndex):
    """Devices of an owner department by asset tag (the dossiers of a department)."""

    class Meta:
        index_name = "owner_department_id-id"
        projection = AllProjection()

    owner_department_id = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)


class DeviceCleaningIndex(GlobalSecondaryIndex):
    """Devices waiting for disinfection, longest waiting first (sparse: only `cleaning` devices carry
    `cleaning_queue`)."""

    class Meta:
        index_name = "cleaning_queue-cleaning_since"
        projection = AllProjection()

    cleaning_queue = UnicodeAttribute(hash_key=True)
    cleaning_since = UnicodeAttribute(range_key=True)


class DeviceDueIndex(GlobalSecondaryIndex):
    """Devices by their earliest maintenance or calibration due date (sparse: only devices in the pool with
    a due date carry `due_scope`)."""

    class Meta:
        index_name = "due_scope-next_due"
        projection = AllProjection()

    due_scope = UnicodeAttribute(hash_key=True)
    next_due = UnicodeAttribute(range_key=True)


class Device(ChainHead, Model):
    class Meta(BaseMeta):
        table_name = "devices"

    id = UnicodeAttribute(hash_key=True)
    scope = UnicodeAttribute(default=SCOPE)
    category_id = UnicodeAttribute()
    name = UnicodeAttribute()
    brand = UnicodeAttribute(null=True)
    model = UnicodeAttribute(null=True)
    serial_no = UnicodeAttribute(null=True)
    manufacturer = UnicodeAttribute(null=True)  # 生产厂家 (brand is the trade name)
    owner_department_id = UnicodeAttribute()
    location = UnicodeAttribute(null=True)
    purchase_price_fen = NumberAttribute(null=True)
    purchase_date = UnicodeAttribute(null=True)
    service_life_years = NumberAttribute(null=True)  # 使用年限: its end + 5 years is the earliest purge of its records
    status = UnicodeAttribute(default="available")
    status_reason = UnicodeAttribute(null=True)
    status_changed_at = UnicodeAttribute(null=True)
    current_loan_id = UnicodeAttribute(null=True)
    holder_department_id = UnicodeAttribute(null=True)
    # the secret printed in the label's code (services/device_codes.py): never shown to applicants
    label_secret = UnicodeAttribute(null=True)
    label_issued_at = UnicodeAttribute(null=True)
    # disinfection between patients: the loan whose return sent the device to `cleaning`, the last
    # disinfection (UTC), and the hours spent waiting for disinfection, summed over every cycle
    last_loan_id = UnicodeAttribute(null=True)
    last_disinfected_at = UnicodeAttribute(null=True)
    # set by a return (ok or damaged), cleared by the disinfection: a device repaired after a damaged return, or
    # failing a check while waiting, goes back to `cleaning`, never straight to `available`
    needs_disinfection = BooleanAttribute(null=True)
    cleaning_hours_total = NumberAttribute(null=True)
    # preventive maintenance and metrology calibration: Beijing calendar days (YYYY-MM-DD); past either, the
    # device is not lent
    next_maintenance_due = UnicodeAttribute(null=True)
    next_calibration_due = UnicodeAttribute(null=True)
    # per kind, the last one recorded: {performed_on, result, certificate_no, next_due} (a repeat is a no-op)
    last_upkeep = JSONAttribute(null=True)
    # certificate files attached to its maintenance / calibration records: {cid: {record_key, kind, certificate_no,
    # filename, content_type, size, sha256, uploaded_at, uploaded_by}} (the files are in the certificate store)
    certificates = JSONAttribute(null=True)
    # derived on every put (serialize): the sparse keys of the cleaning and due indexes
    cleaning_queue = UnicodeAttribute(null=True)
    cleaning_since = UnicodeAttribute(null=True)
    due_scope = UnicodeAttribute(null=True)
    next_due = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_category_status = DeviceCategoryStatusIndex()
    by_holder = DeviceHolderIndex()
    by_scope = DeviceScopeIndex()
    by_owner = DeviceOwnerIndex()
    by_cleaning = DeviceCleaningIndex()
    by_due = DeviceDueIndex()

    def index_keys(self) -> dict:
        """The sparse index keys the fields imply: waiting for disinfection since the status changed; the
        earliest due date of a device still in the pool."""
        cleaning = self.status == "cleaning"
        dues = [d for d in (self.next_maintenance_due, self.next_calibration_due) if d]
        due = min(dues) if dues and self.status != "retired" else None
        return {"cleaning_queue": SCOPE if cleaning else None,
                "cleaning_since": (self.status_changed_at or self.created_at) if cleaning else None,
                "due_scope": SCOPE if due else None, "next_due": due}

    def serialize(self, null_check: bool = True) -> dict:
        """Every put goes through here: the index keys follow the fields. (The loan flow's updates of a device
        it did not read change only holding fields between available and reserved: no index key.)"""
        for name, value in self.index_keys().items():
            setattr(self, name, value)
        return super().serialize(null_check=null_check)
