"""Issue 16: audit records are append-only for every role the stack deploys, and every function's log (the access
log among it) is kept at least 180 days."""
import json

from infra.access import FUNCTION_TABLES, actions
from infra.template.tables import table_logical_id
from tests.infra.conftest import of_type

APPEND_ONLY = {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem",
               "dynamodb:PutItem"}
CHANGES = {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:DeleteTable",
           "dynamodb:UpdateTable", "dynamodb:UpdateTimeToLive", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete",
           "dynamodb:PartiQLInsert", "dynamodb:RestoreTableFromBackup", "dynamodb:ImportTable"}
MIN_LOG_DAYS = 180
# SAM's CodeDeploy service role: lambda, s3:GetObject, sns:Publish, cloudwatch:DescribeAlarms; no DynamoDB
KNOWN_MANAGED = ["AWSCodeDeployRoleForLambda"]


def _statements(role):
    return [statement for policy in role["Properties"].get("Policies", [])
            for statement in policy["PolicyDocument"]["Statement"]]


def _listed(value):
    return value if isinstance(value, list) else [value]


def _reaches(resource, table_id):
    text = json.dumps(resource)
    return resource == "*" or f'"{table_id}"' in text or f"${{{table_id}." in text or "table/*" in text


def test_no_role_can_update_or_delete_an_audit_record(resources):
    records = table_logical_id("records")
    roles = of_type(resources, "AWS::IAM::Role")
    assert len(roles) > len(FUNCTION_TABLES)  # every function's roles and the hooks' roles are checked
    reaching = []
    for name, role in roles.items():
        managed = [arn.rsplit("/", 1)[-1] for arn in role["Properties"].get("ManagedPolicyArns", [])]
        assert managed in ([], KNOWN_MANAGED), name  # no managed policy with a DynamoDB grant
        for statement in _statements(role):
            assert statement["Effect"] == "Allow" and "NotAction" not in statement and "NotResource" not in statement
            granted = set(_listed(statement["Action"]))
            if not any(_reaches(r, records) for r in _listed(statement["Resource"])):
                continue
            assert not any(a in ("*", "dynamodb:*") for a in granted), (name, statement)
            dynamo = {a for a in granted if a.startswith("dynamodb:")}
            assert dynamo <= APPEND_ONLY and not dynamo & CHANGES, (name, sorted(dynamo - APPEND_ONLY))
            reaching.append(name)
    assert len(reaching) >= 6  # the functions that write audit records do reach the table (with Put only)


def test_the_declared_grants_give_the_records_table_reads_and_puts_only():
    for function, tables in FUNCTION_TABLES.items():
        if "records" in tables:
            assert set(actions(tables["records"])) <= APPEND_ONLY, function


def test_every_log_group_keeps_its_lines_at_least_180_days(resources):
    groups = of_type(resources, "AWS::Logs::LogGroup")
    functions = of_type(resources, "AWS::Lambda::Function")
    assert len(groups) >= len(functions)
    for name, group in groups.items():
        assert group["Properties"]["RetentionInDays"] >= MIN_LOG_DAYS, name
        assert group["DeletionPolicy"] == "Retain", name
    named = {json.dumps(group["Properties"]["LogGroupName"]) for group in groups.values()}
    for name, function in functions.items():
        function_name = function["Properties"]["FunctionName"]
        assert json.dumps(f"/aws/lambda/{function_name}") in named or any(
            json.dumps(function_name)[1:-1] in group for group in named), f"{name}: no log group of its own"


def test_every_api_log_group_feeds_the_access_log_copy(resources, functions):
    """The access lines of every API unit reach reports' ingest_access_log (through its live alias), which only
    this stack's log groups may invoke."""
    from infra.template.functions import unit_ids

    [target] = [u for f in functions for u in f.units if u.subscription]
    assert (target.function, target.handler) == ("reports", "functions.reports.handler.ingest_access_log")
    alias = unit_ids(target)["alias"]
    filters = of_type(resources, "AWS::Logs::SubscriptionFilter")
    api_units = [u for f in functions for u in f.units if u.is_api]
    assert {json.dumps(f["Properties"]["LogGroupName"]) for f in filters.values()} == {
        json.dumps({"Ref": unit_ids(u)["logs"]}) for u in api_units}
    for subscription in filters.values():
        assert subscription["Properties"]["FilterPattern"] == '{ $.log = "access" }'
        assert subscription["Properties"]["DestinationArn"] == {"Ref": alias}
    [permission] = [p for p in of_type(resources, "AWS::Lambda::Permission").values()
                    if p["Properties"]["FunctionName"] == {"Ref": alias}]
    assert "logs." in json.dumps(permission["Properties"]["Principal"])
    assert "log-group:/aws/lambda/medpool-prod-*" in json.dumps(permission["Properties"]["SourceArn"])


def test_the_login_bundle_ships_the_privacy_guide():
    from infra.bundle import function_entries
    from infra.project import ROOT

    [(name, path)] = [(n, p) for n, p in function_entries("login") if n.endswith("privacy-guide.md")]
    assert name == "functions/login/privacy-guide.md"
    assert path.read_bytes() == (ROOT / "docs" / "privacy-guide.md").read_bytes()
