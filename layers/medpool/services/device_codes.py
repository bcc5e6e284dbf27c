"""Device codes: the WeChat mini program code printed on a device's label. Its scene is
`<asset tag>.<label secret>`: scanning it opens the device's page, and the secret, which exists only on the
label (no API answer carries it), proves at hand-over and at return that the device is at hand. Reprinting
a label (rotation) voids the old one. Typing the asset tag instead of scanning is for managers only."""
from __future__ import annotations

import hmac
import secrets
import string
from dataclasses import dataclass
from typing import Any

from medpool import clock
from medpool.config import get_settings
from medpool.errors import Conflict, Forbidden, Unprocessable
from medpool.models.device import Device
from medpool.models.user import User
from medpool.services import devices
from medpool.services.audit import add_record
from medpool.services.transactions import transaction

DEVICE_PAGE = "pages/device-detail/index"
MAX_SCENE = 32  # WeChat's limit for getwxacodeunlimit's scene
SEPARATOR = "."  # never in an asset tag ([A-Za-z0-9_-]), allowed in a scene
SECRET_LENGTH = 10  # 62^10 ~ 8e17 values: not guessable through an API
ALPHABET = string.ascii_letters + string.digits
MAX_ASSET_TAG = MAX_SCENE - len(SEPARATOR) - SECRET_LENGTH  # 21


@dataclass(frozen=True)
class Identified:
    """The device a person at a hand-over or a return says is in front of them, and how they said it."""

    device_id: str
    method: str  # "scan": the label's code was scanned; "manual": a manager typed the asset tag
    secret: str | None = None


def scene_of(device: Device) -> str:
    return f"{device.id}{SEPARATOR}{device.label_secret}"


def identify(actor: User, scan: str | None, device_id: str | None) -> Identified:
    """Read a hand-over's or a return's proof: the scene scanned from the label, or (managers) the asset tag."""
    if scan is not None and device_id is not None:
        raise Unprocessable("扫码结果与手工输入的资产编号只能提供一个", code="scan_or_device_id")
    if scan is not None:
        tag, _, secret = scan.partition(SEPARATOR)
        if not tag or not secret:
            raise Unprocessable("设备码为旧版标签或无法识别，请联系设备科重新打印标签", code="invalid_scan")
        return Identified(tag, "scan", secret)
    if device_id is None:
        raise Unprocessable("请扫描设备标签上的小程序码", code="scan_required")
    if not actor.is_manager:
        raise Forbidden("请扫描设备标签上的小程序码；手工输入资产编号仅限设备科", code="scan_required")
    return Identified(device_id, "manual")


def require_label(device: Device, identified: Identified) -> None:
    """A scan must carry the device's current label secret (a reprinted label voids the old one)."""
    if identified.method != "scan":
        return
    if not device.label_secret or not hmac.compare_digest(device.label_secret, identified.secret or ""):
        raise Unprocessable("设备码已失效（标签已重新打印）或无法识别，请扫描设备上最新的标签", code="invalid_scan")


def label_condition(identified: Identified) -> Any:
    """The write's condition that the label scanned is still the device's label (rotation may race it)."""
    return Device.label_secret == identified.secret if identified.method == "scan" else None


def _check_printable(device_id: str) -> None:
    if len(device_id) > MAX_ASSET_TAG:
        raise Unprocessable(f"资产编号超过 {MAX_ASSET_TAG} 个字符，无法生成小程序码", code="device_id_too_long_for_code")


def _issue(actor: User, device: Device, action: str) -> Device:
    """Give the device a new label secret, recorded (the record names when, never the secret)."""
    before = device.label_issued_at
    now = clock.now_iso()
    device.label_secret = "".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH))
    device.label_issued_at = device.updated_at = now
    first = Device.label_secret.does_not_exist() if action == "device.label_issue" else None
    with transaction(Conflict("设备信息已被他人修改，请重试", code="concurrent_modification")) as writer:
        add_record(writer, kind="device", subject_id=device.id, actor=actor.openid, action=action,
                   before={"status": device.status, "label_issued_at": before},
                   after={"status": device.status, "label_issued_at": now},
                   note="首次生成标签" if first is not None else "重新打印标签，旧标签作废", head=device)
        writer.save(device, condition=first)  # + the version condition
    return device


def rotate(actor: User, device_id: str) -> Device:
    """A label is reprinted: a new secret; codes drawn from then on carry it, the old label no longer works."""
    _check_printable(device_id)
    try:
        return _issue(actor, devices.get_device(device_id), "device.label_rotate")
    except Conflict:  # the device changed in between (a loan moved it): once more on fresh data
        return _issue(actor, devices.get_device(device_id), "device.label_rotate")


def labelled(actor: User, device_id: str) -> Device:
    """The device with its label secret, issued (recorded) the first time its code is drawn."""
    device = devices.get_device(device_id)
    if device.label_secret:
        return device
    try:
        return _issue(actor, device, "device.label_issue")
    except Conflict:  # a concurrent first print (or another write) won: use what is stored now
        device = Device.get(device_id, consistent_read=True)
        return device if device.label_secret else _issue(actor, device, "device.label_issue")


def device_code_png(actor: User, device_id: str) -> bytes:
    """The mini program code of a device's label: opens pages/device-detail with scene=<asset tag>.<secret>."""
    from medpool.services.wechat_tokens import SharedToken  # the WeChat client: only this route calls WeChat
    from medpool.wechat import get_wechat_client

    _check_printable(device_id)
    device = labelled(actor, device_id)
    return get_wechat_client().unlimited_code(SharedToken(), scene_of(device), DEVICE_PAGE,
                                              get_settings().miniprogram_env_version)
