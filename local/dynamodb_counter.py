"""Count DynamoDB calls and consumed capacity made through PynamoDB (benchmarks and tests)."""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from pynamodb.connection.base import Connection


@dataclass
class Usage:
    calls: Counter = field(default_factory=Counter)
    capacity: float = 0.0

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
