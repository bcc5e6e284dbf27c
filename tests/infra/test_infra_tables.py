"""Tables in the template are exactly the models' tables, keys and indexes, safely configured."""
from pynamodb.indexes import GlobalSecondaryIndex, LocalSecondaryIndex

from medpool.models import TABLES
from tests.infra.conftest import of_type


def _keys(attributes):
    hash_key = [a.attr_name for a in attributes if a.is_hash_key]
    range_key = [a.attr_name for a in attributes if a.is_range_key]
    return [{"AttributeName": hash_key[0], "KeyType": "HASH"}] + \
        [{"AttributeName": name, "KeyType": "RANGE"} for name in range_key]


def _model_indexes(model, kind):
    """Read the index declarations off the model class itself (not PynamoDB's schema helper)."""
    found = {}
    for value in vars(model).values():
        if isinstance(value, kind):
            found[value.Meta.index_name] = _keys(value.Meta.attributes.values())
    return found


def _table(resources, name):
    matches = [r for r in of_type(resources, "AWS::DynamoDB::Table").values()
               if r["Properties"]["TableName"] == f"medpool-prod-{name}"]
    assert len(matches) == 1, name
    return matches[0]


def test_one_table_per_model(resources):
    names = {r["Properties"]["TableName"] for r in of_type(resources, "AWS::DynamoDB::Table").values()}
    assert names == {f"medpool-prod-{name}" for name in TABLES}


def test_keys_and_indexes_equal_the_models(resources):
    for name, model in TABLES.items():
        properties = _table(resources, name)["Properties"]
        assert properties["KeySchema"] == _keys(model.get_attributes().values()), name
        for kind, key in ((GlobalSecondaryIndex, "GlobalSecondaryIndexes"), (LocalSecondaryIndex,
                                                                              "LocalSecondaryIndexes")):
            declared = {index["IndexName"]: index["KeySchema"] for index in properties.get(key, [])}
            assert declared == _model_indexes(model, kind), (name, key)
        defined = {d["AttributeName"] for d in properties["AttributeDefinitions"]}
        used = {k["AttributeName"] for k in properties["KeySchema"]} | {
            k["AttributeName"] for index in properties.get("GlobalSecondaryIndexes", [])
            for k in index["KeySchema"]}
        assert defined == used, name  # CloudFormation rejects unused attribute definitions


def test_tables_are_protected_and_on_demand(resources):
    for logical_id, table in of_type(resources, "AWS::DynamoDB::Table").items():
        properties = table["Properties"]
        assert properties["BillingMode"] == "PAY_PER_REQUEST", logical_id
        assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert properties["DeletionProtectionEnabled"] is True
        assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


def test_table_names_follow_the_runtime_configuration(resources):
    """The Lambdas find their tables through MEDPOOL_TABLE_PREFIX + logical name."""
    for function in of_type(resources, "AWS::Lambda::Function").values():
        if function["Properties"]["FunctionName"].startswith("CodeDeployHook_"):
            continue  # the hooks use no table
        prefix = function["Properties"]["Environment"]["Variables"]["MEDPOOL_TABLE_PREFIX"]
        assert {f"{prefix}{name}" for name in TABLES} == {
            r["Properties"]["TableName"] for r in of_type(resources, "AWS::DynamoDB::Table").values()}


def test_ttl_attributes_of_the_models_are_enabled(resources):
    """DynamoDB deletes spent items only where TTL is on (rate_limits: the login limiter's windows)."""
    expected = {name: model._ttl_attribute().attr_name for name, model in TABLES.items() if model._ttl_attribute()}
    assert expected.get("rate_limits") == "expires_at"
    for name in TABLES:
        declared = _table(resources, name)["Properties"].get("TimeToLiveSpecification")
        assert declared == ({"AttributeName": expected[name], "Enabled": True} if name in expected else None), name


def test_time_to_live_only_on_what_may_go(resources):
    """docs/retention.md: DynamoDB's TTL removes only rate-limit counters, outbox events, delivered
    notifications and the access log's queryable copy after 200 days (sessions are signed tokens, no table). Devices, loans, records, users, the ledger ... never."""
    with_ttl = {r["Properties"]["TableName"].removeprefix("medpool-prod-"): r["Properties"]["TimeToLiveSpecification"]
                for r in of_type(resources, "AWS::DynamoDB::Table").values()
                if "TimeToLiveSpecification" in r["Properties"]}
    assert with_ttl == {name: {"AttributeName": "expires_at", "Enabled": True}
                        for name in ("rate_limits", "notify_events", "notifications", "access_log")}
