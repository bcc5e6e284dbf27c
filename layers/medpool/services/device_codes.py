"""Device codes: a WeChat mini program code that opens the device's page (printed on its label)."""
from __future__ import annotations

from medpool.config import get_settings
from medpool.errors import Unprocessable
from medpool.services import devices
from medpool.services.wechat_tokens import SharedToken
from medpool.wechat import get_wechat_client

DEVICE_PAGE = "pages/device-detail/index"
MAX_SCENE = 32  # WeChat's limit for getwxacodeunlimit's scene


def device_code_png(device_id: str) -> bytes:
    """The mini program code of a device: scanning it opens pages/device-detail with scene=<asset tag>."""
    devices.get_device(device_id)
    if len(device_id) > MAX_SCENE:
        raise Unprocessable(f"资产编号超过 {MAX_SCENE} 个字符，无法生成小程序码", code="device_id_too_long_for_code")
    return get_wechat_client().unlimited_code(SharedToken(), device_id, DEVICE_PAGE,
                                              get_settings().miniprogram_env_version)
