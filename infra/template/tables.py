"""DynamoDB tables from the PynamoDB models: exactly their keys and indexes (the schema PynamoDB's
own create_table uses locally), on demand, with point-in-time recovery and deletion protection."""
from __future__ import annotations

from typing import Any

from infra.names import logical, table_prefix


def _keys(key_schema: list[dict]) -> list[dict]:
    """HASH first, then RANGE (PynamoDB lists them in attribute order)."""
    ordered = sorted(key_schema, key=lambda key: key["KeyType"] != "HASH")
    return [{"AttributeName": key["AttributeName"], "KeyType": key["KeyType"]} for key in ordered]


def _projection(projection: dict) -> dict:
    out = {"ProjectionType": projection["ProjectionType"]}
    if projection.get("NonKeyAttributes"):
        out["NonKeyAttributes"] = sorted(projection["NonKeyAttributes"])
    return out


def _indexes(schema: list[dict]) -> list[dict]:
    return [{"IndexName": index["index_name"], "KeySchema": _keys(index["key_schema"]),
             "Projection": _projection(index["projection"])}
            for index in sorted(schema, key=lambda index: index["index_name"])]


def _ttl_attribute(model: type) -> str | None:
    from pynamodb.attributes import TTLAttribute

    names = [attr.attr_name for attr in model.get_attributes().values() if isinstance(attr, TTLAttribute)]
    return names[0] if names else None


def table_logical_id(name: str) -> str:
    return logical(name, "Table")


def table_resource(stage: str, name: str, model: type) -> dict[str, Any]:
    schema = model._get_schema()
    definitions = {d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]}
    for index in schema["global_secondary_indexes"] + schema["local_secondary_indexes"]:
        definitions.update({d["AttributeName"]: d["AttributeType"] for d in index["attribute_definitions"]})
    properties: dict[str, Any] = {
        "TableName": f"{table_prefix(stage)}{name}",
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": key, "AttributeType": value}
                                 for key, value in sorted(definitions.items())],
        "KeySchema": _keys(schema["key_schema"]),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "DeletionProtectionEnabled": True,
    }
    if schema["global_secondary_indexes"]:
        properties["GlobalSecondaryIndexes"] = _indexes(schema["global_secondary_indexes"])
    if schema["local_secondary_indexes"]:
        properties["LocalSecondaryIndexes"] = _indexes(schema["local_secondary_indexes"])
    if getattr(model.Meta, "stream_view_type", None):
        properties["StreamSpecification"] = {"StreamViewType": model.Meta.stream_view_type}
    if ttl := _ttl_attribute(model):
        properties["TimeToLiveSpecification"] = {"AttributeName": ttl, "Enabled": True}
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": properties}


def has_indexes(model: type) -> bool:
    schema = model._get_schema()
    return bool(schema["global_secondary_indexes"] or schema["local_secondary_indexes"])


def tables_section(stage: str, tables: dict[str, type]) -> dict[str, Any]:
    return {table_logical_id(name): table_resource(stage, name, model) for name, model in tables.items()}
