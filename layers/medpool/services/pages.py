"""Paginated queries with opaque, signed cursors (a forged cursor cannot steer a query)."""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import operator
from dataclasses import dataclass
from typing import Any, Callable, Generic, Iterable, TypeVar

from medpool.config import get_secrets
from medpool.errors import BadRequest

T = TypeVar("T")
DEFAULT_LIMIT, MAX_LIMIT = 20, 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _signature(payload: bytes, scope: str) -> str:
    key = get_secrets().token_signing_key.encode()
    digest = hmac.new(key, scope.encode() + b"\n" + payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode().rstrip("=")


def encode_cursor(last_key: dict[str, Any] | None, scope: str) -> str | None:
    if not last_key:
        return None
    payload = base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode()).decode().rstrip("=")
    return f"{payload}.{_signature(payload.encode(), scope)}"


def decode_cursor(cursor: str | None, scope: str) -> dict[str, Any] | None:
    """The start key of the next page. The cursor is signed together with its query's scope (what is listed,
    by which filters), so a cursor only continues the list it came from."""
    if not cursor:
        return None
    invalid = BadRequest("分页参数无效，请从第一页重新加载", code="invalid_cursor")
    if not cursor.isascii():  # compare_digest refuses non-ASCII text (TypeError)
        raise invalid
    payload, _, signature = cursor.partition(".")
    if not hmac.compare_digest(signature, _signature(payload.encode(), scope)):
        raise invalid
    try:
        key = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError as error:
        raise invalid from error
    if not isinstance(key, dict):
        raise invalid
    return key


def page_of(results: Iterable[T], scope: str) -> Page[T]:
    """Drain a PynamoDB ResultIterator (query with limit) into a Page whose cursor continues this scope."""
    items = list(results)
    return Page(items=items, next_cursor=encode_cursor(getattr(results, "last_evaluated_key", None), scope))


@dataclass(frozen=True)
class Source:
    """One Query a list reads: `read(start, wanted)` returns a PynamoDB result iterator (from the exclusive
    start key `start`, at most `wanted` items); `keys` are the attributes an item's place in that Query is
    made of (table key, index hash, index range), so a cursor can continue right after the last item taken."""

    read: Callable[[dict[str, Any] | None, int], Any]
    keys: tuple[str, ...]

    def start_after(self, values: list[str] | None) -> dict[str, Any] | None:
        return None if values is None else {name: {"S": value} for name, value in zip(self.keys, values)}


DONE = 0  # a source read to its end


def _merge(sources: list[Source], places: list | None, wanted: int, order: Callable[[Any], Any]) -> tuple[list, list]:
    """Take up to `wanted` items from `sources` (each in `order`, descending) in that order overall. Each
    source is read in chunks, so what is read and not taken stays under about one page. Returns (the items,
    each source's place after them: the last item taken from it, DONE, or None when none was taken yet)."""
    places = list(places or [None] * len(sources))
    chunk = max(1, wanted // len(sources))  # what is read and not taken: under `wanted` items
    buffers: list[list] = [[] for _ in sources]
    resume = [source.start_after(place) if place != DONE else None for source, place in zip(sources, places)]
    ended = [place == DONE for place in places]

    def fill(i: int) -> None:
        while not buffers[i] and not ended[i]:
            results = sources[i].read(resume[i], chunk)
            buffers[i] = list(results)
            resume[i] = results.last_evaluated_key
            ended[i] = resume[i] is None

    taken: list = []
    while len(taken) < wanted:
        for i in range(len(sources)):
            fill(i)
        ready = [i for i, buffer in enumerate(buffers) if buffer]
        if not ready:
            break
        i = max(ready, key=lambda n: order(buffers[n][0]))  # ties: the first source
        item = buffers[i].pop(0)
        taken.append(item)
        places[i] = [getattr(item, name) for name in sources[i].keys]
    for i in range(len(sources)):
        if ended[i] and not buffers[i]:
            places[i] = DONE
    return taken, places


def planned_page(groups: list[list[Source]], limit: int, cursor: str | None, scope: str,
                 order: Callable[[Any], Any] = operator.attrgetter("requested_at")) -> Page:
    """One list read as groups in turn (e.g. devices still out past due, then late returns); within a group
    the sources (Queries on keys) are merged in `order`, descending (newest first). A one-source group keeps
    its Query's own order (queue order, due time). The cursor holds the group and each source's place."""
    state = decode_cursor(cursor, scope) or {"group": 0, "places": None}
    group, places, items = int(state.get("group", 0)), state.get("places"), []
    while group < len(groups) and len(items) < limit:
        taken, places = _merge(groups[group], places, limit - len(items), order)
        items += taken
        if any(place != DONE for place in places):
            break
        group, places = group + 1, None
    more = group < len(groups)
    return Page(items=items, next_cursor=encode_cursor({"group": group, "places": places}, scope) if more else None)


def scope_of(*parts: object) -> str:
    """A list's identity: what is listed and by which filters (changing a filter restarts paging)."""
    return json.dumps(parts, default=str)


def all_of(*conditions: Any) -> Any:
    """AND the given PynamoDB conditions, skipping None (None when there are none)."""
    present = [condition for condition in conditions if condition is not None]
    return functools.reduce(operator.and_, present) if present else None
