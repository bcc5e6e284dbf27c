"""Idempotent creates (`Idempotency-Key`): the item's id is derived from (caller, key), its put is
conditioned on the id not existing, and every retry gets the first item — also a retry racing the first
request, whose conditional put loses. The same key with another body is refused. Used by createLoan and
createAnnouncement."""
from __future__ import annotations

import hashlib
import time
from typing import Callable, Protocol, TypeVar

from medpool.errors import Conflict, Unprocessable

ATTEMPTS = 3  # a put can also lose to a transaction still in flight: read, then try once more
IN_PROGRESS = Conflict("相同的请求正在处理中，请稍后重试", code="request_in_progress")


class Fingerprinted(Protocol):
    request_fingerprint: str | None


T = TypeVar("T", bound=Fingerprinted)


def derived_id(prefix: str, openid: str, idempotency_key: str) -> str:
    """The same caller retrying with the same key addresses the same item."""
    return prefix + hashlib.sha256(f"{openid}\n{idempotency_key}".encode()).hexdigest()[:19].upper()


def replay(find: Callable[[], T | None], fingerprint: str, reused: Unprocessable) -> T | None:
    """The item created earlier with this key (None if none); `reused` if it was created from another body."""
    existing = find()
    if existing is not None and existing.request_fingerprint != fingerprint:
        raise reused
    return existing


def create_or_replay(write: Callable[[], T], find: Callable[[], T | None], fingerprint: str,
                     reused: Unprocessable) -> tuple[T, bool]:
    """Run `write` (a transaction whose put is conditioned on the id not existing; it raises Conflict when
    it loses) and return (item, True); if a concurrent request with the same key won, (its item, False)."""
    for attempt in range(ATTEMPTS):
        try:
            return write(), True
        except Conflict:
            existing = replay(find, fingerprint, reused)
            if existing is not None:
                return existing, False
            time.sleep(0.05 * (attempt + 1))  # the winner's transaction has not committed yet
    raise IN_PROGRESS
