"""Paginated queries with opaque, signed cursors (a forged cursor cannot steer a query)."""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import operator
from dataclasses import dataclass
from typing import Any, Generic, Iterable, TypeVar

from medpool.config import get_secrets
from medpool.errors import BadRequest

T = TypeVar("T")
DEFAULT_LIMIT, MAX_LIMIT = 20, 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _signature(payload: bytes) -> str:
    key = get_secrets().token_signing_key.encode()
    return base64.urlsafe_b64encode(hmac.new(key, payload, hashlib.sha256).digest()[:12]).decode().rstrip("=")


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    payload = base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode()).decode().rstrip("=")
    return f"{payload}.{_signature(payload.encode())}"


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    invalid = BadRequest("分页参数无效，请从第一页重新加载", code="invalid_cursor")
    payload, _, signature = cursor.partition(".")
    if not hmac.compare_digest(signature, _signature(payload.encode())):
        raise invalid
    try:
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError as error:
        raise invalid from error


def page_of(results: Iterable[T]) -> Page[T]:
    """Drain a PynamoDB ResultIterator (query with limit) into a Page."""
    items = list(results)
    return Page(items=items, next_cursor=encode_cursor(getattr(results, "last_evaluated_key", None)))


def all_of(*conditions: Any) -> Any:
    """AND the given PynamoDB conditions, skipping None (None when there are none)."""
    present = [condition for condition in conditions if condition is not None]
    return functools.reduce(operator.and_, present) if present else None
