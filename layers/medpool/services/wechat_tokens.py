"""The WeChat server access token, cached in DynamoDB with its expiry so every container shares one.
Normal-mode stable_token calls are safe from many containers (they return the valid token); a force
refresh invalidates the previous token, so it happens only under a short lease held by one container."""
from __future__ import annotations

import logging
import time

from pynamodb.exceptions import UpdateError

from medpool import clock
from medpool.config import get_settings
from medpool.models.wechat_token import WeChatToken
from medpool.wechat import get_wechat_client
from medpool.wechat.client import AccessToken

log = logging.getLogger(__name__)
MARGIN_SECONDS = 300  # renew a token this long before it expires
LEASE_SECONDS = 30


def _read() -> WeChatToken | None:
    try:
        return WeChatToken.get(get_settings().wechat_appid, consistent_read=True)
    except WeChatToken.DoesNotExist:
        return None


def _usable(item: WeChatToken | None, now: float) -> str | None:
    return item.token if item is not None and item.token and item.expires_at - MARGIN_SECONDS > now else None


def _store(fetched: AccessToken, now: float) -> str:
    item = WeChatToken(get_settings().wechat_appid, token=fetched.token, expires_at=int(now + fetched.expires_in),
                       fetched_at=clock.now_iso())
    item.update(actions=[WeChatToken.token.set(item.token), WeChatToken.expires_at.set(item.expires_at),
                         WeChatToken.fetched_at.set(item.fetched_at)])
    return fetched.token


def _take_lease(now: float) -> bool:
    item = WeChatToken(get_settings().wechat_appid)
    try:
        item.update(actions=[WeChatToken.refresh_lease_until.set(int(now + LEASE_SECONDS))],
                    condition=WeChatToken.refresh_lease_until.does_not_exist()
                    | (WeChatToken.refresh_lease_until < int(now)))
        return True
    except UpdateError:
        return False


class SharedToken:
    """The token for one batch of sends: read once, refreshed at most once per batch."""

    def __init__(self) -> None:
        self._token: str | None = None
        self.refreshed = False

    def current(self) -> str:
        if self._token is None:
            now = time.time()
            self._token = _usable(_read(), now) or _store(get_wechat_client().stable_token(), now)
        return self._token

    def refresh(self, stale: str) -> str:
        """WeChat called `stale` invalid or expired (40001/42001): get a fresh token, once per batch."""
        if self._token and self._token != stale or self.refreshed:
            return self._token or stale
        self.refreshed = True
        now = time.time()
        shared = _usable(_read(), now)
        if shared and shared != stale:  # another container refreshed it already
            self._token = shared
            return shared
        fetched = get_wechat_client().stable_token()
        if fetched.token == stale:  # WeChat still hands out the rejected one: force, but only one of us
            if not _take_lease(now):
                log.warning("wechat token refresh already in progress elsewhere")
                return stale
            fetched = get_wechat_client().stable_token(force_refresh=True)
        self._token = _store(fetched, now)
        return self._token
