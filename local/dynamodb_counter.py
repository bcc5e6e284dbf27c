"""Count DynamoDB calls and consumed capacity made through PynamoDB (benchmarks and tests)."""
from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from pynamodb.connection.base import Connection


@dataclass
class Usage:
    calls: Counter = field(default_factory=Counter)
    capacity: float = 0.0
    seconds: float = 0.0  # only where measured (`excluding`: the time spent in the excluded function)

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def summary(self) -> str:
        ops = ", ".join(f"{op} {n}" for op, n in sorted(self.calls.items()))
        return f"{self.total_calls} calls ({ops}), {self.capacity:g} capacity units"


def _capacity(data: dict) -> float:
    consumed = data.get("ConsumedCapacity") if data else None
    if isinstance(consumed, dict):
        consumed = [consumed]
    return sum(item.get("CapacityUnits", 0.0) for item in consumed or [])


@contextmanager
def count_dynamodb() -> Iterator[Usage]:
    """Within the block, every PynamoDB call is counted by operation, with its capacity units."""
    usage = Usage()
    original = Connection.dispatch

    def counting(self: Connection, operation_name: str, operation_kwargs: dict) -> dict:
        usage.calls[operation_name] += 1
        data = original(self, operation_name, operation_kwargs)
        usage.capacity += _capacity(data)
        return data

    Connection.dispatch = counting
    try:
        yield usage
    finally:
        Connection.dispatch = original


@contextmanager
def excluding(owner: object, name: str) -> Iterator[Usage]:
    """Within the block, the calls made inside `owner.name(...)` are also counted apart (to be subtracted from
    an enclosing count_dynamodb): e.g. the recipient lookups of notifications.prepare, another concern's cost."""
    excluded = Usage()
    original = getattr(owner, name)

    def counted_apart(*args, **kwargs):
        started = time.perf_counter()
        with count_dynamodb() as inner:
            result = original(*args, **kwargs)
        excluded.seconds += time.perf_counter() - started
        excluded.calls.update(inner.calls)
        excluded.capacity += inner.capacity
        return result

    setattr(owner, name, counted_apart)
    try:
        yield excluded
    finally:
        setattr(owner, name, original)


def without(usage: Usage, excluded: Usage) -> Usage:
    """`usage` less the calls counted apart."""
    calls = usage.calls.copy()
    calls.subtract(excluded.calls)
    return Usage(calls=+calls, capacity=usage.capacity - excluded.capacity)
