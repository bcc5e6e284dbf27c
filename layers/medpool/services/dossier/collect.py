"""Gather one device's dossier: its item (GetItem), its loans (the `device_id-requested_at` index), its own
records (the records table's `device#<id>` partition), then the names it shows (categories and departments:
one Query each; the people who recorded: one BatchGetItem). No Scan, no filter over history."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from medpool import clock
from medpool.errors import NotFound, Unprocessable
from medpool.labels import DEVICE_STATUS, LOAN_STATUS
from medpool.models.device import STATUSES, Device
from medpool.models.loan import Loan
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import categories, departments, retention
from medpool.services.audit import subject_key
from medpool.services.certificates.attach import certificates_of
from medpool.services.disinfection import METHODS, hours_between
from medpool.services.upkeep import KINDS, RECORD_ACTIONS, RESULTS

MAX_DEVICES = 100  # one export of a category or department (each device: two Queries)
TRANSFER_FIELDS = {"owner_department_id": "所属科室", "location": "存放位置", "category_id": "类别"}
STATUS_ACTIONS = {f"device.{status}" for status in STATUSES}
UPKEEP_ACTIONS = {action: kind for kind, action in RECORD_ACTIONS.items()}


@dataclass
class Dossier:
    device: Device
    identity: dict
    loans: list[dict] = field(default_factory=list)
    disinfections: list[dict] = field(default_factory=list)
    upkeep: list[dict] = field(default_factory=list)
    certificates: list[dict] = field(default_factory=list)
    damage: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Names:
    categories: dict
    departments: dict
    people: dict

    def department(self, department_id: str | None) -> str | None:
        return self.departments.get(department_id, department_id) if department_id else None

    def person(self, openid: str | None) -> str | None:
        return self.people.get(openid, openid) if openid else None


def _hours(start: str | None, end: str | None) -> float | None:
    return round(hours_between(start, end), 2) if start and end else None


def _read(device: Device) -> tuple[list[Loan], list[Record]]:
    loans = list(Loan.by_device.query(device.id))  # oldest first
    records = list(Record.query(subject_key("device", device.id)))  # oldest first
    return loans, records


def _reference_names() -> tuple[dict, dict]:
    """Category and department names: one Query of each bounded partition."""
    return ({c.id: c.name for c in categories.list_categories()},
            {d.id: d.name for d in departments.list_departments()})


def _names(read: list[tuple[Device, list[Loan], list[Record]]], references: tuple[dict, dict]) -> Names:
    """The names the dossiers show: the people who recorded or uploaded (one BatchGetItem) and the references."""
    actors = sorted(({r.actor for _, _, records in read for r in records}
                     | {a.get("uploaded_by") for d, _, _ in read for a in (d.certificates or {}).values()}) - {None})
    people = {user.openid: user.name for user in User.batch_get(actors, attributes_to_get=["openid", "name"])} \
        if actors else {}
    people.setdefault("system", "系统")
    return Names(categories=references[0], departments=references[1], people=people)


def _loan_row(loan: Loan, names: Names, now: str) -> dict:
    back = loan.returned_at or (now if loan.status in ("in_use", "return_requested") else None)
    return {"loan_id": loan.id, "department_id": loan.department_id,
            "department": names.department(loan.department_id), "requested_at": loan.requested_at,
            "handed_over_at": loan.handed_over_at, "returned_at": loan.returned_at,
            "hours_used": _hours(loan.handed_over_at, back) if loan.handed_over_at else 0.0,
            "status": loan.status, "status_label": LOAN_STATUS.get(loan.status, loan.status),
            "condition": loan.condition, "return_note": loan.return_note,
            "charge_fen": int(loan.charge_fen) if loan.charge_fen is not None else None}


def _change(record: Record, names: Names) -> dict | None:
    before, after = record.before or {}, record.after or {}
    if record.action == "device.create":
        what, old, new = "登记", "", DEVICE_STATUS.get(after.get("status"), after.get("status") or "")
    elif record.action in STATUS_ACTIONS or (before.get("status") and after.get("status")
                                              and before["status"] != after["status"]):  # a disinfection, a failed check
        what = "状态变更"
        old = DEVICE_STATUS.get(before.get("status"), before.get("status") or "")
        new = DEVICE_STATUS.get(after.get("status"), after.get("status") or "")
    elif record.action == "device.update" and set(after) & set(TRANSFER_FIELDS):
        moved = [name for name in TRANSFER_FIELDS if name in after]
        what = "转移" if "owner_department_id" in moved or "location" in moved else "变更类别"

        def show(values: dict) -> str:
            shown = {"owner_department_id": names.department, "category_id": lambda c: names.categories.get(c, c)}
            return "；".join(f"{TRANSFER_FIELDS[n]}：{shown.get(n, lambda v: v)(values.get(n)) or '-'}"
                            for n in moved)

        old, new = show(before), show(after)
    else:
        return None
    return {"at": record.at, "action": record.action, "what": what, "before": old, "after": new,
            "note": record.note, "by": names.person(record.actor)}


def _assemble(device: Device, loans: list[Loan], records: list[Record], names: Names) -> Dossier:
    now = clock.now_iso()
    dossier = Dossier(device=device, identity={})
    dossier.loans = [_loan_row(loan, names, now) for loan in loans]
    dossier.certificates = [{**entry, "uploaded_by": names.person(entry.get("uploaded_by"))}
                            for entry in certificates_of(device)]
    files_of: dict[str, int] = {}
    for entry in dossier.certificates:
        files_of[entry["record_key"]] = files_of.get(entry["record_key"], 0) + 1
    dossier.damage = [{"loan_id": row["loan_id"], "department": row["department"], "returned_at": row["returned_at"],
                       "note": row["return_note"]} for row in dossier.loans if row["condition"] == "damaged"]
    for record in records:
        after = record.after or {}
        if record.action == "device.disinfect":
            dossier.disinfections.append({
                "performed_at": after.get("performed_at") or record.at, "method": after.get("method"),
                "method_label": METHODS.get(after.get("method"), after.get("method")), "agent": after.get("agent"),
                "performed_by": after.get("performed_by"), "loan_id": after.get("loan_id"),
                "waited_hours": after.get("cleaning_hours"), "recorded_by": names.person(record.actor)})
        elif record.action in UPKEEP_ACTIONS:
            kind = UPKEEP_ACTIONS[record.action]
            field_name, _, label, _ = KINDS[kind]
            dossier.upkeep.append({
                "record_key": record.record_key, "kind": kind, "kind_label": label,
                "performed_on": after.get("performed_on"), "result": after.get("result"),
                "result_label": RESULTS.get(after.get("result"), after.get("result")),
                "certificate_no": after.get("certificate_no"), "next_due": after.get(field_name),
                "note": record.note, "files": files_of.get(record.record_key, 0),
                "recorded_by": names.person(record.actor)})
        if (change := _change(record, names)) is not None:
            dossier.changes.append(change)
    total = round(sum(row["hours_used"] or 0 for row in dossier.loans), 2)
    dossier.identity = {
        "id": device.id, "name": device.name, "category": names.categories.get(device.category_id,
                                                                            device.category_id),
        "brand": device.brand, "manufacturer": device.manufacturer, "model": device.model,
        "serial_no": device.serial_no, "purchase_date": device.purchase_date,
        "purchase_price_fen": int(device.purchase_price_fen) if device.purchase_price_fen is not None else None,
        "service_life_years": int(device.service_life_years) if device.service_life_years else None,
        "service_life_ends_on": retention.service_life_ends_on(device.purchase_date, device.service_life_years),
        "records_kept_until": retention.records_kept_until(device.purchase_date, device.service_life_years),
        "owner_department": names.department(device.owner_department_id), "location": device.location,
        "status": device.status, "status_label": DEVICE_STATUS.get(device.status, device.status),
        "registered_at": device.created_at, "loans": len(dossier.loans),
        "total_hours_used": total, "disinfections": len(dossier.disinfections),
        "maintenances": sum(1 for row in dossier.upkeep if row["kind"] == "maintenance"),
        "calibrations": sum(1 for row in dossier.upkeep if row["kind"] == "calibration"),
        "generated_at": now}
    return dossier


def device_dossier(device_id: str) -> Dossier:
    try:
        device = Device.get(device_id)
    except Device.DoesNotExist as error:
        raise NotFound("设备不存在", code="device_not_found") from error
    loans, records = _read(device)
    return _assemble(device, loans, records, _names([(device, loans, records)], _reference_names()))


def dossiers_of(category_id: str | None = None, owner_department_id: str | None = None) -> list[Dossier]:
    """The dossiers of a category's or an owner department's devices (by asset tag), retired ones included."""
    if bool(category_id) == bool(owner_department_id):
        raise Unprocessable("请按类别或所属科室之一导出", code="invalid_filter")
    references = _reference_names()
    if category_id and category_id not in references[0]:
        raise Unprocessable("设备类别不存在", code="unknown_category")
    if owner_department_id and owner_department_id not in references[1]:
        raise Unprocessable("科室不存在", code="unknown_department")
    query = (Device.by_category_status.query(category_id, limit=MAX_DEVICES + 1) if category_id
             else Device.by_owner.query(owner_department_id, limit=MAX_DEVICES + 1))
    found = sorted(query, key=lambda device: device.id)
    if len(found) > MAX_DEVICES:
        raise Unprocessable(f"一次最多导出 {MAX_DEVICES} 台设备的档案，请缩小范围", code="too_many_devices")
    with ThreadPoolExecutor(max_workers=8) as pool:  # two Queries a device, side by side
        read = [(device, *pair) for device, pair in zip(found, pool.map(_read, found))]
    names = _names(read, references)
    return [_assemble(device, loans, records, names) for device, loans, records in read]
