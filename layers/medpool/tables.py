"""Create and drop the tables defined by the models (idempotent). A table that exists already gets what
its model has added since (a global secondary index, a stream), so an upgraded local stack keeps its data."""
from __future__ import annotations

from medpool.models import TABLES


def _describe(model) -> dict:
    return model._get_connection().describe_table()


def _missing_indexes(model, described: dict) -> list[dict]:
    have = {index["IndexName"] for index in described.get("GlobalSecondaryIndexes", [])}
    schema = model._get_schema()
    missing = []
    for index in schema["global_secondary_indexes"]:
        if index["index_name"] in have:
            continue
        missing.append({"Create": {
            "IndexName": index["index_name"],
            "KeySchema": [{"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]}  # HASH first
                          for k in sorted(index["key_schema"], key=lambda k: k["KeyType"] != "HASH")],
            "Projection": {key: value for key, value in index["projection"].items()
                           if key in ("ProjectionType", "NonKeyAttributes")}}})
    return missing


def upgrade_table(model) -> list[str]:
    """Add the model's missing global secondary indexes and its stream to an existing table."""
    described = _describe(model)
    client = model._get_connection().connection.client
    name = model.Meta.table_name
    changes = []
    schema = model._get_schema()
    definitions = {d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]}
    for index in schema["global_secondary_indexes"]:
        definitions.update({d["AttributeName"]: d["AttributeType"] for d in index["attribute_definitions"]})
    for update in _missing_indexes(model, described):  # one index per UpdateTable
        client.update_table(TableName=name, GlobalSecondaryIndexUpdates=[update], AttributeDefinitions=[
            {"AttributeName": k, "AttributeType": v} for k, v in sorted(definitions.items())])
        changes.append(f"{name}: index {update['Create']['IndexName']}")
    view = getattr(model.Meta, "stream_view_type", None)
    if view and not described.get("StreamSpecification", {}).get("StreamEnabled"):
        client.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": view})
        changes.append(f"{name}: stream")
    return changes


def create_tables() -> list[str]:
    """Create every missing table (and upgrade existing ones); return the names created."""
    created = []
    for model in TABLES.values():
        if not model.exists():
            model.create_table(wait=True)
            created.append(model.Meta.table_name)
        else:
            upgrade_table(model)
    return created


def delete_tables() -> None:
    for model in TABLES.values():
        if model.exists():
            model.delete_table()
