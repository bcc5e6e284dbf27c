"""Devices: registration, editing, maintenance and retirement, listing and history."""
from __future__ import annotations

from dataclasses import dataclass

from medpool import clock
from medpool.errors import Conflict, NotFound, Unprocessable
from medpool.labels import DEVICE_STATUS
from medpool.models.device import SCOPE, Device
from medpool.models.loan import Loan
from medpool.models.record import Record
from medpool.models.user import User
from medpool.policy import require_department, sees_department
from medpool.services import availability, categories, departments, ledger, upkeep
from medpool.services.audit import add_record, changed_fields, subject_key
from medpool.services.pages import DEFAULT_LIMIT, Page, all_of, decode_cursor, page_of, scope_of
from medpool.services.references import referenced
from medpool.services.transactions import transaction

EDITABLE = ("name", "brand", "manufacturer", "model", "serial_no", "owner_department_id", "location",
            "purchase_price_fen", "purchase_date", "service_life_years", "category_id", "next_maintenance_due",
            "next_calibration_due")
# manual status changes (loans move devices between available, reserved and on_loan)
MANUAL_TRANSITIONS = {
    "available": {"maintenance", "retired"},
    "maintenance": {"available", "retired"},
    "cleaning": {"maintenance", "retired"},  # to available only by recording the disinfection
}


@dataclass(frozen=True)
class DeviceDetail:
    device: Device
    current_loan: Loan | None
    category: object


@dataclass(frozen=True)
class DeviceHistory:
    device: Device
    loans: list[Loan]
    records: list[Record]


def snapshot(device: Device) -> dict:
    return {field: getattr(device, field) for field in (*EDITABLE, "status", "status_reason", "current_loan_id")}


def get_device(device_id: str) -> Device:
    try:
        return Device.get(device_id)
    except Device.DoesNotExist as error:
        raise NotFound("设备不存在", code="device_not_found") from error


def detail(user: User, device_id: str) -> DeviceDetail:
    """A device with its category (for the operating guide) and its current loan, when the user may see that
    loan (another department's loan shows only as the device's status and holder)."""
    device = get_device(device_id)
    visible = device.current_loan_id and sees_department(user, device.holder_department_id or "")
    loan = Loan.get(device.current_loan_id) if visible else None
    return DeviceDetail(device=device, current_loan=loan, category=categories.get_category(device.category_id))


def _check_references(fields: dict):
    """The category and department named must exist; returns the category read (or None)."""
    category = categories.require_existing(fields["category_id"]) if "category_id" in fields else None
    if "owner_department_id" in fields:
        departments.require_existing(fields["owner_department_id"])
    return category


def create_device(actor: User, device_id: str, fields: dict) -> Device:
    category = _check_references(fields)
    fields = {**upkeep.initial_dues(category, fields), **fields}  # due dates not given: the category's intervals
    now = clock.now_iso()
    device = Device(device_id, status="available", status_changed_at=now, created_at=now, **fields)
    with transaction(Conflict(f"资产编号 {device_id} 已登记", code="device_exists")) as writer:
        add_record(writer, kind="device", subject_id=device_id, actor=actor.openid, action="device.create",
                   after=snapshot(device), head=device)
        writer.save(device, condition=Device.id.does_not_exist())
        availability.move_device(writer, device, None, now)
    return device


def update_device(actor: User, device_id: str, changes: dict) -> Device:
    """Edit fields and/or move the device to maintenance, back to service, or retire it."""
    device = get_device(device_id)
    before = snapshot(device)
    counted_as = (device.category_id, device.status)  # what the availability counts know it as
    status = changes.get("status")
    downtime: list = []
    if status and status != device.status:
        if status not in MANUAL_TRANSITIONS.get(device.status, set()):
            if device.status in ("reserved", "on_loan"):
                raise Conflict("设备已预留或借出，归还后才能变更状态", code="device_in_use")
            raise Conflict(f"设备状态不能从「{DEVICE_STATUS[device.status]}」变为「{DEVICE_STATUS[status]}」",
                           code="invalid_status_transition")
        now = clock.now_iso()
        if device.status == "maintenance":  # the out-of-pool interval closes: statistics ledger
            downtime = ledger.downtime_entries(device, "maintenance", device.status_changed_at or device.created_at,
                                               now)
        device.status, device.status_changed_at = status, now
        device.status_reason = changes.get("status_reason")
        if status == "available" and device.needs_disinfection:  # repaired after use on a patient
            status = device.status = "cleaning"
            device.status_reason = "维修完成，待消毒"
    for field, label in (("category_id", "类别"), ("owner_department_id", "所属科室")):
        if field in changes and changes[field] != getattr(device, field) and device.current_loan_id:
            raise Conflict(f"设备已预留或借出，归还后才能更改{label}", code="device_in_use")
    edits = {field: changes[field] for field in EDITABLE if field in changes}
    _check_references(edits)
    for field, value in edits.items():
        setattr(device, field, value)
    old, new = changed_fields(before, snapshot(device))
    if not new:
        return device
    device.updated_at = clock.now_iso()
    action = f"device.{status}" if "status" in new else "device.update"
    with transaction(Conflict("设备信息已被他人修改或状态已变化，请刷新后重试", code="concurrent_modification")) as writer:
        add_record(writer, kind="device", subject_id=device_id, actor=actor.openid, action=action,
                   before=old, after=new, note=changes.get("status_reason"), head=device)
        writer.save(device)  # version condition: a loan transition in between makes this fail
        ledger.add_all(writer, downtime)
        if counted_as != (device.category_id, device.status):
            if counted_as[0] == device.category_id:
                availability.move_device(writer, device, counted_as[1], device.updated_at)
            else:  # moved to another category (never while held)
                availability.move(writer, counted_as[0], counted_as[1], None)
                availability.move_device(writer, device, None, device.updated_at)
    left = counted_as[0] if counted_as[0] != device.category_id else None  # moved to another category
    if left or ("status" in new and device.status in ("maintenance", "retired")):
        from medpool.services.bookings import conflicts  # the bookings counting on it (after the commit)

        conflicts.on_device_down(actor.openid, device, left_category=left)
    return device


def retire_device(actor: User, device_id: str, reason: str | None = None) -> Device:
    return update_device(actor, device_id, {"status": "retired", "status_reason": reason or "报废"})


def list_devices(user: User, category_id: str | None, status: str | None, holder_department_id: str | None,
                 limit: int = DEFAULT_LIMIT, cursor: str | None = None, *, cleaning_alert: bool = False,
                 due_within_days: int | None = None) -> Page[Device]:
    """Devices held by a department (an applicant: their own), of a category (by status), waiting for
    disinfection (longest first), falling due for maintenance or calibration, or all of them; paginated."""
    from medpool.services import disinfection  # it builds on device_codes, which builds on this module

    if holder_department_id:
        require_department(user, holder_department_id)
    if (cleaning_alert and status != "cleaning") or (due_within_days is not None and (
            status or category_id or holder_department_id)):
        raise Unprocessable("筛选条件不能这样组合", code="invalid_filter")
    scope = scope_of("devices", category_id, status, holder_department_id, cleaning_alert, due_within_days)
    start = decode_cursor(cursor, scope)
    by_status = (Device.status == status) if status else None
    if due_within_days is not None:
        results = upkeep.due_query(due_within_days, limit, start)
    elif status == "cleaning" and not (category_id or holder_department_id):
        results = disinfection.waiting_query(cleaning_alert, limit, start)
    elif cleaning_alert:
        raise Unprocessable("待消毒超时筛选只能单独使用", code="invalid_filter")
    elif holder_department_id:
        results = Device.by_holder.query(
            holder_department_id, filter_condition=all_of(by_status, (Device.category_id == category_id)
                                                           if category_id else None),
            limit=limit, last_evaluated_key=start)
    elif category_id:
        results = Device.by_category_status.query(category_id, by_status, limit=limit, last_evaluated_key=start)
    else:
        results = Device.by_scope.query(SCOPE, filter_condition=by_status, limit=limit, last_evaluated_key=start)
    return page_of(results, scope)


def history(device_id: str, limit: int = 50) -> DeviceHistory:
    """The device's loans (newest first) and its own audit records (newest first)."""
    device = get_device(device_id)
    loans = list(Loan.by_device.query(device_id, scan_index_forward=False, limit=limit))
    records = list(Record.query(subject_key("device", device_id), scan_index_forward=False, limit=limit))
    return DeviceHistory(device=device, loans=loans, records=records)


def get_device_for_request(device_id: str) -> Device:
    """A device named in a request must exist (422 otherwise)."""
    return referenced(get_device, device_id, "设备", "unknown_device")


def unknown_device(device_id: str) -> Unprocessable:
    """A device named in a request (not in the URL) that does not exist."""
    return Unprocessable(f"设备 {device_id} 不存在", code="unknown_device")


def find_device(device_id: str) -> Device | None:
    try:
        return Device.get(device_id, consistent_read=True)
    except Device.DoesNotExist:
        return None


def require_available_in(device: Device, category_id: str) -> None:
    if device.category_id != category_id:
        raise Unprocessable("该设备不属于申请的类别", code="wrong_category")
    if device.status != "available" or device.current_loan_id:
        reason = "设备归还后待消毒，" if device.status == "cleaning" else ""
        raise Conflict(f"该设备当前不可借用，{reason}请选择其他设备", code="device_unavailable")
