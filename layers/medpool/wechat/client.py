"""WeChat server API client: one requests.Session per container, timeouts, errcodes mapped
to domain errors with stable codes. The session_key never leaves this module's caller.
requests (30 ms of imports, http.cookiejar among them) is loaded when the first client is made: most
functions never call WeChat during a request."""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Protocol

from medpool.config import get_secrets, get_settings
from medpool.errors import Forbidden, MedpoolError, Throttled, Unauthenticated, UpstreamError

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)
TIMEOUT = (3.05, 5)  # connect, read (seconds)
SYSTEM_BUSY = -1
STALE_TOKEN = (40001, 42001)  # invalid / expired access token: refresh once, then retry once
NOT_SUBSCRIBED = 43101  # no one-time subscription left: final for that message
BAD_DATA = 47003  # a value does not fit its keyword type
# Subscribe-message keyword types (the keyword names are "<type><n>", e.g. thing1, time2) -> max length.
VALUE_LIMITS = {"thing": 20, "phrase": 5, "character_string": 32, "number": 32, "letter": 32, "name": 10}
KEYWORD = re.compile(r"^([a-z_]+?)\d+$")


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


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int


@dataclass(frozen=True)
class SendResult:
    errcode: int
    errmsg: str


class TokenSource(Protocol):
    """Where send_subscribe_message gets the server access token (shared, cached in DynamoDB)."""

    def current(self) -> str: ...

    def refresh(self, stale: str) -> str: ...


def shape_value(keyword: str, value: object) -> str:
    """Fit a value to its keyword type, or WeChat answers 47003: thing <= 20, phrase <= 5 (Chinese
    characters), character_string <= 32 (letters, digits, symbols); time values are passed as formatted."""
    text = " ".join(str(value if value is not None else "").split())
    match = KEYWORD.match(keyword)
    kind = match.group(1) if match else "thing"
    if kind == "phrase":
        text = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    elif kind in ("character_string", "letter", "number"):
        text = re.sub(r"[^A-Za-z0-9_.:#@/-]", "", text)
    limit = VALUE_LIMITS.get(kind)
    if limit and len(text) > limit:
        text = text[:limit - 1] + "…" if kind in ("thing", "name") else text[:limit]
    return text or ("-" if kind == "thing" else text)


def _token_error(errcode: int, errmsg: str) -> MedpoolError:
    if errcode in (40013, 40125, 40164):  # wrong AppID / AppSecret, or our IP not whitelisted
        log.error("ALERT wechat stable_token rejected: errcode=%s errmsg=%s", errcode, errmsg)
        return UpstreamError("系统配置错误，请联系设备科", code="wechat_misconfigured")
    return UpstreamError(f"微信服务返回错误（{errcode}）", code="wechat_token_error")


class WeChatClient:
    def __init__(self, base_url: str, appid: str, app_secret: Callable[[], str],
                 session: requests.Session | None = None):
        import requests

        self.base_url = base_url.rstrip("/")
        self.appid = appid
        self._app_secret = app_secret
        self.http = session or requests.Session()

    def _get_json(self, path: str, params: dict) -> dict:
        import requests

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

    def _post(self, path: str, params: dict | None, payload: dict) -> requests.Response:
        import requests

        try:
            return self.http.post(f"{self.base_url}{path}", params=params, timeout=TIMEOUT,
                                  data=json.dumps(payload, ensure_ascii=False).encode(),
                                  headers={"Content-Type": "application/json"})
        except requests.RequestException as error:
            log.warning("wechat transport failure on %s: %s", path, type(error).__name__)
            raise UpstreamError("无法连接微信服务，请稍后再试", code="wechat_unavailable") from error

    def _post_json(self, path: str, params: dict | None, payload: dict) -> dict:
        response = self._post(path, params, payload)
        try:
            body = json.loads(response.content)
        except ValueError as error:
            raise UpstreamError(f"微信服务返回了无法识别的内容（HTTP {response.status_code}）",
                                code="wechat_bad_response") from error
        if not isinstance(body, dict):
            raise UpstreamError("微信服务返回了无法识别的内容", code="wechat_bad_response")
        return body

    def stable_token(self, force_refresh: bool = False) -> AccessToken:
        """cgi-bin/stable_token: normal mode returns the same token while it is valid. force_refresh
        invalidates the previous token: callers must make sure only one container does it at a time."""
        body = self._post_json("/cgi-bin/stable_token", None, {
            "grant_type": "client_credential", "appid": self.appid, "secret": self._app_secret(),
            "force_refresh": force_refresh})
        errcode = int(body.get("errcode") or 0)
        if errcode:
            raise _token_error(errcode, str(body.get("errmsg", "")))
        if not body.get("access_token"):
            raise UpstreamError("微信服务返回了无法识别的内容", code="wechat_bad_response")
        return AccessToken(token=str(body["access_token"]), expires_in=int(body.get("expires_in") or 7200))

    def send_subscribe_message(self, tokens: TokenSource, touser: str, template_id: str, data: dict[str, object],
                               page: str | None = None, state: str = "formal") -> SendResult:
        """cgi-bin/message/subscribe/send with values shaped to their keyword types. A stale token
        (40001/42001) is refreshed once through `tokens`, then the send is retried once. Other errcodes
        are returned for the caller to judge (43101 is final); transport failures raise UpstreamError."""
        payload = {"touser": touser, "template_id": template_id, "miniprogram_state": state, "lang": "zh_CN",
                   "data": {key: {"value": shape_value(key, value)} for key, value in data.items()}}
        if page:
            payload["page"] = page
        token = tokens.current()
        for attempt in range(2):
            body = self._post_json("/cgi-bin/message/subscribe/send", {"access_token": token}, payload)
            errcode = int(body.get("errcode") or 0)
            if errcode in STALE_TOKEN and attempt == 0:
                token = tokens.refresh(token)
                continue
            return SendResult(errcode, str(body.get("errmsg", "")))
        return SendResult(errcode, str(body.get("errmsg", "")))

    def unlimited_code(self, tokens: TokenSource, scene: str, page: str, env_version: str = "release") -> bytes:
        """wxa/getwxacodeunlimit: a mini program code opening `page` with `scene` (<= 32 characters).
        An image on success, JSON on error; a stale token is refreshed once, then the call retried once."""
        payload = {"scene": scene, "page": page, "check_path": False, "env_version": env_version, "width": 430}
        token = tokens.current()
        for attempt in range(2):
            response = self._post("/wxa/getwxacodeunlimit", {"access_token": token}, payload)
            if response.headers.get("Content-Type", "").startswith("image/"):
                return response.content
            try:
                errcode = int(json.loads(response.content).get("errcode") or 0)
            except (ValueError, AttributeError) as error:
                raise UpstreamError("微信服务返回了无法识别的内容", code="wechat_bad_response") from error
            if errcode in STALE_TOKEN and attempt == 0:
                token = tokens.refresh(token)
                continue
            raise UpstreamError(f"生成小程序码失败（{errcode}）", code="wechat_code_failed")
        raise UpstreamError("生成小程序码失败", code="wechat_code_failed")

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
