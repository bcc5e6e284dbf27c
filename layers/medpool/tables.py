"""Create and drop the tables defined by the models (idempotent). Outside prod, a table that exists already gets
what its model has added since (a global secondary index, a stream), so an upgraded local stack keeps its data
(in prod the deploy adds them)."""
from __future__ import annotations

import time

from medpool.config import get_settings
from medpool.models import TABLES


def create_tables() -> list[str]:
    """Create every missing table and, outside prod, upgrade existing ones; return what was created
    ("table", "table/index", "table/stream")."""
    created = []
    for model in TABLES.values():
        if not model.exists():
            model.create_table(wait=True)
            created.append(model.Meta.table_name)
        elif get_settings().stage != "prod":
            created += upgrade_table(model)
    return created


def upgrade_table(model: type) -> list[str]:
    """Add the model's missing global secondary indexes and its stream to an existing table."""
    added = add_missing_indexes(model)
    connection = model._get_connection().connection
    table = model.Meta.table_name
    view = getattr(model.Meta, "stream_view_type", None)
    if view and not connection.describe_table(table).get("StreamSpecification", {}).get("StreamEnabled"):
        connection.client.update_table(TableName=table,
                                       StreamSpecification={"StreamEnabled": True, "StreamViewType": view})
        added.append(f"{table}/stream")
    return added


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
