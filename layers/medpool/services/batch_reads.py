"""Read the few items a state change needs, from several tables, in one call: a strongly consistent
BatchGetItem (a read-then-conditional-write: the write's conditions catch whatever changed in between)."""
from __future__ import annotations

import time
from typing import Any

from pynamodb.models import Model

from medpool.models.base import transaction_connection

MAX_ROUNDS = 6  # unprocessed keys (throttling) are asked again, with a short backoff


def get_many(*wanted: tuple[Any, ...]) -> list[Model | None]:
    """`get_many((Loan, loan_id), (Category, scope, category_id))`: the items in that order, None where missing.
    One BatchGetItem (more only when DynamoDB leaves keys unprocessed)."""
    request: dict[str, dict] = {}
    slots = []
    for model, *key in wanted:
        operation = model.get_operation_kwargs_from_class(*key)
        table, item_key = operation["TableName"], operation["Key"]
        keys = request.setdefault(table, {"Keys": [], "ConsistentRead": True})["Keys"]
        if item_key not in keys:
            keys.append(item_key)
        slots.append((model, table, item_key))
    found: dict[str, list[dict]] = {}
    for attempt in range(MAX_ROUNDS):
        data = transaction_connection().dispatch("BatchGetItem", {"RequestItems": request})
        for table, items in (data.get("Responses") or {}).items():
            found.setdefault(table, []).extend(items)
        request = data.get("UnprocessedKeys") or {}
        if not request:
            break
        time.sleep(0.02 * 2 ** attempt)
    else:
        raise RuntimeError("BatchGetItem left keys unprocessed")
    return [next((model.from_raw_data(item) for item in found.get(table, [])
                  if all(item.get(name) == value for name, value in key.items())), None)
            for model, table, key in slots]
