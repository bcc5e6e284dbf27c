"""Objects named inside a request body (a department, a category, a device) must exist."""
from __future__ import annotations

from typing import Callable, TypeVar

from medpool.errors import NotFound, Unprocessable

T = TypeVar("T")


def referenced(get: Callable[[str], T], item_id: str, what: str, code: str) -> T:
    """`get(item_id)`, with its NotFound turned into a 422: the request, not the URL, names something missing."""
    try:
        return get(item_id)
    except NotFound as error:
        raise Unprocessable(f"{what} {item_id} 不存在", code=code) from error
