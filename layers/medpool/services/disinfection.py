"""Disinfection between patients (清洁消毒): a confirmed ok return sends the device to `cleaning`; a clerk
records the disinfection by scanning the device's label (a manager may type the asset tag), and only then is
the device `available`. One TransactWrite: the device (conditioned on `cleaning`, its version and the label
scanned), its category's counts, the device's record and a record on the last loan's timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from medpool import clock
from medpool.config import get_settings
from medpool.errors import Conflict, NotFound, Unprocessable
from medpool.models.device import SCOPE, Device
from medpool.models.loan import Loan
from medpool.models.user import User
from medpool.services import availability, batch_reads, device_codes
from medpool.services.audit import add_record
from medpool.services.transactions import transaction

METHODS = {"chlorine_wipe": "含氯消毒剂擦拭", "alcohol_75": "75%酒精擦拭", "hydrogen_peroxide": "过氧化氢",
           "uv": "紫外线照射", "other": "其他"}
RACE = Conflict("设备状态已变化，请刷新后重试", code="concurrent_modification")


@dataclass(frozen=True)
class Disinfection:
    method: str
    agent: str | None = None  # the disinfectant product / concentration
    performed_by: str | None = None  # who disinfected (default: the person recording it)
    performed_at: str | None = None  # UTC; default now
    note: str | None = None


def hours_between(start: str, end: str) -> float:
    return round(max(0.0, (clock.parse_iso(end) - clock.parse_iso(start)).total_seconds() / 3600), 2)


def record(actor: User, device_id: str, done: Disinfection, *, scan: str | None = None,
           typed_id: str | None = None) -> Device:
    """Record the disinfection of the device at hand; a repeat (the device not moved since) is a no-op."""
    identified = device_codes.identify(actor, scan, typed_id)
    if identified.device_id != device_id:
        raise Unprocessable("扫描的设备与当前设备不一致", code="wrong_device")
    try:
        return _record(actor, device_id, done, identified)
    except Conflict as error:
        if error.code != RACE.code:
            raise
        return _record(actor, device_id, done, identified)  # once more on fresh data: a repeat or the reason


def _record(actor: User, device_id: str, done: Disinfection, identified: device_codes.Identified) -> Device:
    device = batch_reads.get_many((Device, device_id))[0]
    if device is None:
        raise NotFound("设备不存在", code="device_not_found")
    device_codes.require_label(device, identified)
    if device.status != "cleaning":
        if device.last_disinfected_at and device.last_disinfected_at == device.status_changed_at:
            return device  # disinfected, and not moved since: the repeat of that request
        raise Conflict("设备不在待消毒状态", code="device_not_cleaning")
    now = clock.now_iso()
    started = device.status_changed_at or now
    performed_at = clock.to_iso(clock.parse_iso(done.performed_at)) if done.performed_at else now
    if performed_at > now:
        raise Unprocessable("消毒时间不能晚于当前时间", code="performed_in_future")
    if performed_at < started:
        raise Unprocessable("消毒时间不能早于设备归还时间", code="performed_before_return")
    waited = hours_between(started, now)
    details = {"method": done.method, "method_label": METHODS[done.method], "agent": done.agent,
               "performed_by": done.performed_by or actor.name,
               "performed_at": performed_at, "cleaning_started_at": started, "cleaning_ended_at": now,
               "cleaning_hours": waited, "loan_id": device.last_loan_id, "identified_by": identified.method}
    device.status, device.status_reason, device.status_changed_at = "available", None, now
    device.last_disinfected_at = device.updated_at = now
    device.needs_disinfection = None
    device.cleaning_hours_total = round(float(device.cleaning_hours_total or 0) + waited, 2)
    note = f"{METHODS[done.method]}" + (f"（{done.agent}）" if done.agent else "") + (
        f"：{done.note}" if done.note else "")
    label = device_codes.label_condition(identified)
    condition = Device.status == "cleaning"
    with transaction(RACE) as writer:
        add_record(writer, kind="device", subject_id=device.id, actor=actor.openid, action="device.disinfect",
                   before={"status": "cleaning"}, after={"status": "available", **details}, note=note, at=now,
                   head=device)
        writer.save(device, condition=condition & label if label is not None else condition)  # + the version
        availability.move_device(writer, device, "cleaning", now)
        if device.last_loan_id:  # the loan's timeline shows the step (a loose record: the loan is not read)
            add_record(writer, kind="loan", subject_id=device.last_loan_id, actor=actor.openid,
                       action="loan.disinfected", before={"status": "returned"},
                       after={"status": "returned", "device_id": device.id, **details}, note=note, at=now,
                       loose_on=Loan(device.last_loan_id))
    return device


def waited(since: str) -> tuple[float, bool]:
    """(hours waiting for disinfection since `since`, whether past MEDPOOL_CLEANING_ALERT_HOURS)."""
    hours = hours_between(since, clock.now_iso())
    return hours, hours > get_settings().cleaning_alert_hours


def waiting_query(alert_only: bool, limit: int, start: dict | None):
    """Devices waiting for disinfection, longest waiting first: one Query of the sparse cleaning index; with
    `alert_only`, a key condition keeps those waiting longer than MEDPOOL_CLEANING_ALERT_HOURS."""
    threshold = clock.to_iso(clock.now() - timedelta(hours=get_settings().cleaning_alert_hours))
    key = Device.cleaning_since < threshold if alert_only else None
    return Device.by_cleaning.query(SCOPE, key, limit=limit, last_evaluated_key=start)
