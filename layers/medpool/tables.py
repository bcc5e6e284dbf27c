"""Create and drop the tables defined by the models (idempotent); add indexes a model declares that an
existing local table lacks (data kept from before an upgrade; in prod the deploy adds them)."""
from __future__ import annotations

import time

from medpool.config import get_settings
from medpool.models import TABLES


def create_tables() -> list[str]:
    """Create every missing table (and, outside prod, every missing index); return the names created."""
    created = []
    for model in TABLES.values():
        if not model.exists():
            model.create_table(wait=True)
            created.append(model.Meta.table_name)
        elif get_settings().stage != "prod":
            created += add_missing_indexes(model)
    return created


def add_missing_indexes(model: type) -> list[str]:
    """Create the model's global secondary indexes the table lacks, one at a time (as DynamoDB requires),
    each waited for until active (DynamoDB fills it from the items' attributes). Returns "table/index" names."""
    connection = model._get_connection().connection
    table = model.Meta.table_name
    have = {index["IndexName"] for index in connection.describe_table(table).get("GlobalSecondaryIndexes", [])}
    schema, added = model._get_schema(), []
    for index in schema.get("global_secondary_indexes", []):
        if index["index_name"] in have:
            continue
        key_schema = sorted(index["key_schema"], key=lambda key: key["KeyType"] != "HASH")  # HASH first
        connection.client.update_table(
            TableName=table, AttributeDefinitions=index["attribute_definitions"],
            GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": index["index_name"], "KeySchema": key_schema,
                                                     "Projection": index["projection"]}}])
        _wait_active(connection, table, index["index_name"])
        added.append(f"{table}/{index['index_name']}")
    return added


def _wait_active(connection, table: str, index_name: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        indexes = connection.describe_table(table).get("GlobalSecondaryIndexes", [])
        if all(index.get("IndexStatus", "ACTIVE") == "ACTIVE" for index in indexes if index["IndexName"] == index_name):
            return
        time.sleep(0.5)
    raise TimeoutError(f"index {index_name} of {table} not active after {timeout:.0f} s")


def delete_tables() -> None:
    for model in TABLES.values():
        if model.exists():
            model.delete_table()
