"""Categories, devices and a device's history (with its loans)."""

from typing import Annotated, Literal

from pydantic import StringConstraints

from medpool.api.schemas.common import (CODE_PATH, AssetTag, Body, Code, Name, Out, PageQuery, Query, days, integer,
                                        omittable)
from medpool.api.schemas.loans import LoanOut, RecordOut
from medpool.policy import hidden_device_fields

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
Guide = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S{1,500}$")]
Fen = integer(0, 10**11)
LoanHours = integer(1, 24 * 365)
PurchaseDate = days(1950)  # pool devices may be older than the years the system otherwise accepts
DeviceStatus = Literal["available", "reserved", "on_loan", "maintenance", "retired"]


class Availability(Out):
    available: int
    reserved: int
    on_loan: int
    maintenance: int


class CategoryOut(Out):
    id: str
    name: str
    rate_fen: int
    rate_unit: Literal["hour", "day"]
    max_loan_hours: int
    guide: str | None = None
    guide_url: str | None = None
    availability: Availability


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


class UpdateCategoryBody(Body):
    name: Name = omittable()
    rate_fen: Fen = omittable()
    rate_unit: Literal["hour", "day"] = omittable()
    max_loan_hours: LoanHours = omittable()
    guide: Guide = omittable()
    guide_url: Url = omittable()


class DeviceFields(Body):
    name: Name = omittable()
    brand: ShortText = omittable()
    model: ShortText = omittable()
    serial_no: ShortText = omittable()
    location: ShortText = omittable()
    purchase_price_fen: Fen = omittable()
    purchase_date: PurchaseDate = omittable()


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
    category_id: Code | None = None
    status: DeviceStatus | None = None
    holder: Code | None = None


class DeviceOut(Out):
    id: str
    category_id: str
    name: str
    brand: str | None = None
    model: str | None = None
    serial_no: str | None = None
    owner_department_id: str
    location: str | None = None
    purchase_price_fen: int | None = None
    purchase_date: str | None = None
    status: DeviceStatus
    status_reason: str | None = None
    status_changed_at: str | None = None
    current_loan_id: str | None = None
    holder_department_id: str | None = None
    label_issued_at: str | None = None  # when the label's code was last issued (managers)
    version: int

    @classmethod
    def seen_by(cls, user: object, device: object) -> "DeviceOut":
        """The device as `user` may see it (policy.hidden_device_fields): hidden fields are null."""
        out = cls.model_validate(device)
        for field in hidden_device_fields(user, out.holder_department_id):
            setattr(out, field, None)
        return out


class RetireQuery(Query):
    reason: ShortText | None = None


class DeviceDetailOut(DeviceOut):
    current_loan: LoanOut | None = None
    category_name: str
    guide: str | None = None
    guide_url: str | None = None


class DeviceHistoryOut(Out):
    device: DeviceOut
    loans: list[LoanOut]
    records: list[RecordOut]
