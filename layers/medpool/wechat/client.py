"""WeChat server API client: one requests.Session per container, timeouts, errcodes mapped
to domain errors with stable codes. The session_key never leaves this module's caller."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Callable

import requests

from medpool.config import get_secrets, get_settings
from medpool.errors import Forbidden, MedpoolError, Throttled, Unauthenticated, UpstreamError

log = logging.getLogger(__name__)
TIMEOUT = (3.05, 5)  # connect, read (seconds)
SYSTEM_BUSY = -1


@dataclass(frozen=True)
class CodeSession:
    openid: str
    unionid: str | None
    session_key: str


def _code_error(errcode: int, errmsg: str) -> MedpoolError:
    """jscode2session errcodes -> domain errors (documented by WeChat and its developers)."""
    if errcode == 40029:
        return Unauthenticated("微信登录凭证无效，请重新进入小程序", code="wechat_invalid_code")
    if errcode == 40163:
        return Unauthenticated("微信登录凭证已被使用，请重新进入小程序", code="wechat_code_used")
    if errcode == 45011:
        return Throttled("微信登录过于频繁，请稍后再试", code="wechat_rate_limited")
    if errcode == 40226:
        return Forbidden("该微信账号被微信判定为高风险，无法登录", code="wechat_user_blocked")
    if errcode in (40013, 40125):
        # A configuration fault on our side (wrong AppID / AppSecret): alert, never blame the user.
        log.error("ALERT wechat configuration rejected: errcode=%s errmsg=%s", errcode, errmsg)
        return UpstreamError("系统配置错误，请联系设备科", code="wechat_misconfigured")
    if errcode == SYSTEM_BUSY:
        return UpstreamError("微信服务繁忙，请稍后再试", code="wechat_busy")
    return UpstreamError(f"微信服务返回错误（{errcode}）", code="wechat_error")


class WeChatClient:
    def __init__(self, base_url: str, appid: str, app_secret: Callable[[], str],
                 session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.appid = appid
        self._app_secret = app_secret
        self.http = session or requests.Session()

    def _get_json(self, path: str, params: dict) -> dict:
        try:
            response = self.http.get(f"{self.base_url}{path}", params=params, timeout=TIMEOUT)
        except requests.RequestException as error:
            log.warning("wechat transport failure on %s: %s", path, type(error).__name__)
            raise UpstreamError("无法连接微信服务，请稍后再试", code="wechat_unavailable") from error
        try:
            # Served as text/plain even on success: parse whatever the content type says.
            body = json.loads(response.content)
        except ValueError as error:
            raise UpstreamError("微信服务返回了无法识别的内容", code="wechat_bad_response") from error
        if not isinstance(body, dict):
            raise UpstreamError("微信服务返回了无法识别的内容", code="wechat_bad_response")
        return body

    def code_to_session(self, code: str) -> CodeSession:
        """sns/jscode2session: exchange a wx.login code (usable once) for the user's openid."""
        params = {"appid": self.appid, "secret": self._app_secret(), "js_code": code,
                  "grant_type": "authorization_code"}
        for attempt in range(2):
            body = self._get_json("/sns/jscode2session", params)
            errcode = body.get("errcode", 0)  # success carries no errcode at all
            if errcode == SYSTEM_BUSY and attempt == 0:
                continue
            if errcode:
                raise _code_error(errcode, str(body.get("errmsg", "")))
            if not body.get("openid") or not body.get("session_key"):
                raise UpstreamError("微信服务返回了无法识别的内容", code="wechat_bad_response")
            return CodeSession(openid=body["openid"], unionid=body.get("unionid"),
                               session_key=body["session_key"])
        raise _code_error(SYSTEM_BUSY, "")


_client: WeChatClient | None = None


def get_wechat_client() -> WeChatClient:
    """The container's WeChat client, created on first use."""
    global _client
    if _client is None:
        settings = get_settings()
        _client = WeChatClient(settings.wechat_base_url, settings.wechat_appid,
                               lambda: get_secrets().wechat_app_secret)
    return _client


def reset_wechat_client() -> None:
    global _client
    _client = None
