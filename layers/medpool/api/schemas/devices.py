"""Categories, devices and a device's history (with its loans)."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from medpool.api.schemas.common import (CODE_PATH, NOT_BLANK, AssetTag, Body, Code, Day, Name, Out, PageQuery, Query, Time, days,
                                        integer, omittable)
from medpool.api.schemas.loans import LoanOut, Note, RecordOut, Scene
from medpool.policy import hidden_device_fields

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
Guide = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
# no white space, by an explicit class: `\S` differs between the server's regex (Python) and the document's
# (ECMA-262, e.g. for U+0085), so a URL the document accepts would be refused (schema fuzzing found it)
Url = Annotated[str, StringConstraints(pattern=rf"^https?://{NOT_BLANK}{{1,500}}$")]
Fen = integer(0, 10**11)
LoanHours = integer(1, 24 * 365)
PurchaseDate = days(1950)  # pool devices may be older than the years the system otherwise accepts
DeviceStatus = Literal["available", "reserved", "on_loan", "cleaning", "maintenance", "retired"]
IntervalDays = integer(1, 3650)
Reserve = integer(0, 1000)
ServiceLifeYears = integer(1, 50)
DisinfectionMethod = Literal["chlorine_wipe", "alcohol_75", "hydrogen_peroxide", "uv", "other"]


class Availability(Out):
    available: int
    reserved: int
    on_loan: int
    cleaning: int  # returned, waiting for disinfection (待消毒)
    maintenance: int


class CategoryOut(Out):
    id: str
    name: str
    rate_fen: int
    rate_unit: Literal["hour", "day"]
    max_loan_hours: int
    guide: str | None = None
    guide_url: str | None = None
    maintenance_interval_days: int | None = None
    calibration_interval_days: int | None = None
    emergency_reserve: int = Field(0, description="the last N available devices only emergencies may take")
    auto_reserve_emergency: bool = Field(False, description="a freed device is reserved by the system for an "
                                                            "emergency heading the waiting list")
    availability: Availability
    available_to_routine: int = Field(0, description="available devices beyond the emergency reserve")
    queue_length: int = Field(0, description="pending requests of the category (its waiting list)")


class CategoryListOut(Out):
    items: list[CategoryOut]
    next_cursor: None = None


class CreateCategoryBody(Body):
    id: Code
    name: Name
    rate_fen: Fen
    rate_unit: Literal["hour", "day"]
    max_loan_hours: LoanHours
    guide: Guide | None = None
    guide_url: Url | None = None
    maintenance_interval_days: IntervalDays | None = None
    calibration_interval_days: IntervalDays | None = None
    emergency_reserve: Reserve | None = None
    auto_reserve_emergency: bool | None = None


class UpdateCategoryBody(Body):
    name: Name = omittable()
    rate_fen: Fen = omittable()
    rate_unit: Literal["hour", "day"] = omittable()
    max_loan_hours: LoanHours = omittable()
    guide: Guide = omittable()
    guide_url: Url = omittable()
    maintenance_interval_days: IntervalDays = omittable()
    calibration_interval_days: IntervalDays = omittable()
    emergency_reserve: Reserve = omittable()
    auto_reserve_emergency: bool = omittable()


class DeviceFields(Body):
    name: Name = omittable()
    brand: ShortText = omittable()
    manufacturer: ShortText = omittable()  # 生产厂家
    model: ShortText = omittable()
    serial_no: ShortText = omittable()
    location: ShortText = omittable()
    purchase_price_fen: Fen = omittable()
    purchase_date: PurchaseDate = omittable()
    service_life_years: ServiceLifeYears = omittable()  # 使用年限
    next_maintenance_due: Day = omittable()  # Beijing calendar day; default at registration: the category's interval
    next_calibration_due: Day = omittable()


class CreateDeviceBody(DeviceFields):
    id: AssetTag
    category_id: Code
    name: Name
    owner_department_id: Code


class UpdateDeviceBody(DeviceFields):
    category_id: Code = omittable()
    owner_department_id: Code = omittable()
    status: Literal["available", "maintenance", "retired"] = omittable()
    status_reason: ShortText = omittable()


class DeviceListQuery(PageQuery):
    """`status=cleaning` alone: waiting for disinfection, longest waiting first (`cleaning_alert=true`: only
    those past MEDPOOL_CLEANING_ALERT_HOURS). `due_within_days`: maintenance or calibration due by today + N
    days (past due first); it takes no other filter."""

    category_id: Code | None = None
    status: DeviceStatus | None = None
    holder: Code | None = None
    cleaning_alert: bool | None = None
    due_within_days: integer(0, 366) | None = None


class DeviceOut(Out):
    id: str
    category_id: str
    name: str
    brand: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    serial_no: str | None = None
    owner_department_id: str
    location: str | None = None
    purchase_price_fen: int | None = None
    purchase_date: str | None = None
    service_life_years: int | None = None
    service_life_ends_on: str | None = None  # purchase_date + service_life_years
    records_kept_until: str | None = None  # earliest day its records may be purged: service life end + 5 years
    status: DeviceStatus
    status_reason: str | None = None
    status_changed_at: str | None = None
    current_loan_id: str | None = None
    holder_department_id: str | None = None
    label_issued_at: str | None = None  # when the label's code was last issued (managers)
    next_maintenance_due: str | None = None
    next_calibration_due: str | None = None
    maintenance_overdue: bool = False  # past next_maintenance_due (Beijing day): not lent
    calibration_overdue: bool = False
    last_disinfected_at: str | None = None
    cleaning_since: str | None = None  # waiting for disinfection since (the return)
    waiting_hours: float | None = None  # hours waiting for disinfection (cleaning devices)
    cleaning_alert: bool | None = None  # waiting longer than MEDPOOL_CLEANING_ALERT_HOURS
    cleaning_hours_total: float | None = None  # hours spent waiting for disinfection, all cycles
    version: int

    @model_validator(mode="after")
    def _derived(self) -> "DeviceOut":
        from medpool.services import disinfection, retention, upkeep

        today = upkeep.today()
        self.service_life_ends_on = retention.service_life_ends_on(self.purchase_date, self.service_life_years)
        self.records_kept_until = retention.records_kept_until(self.purchase_date, self.service_life_years)
        self.maintenance_overdue = bool(self.next_maintenance_due and self.next_maintenance_due < today)
        self.calibration_overdue = bool(self.next_calibration_due and self.next_calibration_due < today)
        if self.status == "cleaning" and self.cleaning_since:
            self.waiting_hours, self.cleaning_alert = disinfection.waited(self.cleaning_since)
        return self

    @classmethod
    def seen_by(cls, user: object, device: object) -> "DeviceOut":
        """The device as `user` may see it (policy.hidden_device_fields): hidden fields are null."""
        out = cls.model_validate(device)
        for field in hidden_device_fields(user, out.holder_department_id):
            setattr(out, field, None)
        return out


class DisinfectionBody(Body):
    """The device at hand (`scan`: its label's scene; or `device_id`: the asset tag typed in), and how it was
    disinfected."""

    scan: Scene | None = None
    device_id: AssetTag | None = None
    method: DisinfectionMethod
    agent: ShortText | None = None  # the disinfectant (e.g. 含氯消毒剂 500mg/L)
    performed_by: ShortText | None = None  # who disinfected; default: the person recording it
    performed_at: Time | None = None  # default: now
    note: Note | None = None


class MaintenanceRecordBody(Body):
    kind: Literal["maintenance", "calibration"]
    result: Literal["pass", "fail"]
    performed_on: Day | None = None  # Beijing calendar day; default today
    certificate_no: ShortText | None = None  # calibration certificate number (检定证书编号)
    next_due: Day | None = None  # default: performed_on + the category's interval
    note: Note | None = None


class RetireQuery(Query):
    reason: ShortText | None = None


class DeviceDetailOut(DeviceOut):
    current_loan: LoanOut | None = None
    category_name: str
    guide: str | None = None
    guide_url: str | None = None
    maintenance_interval_days: int | None = None  # the category's: the maintenance form's default next date
    calibration_interval_days: int | None = None


class DeviceHistoryOut(Out):
    device: DeviceOut
    loans: list[LoanOut]
    records: list[RecordOut]


RecordKey = Annotated[str, StringConstraints(pattern=r"^[0-9T:.Z-]{20,32}#[0-9a-f]{8}$")]
CERTIFICATE_PATH = {"cid": r"^[0-9a-f]{16}$"}
# base64; its length is bounded by the route's body limit, the decoded file's by files.MAX_BYTES (413)
Base64File = Annotated[str, StringConstraints(min_length=4, pattern=r"^[A-Za-z0-9+/]+={0,2}$")]


class DossierQuery(Query):
    format: Literal["json", "xlsx", "pdf"] = "json"


class DossiersQuery(Query):
    """One of the two: the devices of a category, or of an owner department."""

    category_id: Code | None = None
    owner_department_id: Code | None = None


class CertificateBody(Body):
    """A certificate file (PDF, PNG or JPEG, at most 4 MB, its type read from its bytes) for one of the
    device's maintenance or calibration records (`record_key`, as in the dossier)."""

    record_key: RecordKey
    filename: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    content: Base64File


class CertificateOut(Out):
    id: str
    record_key: str
    kind: Literal["maintenance", "calibration"]
    performed_on: str | None = None
    certificate_no: str | None = None
    filename: str | None = None
    content_type: str
    size: int
    sha256: str
    uploaded_at: str
    uploaded_by: str | None = None


class DossierIdentity(Out):
    id: str
    name: str
    category: str
    brand: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    serial_no: str | None = None
    purchase_date: str | None = None
    purchase_price_fen: int | None = None
    service_life_years: int | None = None
    service_life_ends_on: str | None = None
    records_kept_until: str | None = None  # service life end + 5 years
    owner_department: str | None = None
    location: str | None = None
    status: DeviceStatus
    status_label: str
    registered_at: str
    loans: int
    total_hours_used: float  # hand-over to return (to now while out), summed over every loan
    disinfections: int
    maintenances: int
    calibrations: int
    generated_at: str


class DossierLoan(Out):
    loan_id: str
    department_id: str
    department: str | None = None
    requested_at: str
    handed_over_at: str | None = None
    returned_at: str | None = None
    hours_used: float | None = None
    status: str
    status_label: str
    condition: str | None = None
    return_note: str | None = None
    charge_fen: int | None = None


class DossierDisinfection(Out):
    performed_at: str
    method: str | None = None
    method_label: str | None = None
    agent: str | None = None
    performed_by: str | None = None
    loan_id: str | None = None
    waited_hours: float | None = None
    recorded_by: str | None = None


class DossierUpkeep(Out):
    record_key: str
    kind: Literal["maintenance", "calibration"]
    kind_label: str
    performed_on: str | None = None
    result: str | None = None
    result_label: str | None = None
    certificate_no: str | None = None
    next_due: str | None = None
    note: str | None = None
    files: int
    recorded_by: str | None = None


class DossierDamage(Out):
    loan_id: str
    department: str | None = None
    returned_at: str | None = None
    note: str | None = None


class DossierChange(Out):
    at: str
    action: str
    what: str
    before: str
    after: str
    note: str | None = None
    by: str | None = None


class DossierOut(Out):
    identity: DossierIdentity
    loans: list[DossierLoan]
    disinfections: list[DossierDisinfection]
    upkeep: list[DossierUpkeep]
    certificates: list[CertificateOut]
    damage: list[DossierDamage]
    changes: list[DossierChange]
