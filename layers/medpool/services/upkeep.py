"""Preventive maintenance (预防性维护) and metrology calibration (计量检定): each device has a next due date
for each (Beijing calendar days, intervals defaulted from its category). A device past either is not lent:
approve and hand-over refuse it (409 maintenance_overdue / calibration_overdue). A completed one is recorded
in the device's history with its result; a failed one sends the device to maintenance. The due list and the
scheduled reminders read the sparse `due_scope-next_due` index."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from medpool import clock
from medpool.config import get_settings
from medpool.errors import Conflict, NotFound, Unprocessable
from medpool.models.category import SCOPE as CATEGORIES, Category
from medpool.models.device import SCOPE, Device
from medpool.models.user import User
from medpool.services import audit_chain, availability, batch_reads
from medpool.services.audit import add_record
from medpool.services.transactions import transaction

KINDS = {"maintenance": ("next_maintenance_due", "maintenance_interval_days", "预防性维护", "maintenance_overdue"),
         "calibration": ("next_calibration_due", "calibration_interval_days", "计量检定", "calibration_overdue")}
RESULTS = {"pass": "合格", "fail": "不合格"}
# the records of a completed one ("device.maintenance" is the status change to maintenance)
RECORD_ACTIONS = {"maintenance": "device.maintained", "calibration": "device.calibrated"}


def today() -> str:
    return clock.business_day(clock.now())


def _day_after(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=int(days))).isoformat()


def require_lendable(device: Device, day: str | None = None) -> None:
    """A device past its maintenance or calibration date is not lent (approve, hand-over)."""
    day = day or today()
    for field, _, label, code in KINDS.values():
        due = getattr(device, field)
        if due and due < day:
            raise Conflict(f"设备 {device.id} 的{label}已于 {due} 到期，完成{label}并登记后才能借出", code=code)


def lendable_condition(day: str | None = None) -> Any:
    """The same rule as a write condition, for a device the transition does not read."""
    day = day or today()
    condition = None
    for field, *_ in KINDS.values():
        attribute = getattr(Device, field)
        clause = attribute.does_not_exist() | (attribute >= day)
        condition = clause if condition is None else condition & clause
    return condition


def initial_dues(category: Category, fields: dict, day: str | None = None) -> dict:
    """A new device's due dates not given: from its category's intervals (none: no schedule)."""
    day = day or today()
    dues = {}
    for field, interval_field, *_ in KINDS.values():
        interval = getattr(category, interval_field, None)
        if field not in fields and interval:
            dues[field] = _day_after(day, interval)
    return dues


@dataclass(frozen=True)
class UpkeepRecord:
    kind: str  # maintenance | calibration
    result: str  # pass | fail
    performed_on: str | None = None  # Beijing day; today by default
    certificate_no: str | None = None  # calibration certificate (检定证书编号)
    next_due: str | None = None  # default: performed_on + the category's interval
    note: str | None = None


def record(actor: User, device_id: str, entry: UpkeepRecord) -> Device:
    """Record a completed maintenance or calibration (one TransactWrite: the device's new due date and status,
    the counts when the status changes, the record). A repeat (same kind, day, result, certificate) is a no-op."""
    try:
        return _record(actor, device_id, entry)
    except Conflict as error:
        if error.code != "concurrent_modification":
            raise
        return _record(actor, device_id, entry)  # once more on fresh data


def _read(device_id: str, entry: UpkeepRecord) -> tuple[Device, Category | None]:
    device = batch_reads.get_many((Device, device_id))[0]
    if device is None:
        raise NotFound("设备不存在", code="device_not_found")
    category = None
    if entry.result == "pass" and entry.next_due is None:  # the default interval: one more read
        category = batch_reads.get_many((Category, CATEGORIES, device.category_id))[0]
    return device, category


def _record(actor: User, device_id: str, entry: UpkeepRecord) -> Device:
    field, interval_field, label, _ = KINDS[entry.kind]
    performed_on = entry.performed_on or today()
    if performed_on > today():
        raise Unprocessable(f"{label}日期不能晚于今天", code="performed_in_future")
    if entry.next_due is not None and entry.next_due <= performed_on:
        raise Unprocessable(f"下次{label}日期必须晚于本次日期", code="next_due_not_after")
    device, category = _read(device_id, entry)
    last = dict(device.last_upkeep or {})
    done = {"performed_on": performed_on, "result": entry.result, "certificate_no": entry.certificate_no,
            "next_due": entry.next_due}
    if last.get(entry.kind) == done:
        return device  # a repeat
    if device.status in ("reserved", "on_loan"):
        raise Conflict("设备已预留或借出，归还后才能登记维护或检定", code="device_in_use")
    if device.status == "retired":
        raise Conflict("设备已报废", code="device_retired")
    before = {"status": device.status, field: getattr(device, field)}
    status_from, now = device.status, clock.now_iso()
    if entry.result == "pass":
        interval = getattr(category, interval_field, None) if category is not None else None
        if entry.next_due is None and not interval:  # a pass always says when the next one is due
            raise Unprocessable(f"该类设备未设定{label}周期，请填写下次{label}日期",
                                code="next_due_required")
        setattr(device, field, entry.next_due or _day_after(performed_on, interval))
    elif device.status != "maintenance":
        device.status, device.status_changed_at = "maintenance", now
        device.status_reason = f"{label}不合格（{performed_on}）"
    device.last_upkeep = {**last, entry.kind: done}
    device.updated_at = now
    after = {"status": device.status, field: getattr(device, field), "kind": entry.kind, "result": entry.result,
             "performed_on": performed_on, "certificate_no": entry.certificate_no}
    note = f"{label}{RESULTS[entry.result]}" + (f"，证书 {entry.certificate_no}" if entry.certificate_no else "") + (
        f"：{entry.note}" if entry.note else "")
    with transaction(Conflict("设备信息已被他人修改，请刷新后重试", code="concurrent_modification")) as writer:
        add_record(writer, kind="device", subject_id=device.id, actor=actor.openid, action=RECORD_ACTIONS[entry.kind],
                   before=before, after=after, note=note, at=now, head=device)
        writer.save(device)  # version condition: a loan or another record in between makes this fail
        availability.move_device(writer, device, status_from, now)
    if status_from != device.status:  # failed: the bookings counting on it are checked (after the commit)
        from medpool.services.bookings import conflicts

        conflicts.on_device_down(actor.openid, device)
    return device


def due_query(days: int, limit: int, start: dict | None = None):
    """Devices whose maintenance or calibration falls due by today + days (past due first): one Query of the
    sparse due index."""
    until = _day_after(today(), days)
    return Device.by_due.query(SCOPE, Device.next_due <= until, limit=limit, last_evaluated_key=start)


def due_kinds(device: Device, until: str) -> list[tuple[str, str]]:
    """(kind, due date) of a device falling due by `until`."""
    return [(kind, getattr(device, field)) for kind, (field, *_) in KINDS.items()
            if getattr(device, field) and getattr(device, field) <= until]


def remind_due(started_at: str, days: int | None = None) -> tuple[int, list[str]]:
    """The scheduled check's part: for each device whose maintenance or calibration falls due within
    MEDPOOL_UPKEEP_REMINDER_DAYS (or is past due), one reminder to the managers through the outbox, once per
    (device, kind, due date): the event id is derived from them and put only if absent, in a transaction
    conditioned on the due date read from the (eventually consistent) index. Returns (read, reminded ids)."""
    from medpool.services.notify import outbox  # the notifier's modules: the schedule's, not the routes'

    days = get_settings().upkeep_reminder_days if days is None else days
    until = _day_after(clock.business_day_of(started_at), days)
    read, reminded = 0, []
    for device in Device.by_due.query(SCOPE, Device.next_due <= until):
        read += 1
        for kind, due in due_kinds(device, until):
            event = outbox.device_event(kind, device, due, started_at)
            if outbox.exists(event.id):
                continue  # reminded of this due date already
            field, _, label, _ = KINDS[kind]
            try:
                with transaction(Conflict("已被另一次检查处理", code="overdue_race")) as writer:
                    record = add_record(writer, kind="device", subject_id=device.id, actor="system",
                                        action="device.due_reminder", before={"status": device.status},
                                        after={"status": device.status, "kind": kind, field: due}, at=started_at,
                                        note=f"{label}到期日 {due}，已提醒设备科")
                    # the device as the index showed it (a condition), listing the loose record (one operation)
                    unread = Device(device.id)
                    unread.version = 0  # PynamoDB adds `version + 1` (add_version_condition=False)
                    writer.update(unread, actions=audit_chain.loose_actions(Device, record),
                                  add_version_condition=False,
                                  condition=(getattr(Device, field) == due) & (Device.status == device.status))
                    outbox.add(writer, event)
            except Conflict:
                continue  # a concurrent run reminded, or the date changed since the index read
            reminded.append(f"{device.id}#{kind}")
    return read, reminded
