"""Per-client limits on login and registration: a fixed-window counter per source IP and per openid,
one atomic UpdateItem (ADD, reading the new count back) per attempt. Every attempt counts, refused
ones too: a flood of bad codes must run into the limit as surely as a flood of good ones."""
from __future__ import annotations

import math
from datetime import datetime, timezone

from medpool import clock
from medpool.config import get_settings
from medpool.errors import Throttled
from medpool.models.rate_limit import RateLimitCounter

SOURCE, OPENID = "source", "openid"


def hit(scope: str, client: str, attempts: int, window_seconds: int) -> None:
    """Count one attempt of `client` in the current window; Throttled (429, Retry-After: seconds to
    the window's end) once the window holds more than `attempts`. attempts 0: no limit."""
    if attempts <= 0:
        return
    now = clock.now().timestamp()
    start = int(now // window_seconds * window_seconds)
    end = start + window_seconds
    counter = RateLimitCounter(f"auth#{scope}#{client}#{start}")
    counter.update(actions=[RateLimitCounter.hits.add(1),
                            RateLimitCounter.expires_at.set(datetime.fromtimestamp(end, timezone.utc))])
    if counter.hits > attempts:
        retry_after = max(1, math.ceil(end - now))
        raise Throttled(f"登录尝试过于频繁，请 {retry_after} 秒后再试", code="too_many_requests",
                        retry_after=retry_after)


def admit_source(source_ip: str | None) -> None:
    """A login or registration attempt from this source IP (the API Gateway request context's)."""
    attempts, window = get_settings().login_limit_source
    hit(SOURCE, source_ip or "unknown", attempts, window)


def admit_openid(openid: str) -> None:
    """A login or registration attempt for this WeChat user (once the openid is known)."""
    attempts, window = get_settings().login_limit_openid
    hit(OPENID, openid, attempts, window)
