"""Attach a certificate file to one of a device's maintenance / calibration records, and read it back.
The file goes to the certificate store under a key derived from (device, record, content); its description
goes onto the device item (`certificates`) with the audit record `device.certificate`, in one transaction
guarded by the device's version. Sending the same file again for the same record changes nothing."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from medpool import clock
from medpool.errors import Conflict, NotFound, Unprocessable
from medpool.models.device import Device
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services.audit import add_record, subject_key
from medpool.services.certificates import files
from medpool.services.certificates.store import get_store
from medpool.services.transactions import transaction
from medpool.services.upkeep import RECORD_ACTIONS

MAX_PER_DEVICE = 200  # keeps the device item far below DynamoDB's 400 KB
KINDS = {action: kind for kind, action in RECORD_ACTIONS.items()}


@dataclass(frozen=True)
class CertificateFile:
    content: bytes
    content_type: str
    filename: str  # what the download is called: <asset tag>-<certificate id>.<extension>


def storage_key(device_id: str, cid: str) -> str:
    return f"certificates/{device_id}/{cid}"


def _device(device_id: str) -> Device:
    try:
        return Device.get(device_id, consistent_read=True)
    except Device.DoesNotExist as error:
        raise NotFound("设备不存在", code="device_not_found") from error


def _upkeep_record(device_id: str, record_key: str) -> Record:
    try:
        record = Record.get(subject_key("device", device_id), record_key)
    except Record.DoesNotExist:
        record = None
    if record is None or record.action not in KINDS:
        raise Unprocessable("该设备没有这条维护或检定记录", code="unknown_upkeep_record")
    return record


def attach(actor: User, device_id: str, record_key: str, content: bytes, filename: str | None = None) -> dict:
    """Store the file and describe it on the device; returns the certificate's description (with `id`)."""
    content_type = files.sniff(content)
    digest = hashlib.sha256(content).hexdigest()
    cid = hashlib.sha256(f"{device_id}|{record_key}|{digest}".encode()).hexdigest()[:16]
    record = _upkeep_record(device_id, record_key)
    for attempt in range(2):  # once more on fresh data when another write to the device came in between
        device = _device(device_id)
        known = dict(device.certificates or {})
        if cid in known:
            return {"id": cid, **known[cid]}  # sent again: already attached
        if len(known) >= MAX_PER_DEVICE:
            raise Conflict(f"每台设备最多 {MAX_PER_DEVICE} 个证书文件", code="too_many_certificates")
        get_store().put(storage_key(device_id, cid), content, content_type)
        after = record.after or {}
        entry = {"record_key": record_key, "kind": KINDS[record.action], "performed_on": after.get("performed_on"),
                 "certificate_no": after.get("certificate_no"), "filename": (filename or "")[:100] or None,
                 "content_type": content_type, "size": len(content), "sha256": digest,
                 "uploaded_at": clock.now_iso(), "uploaded_by": actor.openid}
        device.certificates = {**known, cid: entry}
        device.updated_at = entry["uploaded_at"]
        try:
            with transaction(Conflict("设备信息已被他人修改，请刷新后重试", code="concurrent_modification")) as writer:
                add_record(writer, kind="device", subject_id=device_id, actor=actor.openid,
                           action="device.certificate", after={"id": cid, **entry},
                           note=f"上传证书文件（{entry['certificate_no'] or '无编号'}）", at=entry["uploaded_at"],
                           head=device)  # chained onto the device, saved after it
                writer.save(device)  # version condition
        except Conflict:
            if attempt:
                raise
            continue
        return {"id": cid, **entry}
    raise AssertionError("unreachable")


def certificates_of(device: Device) -> list[dict]:
    """The device's certificate files, oldest first."""
    return sorted(({"id": cid, **entry} for cid, entry in (device.certificates or {}).items()),
                  key=lambda entry: entry["uploaded_at"])


def open_file(device_id: str, cid: str) -> CertificateFile:
    """One certificate file: GetItem of the device (its description), then the store."""
    try:
        device = Device.get(device_id)
    except Device.DoesNotExist as error:
        raise NotFound("设备不存在", code="device_not_found") from error
    entry = (device.certificates or {}).get(cid)
    if entry is None:
        raise NotFound("证书文件不存在", code="certificate_not_found")
    content = get_store().get(storage_key(device_id, cid))
    return CertificateFile(content, entry["content_type"],
                           f"{device_id}-{cid}.{files.EXTENSIONS[entry['content_type']]}")
