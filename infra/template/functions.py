"""One Lambda per deployable unit: log group, least-privilege role, function, published version and
the `live` alias that the API and schedules invoke (rollback = move the alias)."""
from __future__ import annotations

import hashlib
import json
from typing import Any

from infra.access import actions, tables_of
from infra.bundle import ARCHITECTURE, RUNTIME
from infra.names import ALIAS, function_name, logical, table_prefix
from infra.project import Function, Unit
from infra.template.tables import has_indexes, table_logical_id

SECRET = "AppSecret"
LOG_RETENTION_DAYS = 180
API_TIMEOUT, SCHEDULE_TIMEOUT = 20, 300  # API Gateway stops waiting at 29 s
MEMORY_MB = 512


def unit_ids(unit: Unit) -> dict[str, str]:
    base = logical(unit.name)
    return {"function": f"{base}Function", "role": f"{base}Role", "logs": f"{base}Logs",
            "alias": f"{base}Alias", "version": f"{base}Version"}


def _policy(unit: Unit, ids: dict[str, str], tables: dict[str, type],
            grants: dict[str, dict[str, str]] | None) -> list[dict]:
    statements = [
        {"Sid": "OwnLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": {"Fn::GetAtt": [ids["logs"], "Arn"]}},
        {"Sid": "AppSecret", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
         "Resource": {"Ref": SECRET}},
    ]
    for table, level in sorted(tables_of(unit.function, grants).items()):
        if table not in tables:
            raise KeyError(f"infra/access.py grants {unit.function} the unknown table {table!r}")
        table_id = table_logical_id(table)
        resources: list[Any] = [{"Fn::GetAtt": [table_id, "Arn"]}]
        if has_indexes(tables[table]) and "dynamodb:Query" in actions(level):
            resources.append({"Fn::Sub": f"${{{table_id}.Arn}}/index/*"})
        statements.append({"Sid": logical(table, logical(level)), "Effect": "Allow",
                           "Action": actions(level), "Resource": resources})
    return statements


def _properties(stage: str, unit: Unit, ids: dict[str, str], code_key: str, layer_arn: str, appid: str) -> dict:
    return {
        "FunctionName": function_name(stage, unit.name),
        "Description": f"MedPool {unit.function}: {unit.handler}",
        "Runtime": RUNTIME,
        "Architectures": [ARCHITECTURE],
        "Handler": unit.handler,
        "MemorySize": MEMORY_MB,
        "Timeout": SCHEDULE_TIMEOUT if unit.schedule else API_TIMEOUT,
        "Code": {"S3Bucket": {"Ref": "ArtifactBucket"}, "S3Key": code_key},
        "Layers": [layer_arn],
        "Role": {"Fn::GetAtt": [ids["role"], "Arn"]},
        "Environment": {"Variables": {
            "MEDPOOL_STAGE": stage,
            "MEDPOOL_TABLE_PREFIX": table_prefix(stage),
            "MEDPOOL_SECRET_ID": {"Ref": SECRET},
            "MEDPOOL_WECHAT_APPID": appid,
        }},
    }


def config_hash(properties: dict) -> str:
    return hashlib.sha256(json.dumps(properties, sort_keys=True).encode()).hexdigest()[:12]


def unit_resources(stage: str, unit: Unit, code_key: str, layer_arn: str, appid: str, tables: dict[str, type],
                   grants: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    ids = unit_ids(unit)
    properties = _properties(stage, unit, ids, code_key, layer_arn, appid)
    build = config_hash(properties)
    # MEDPOOL_BUILD changes with any change of code, layer or settings, so the new Version resource
    # always has something new to publish (Lambda refuses to publish an unchanged function twice).
    properties["Environment"]["Variables"]["MEDPOOL_BUILD"] = build
    version_id = f"{ids['version']}{build}"
    return {
        ids["logs"]: {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                      "Properties": {"LogGroupName": f"/aws/lambda/{function_name(stage, unit.name)}",
                                     "RetentionInDays": LOG_RETENTION_DAYS}},
        ids["role"]: {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "least-privilege", "PolicyDocument": {
                "Version": "2012-10-17", "Statement": _policy(unit, ids, tables, grants)}}],
        }},
        ids["function"]: {"Type": "AWS::Lambda::Function", "DependsOn": [ids["logs"]], "Properties": properties},
        # Old versions are kept (Retain) so that an alias can be moved back to them.
        version_id: {"Type": "AWS::Lambda::Version", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                     "Properties": {"FunctionName": {"Ref": ids["function"]}, "Description": f"build {build}"}},
        ids["alias"]: {"Type": "AWS::Lambda::Alias", "Properties": {
            "FunctionName": {"Ref": ids["function"]}, "Name": ALIAS,
            "FunctionVersion": {"Fn::GetAtt": [version_id, "Version"]}}},
    }


def schedule_resources(unit: Unit) -> dict[str, Any]:
    if unit.schedule is None:
        return {}
    ids, base = unit_ids(unit), logical(unit.name)
    return {
        f"{base}Schedule": {"Type": "AWS::Events::Rule", "Properties": {
            "Description": f"MedPool {unit.function}: {unit.handler}",
            "ScheduleExpression": unit.schedule.expression, "State": "ENABLED",
            "Targets": [{"Arn": {"Ref": ids["alias"]}, "Id": unit.name}]}},
        f"{base}SchedulePermission": {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Ref": ids["alias"]}, "Action": "lambda:InvokeFunction",
            "Principal": "events.amazonaws.com", "SourceArn": {"Fn::GetAtt": [f"{base}Schedule", "Arn"]}}},
    }


def functions_section(stage: str, functions: list[Function], code_keys: dict[str, str], layer_arn: str,
                      appid: str, tables: dict[str, type],
                      grants: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for function in functions:
        for unit in function.units:
            resources.update(unit_resources(stage, unit, code_keys[function.name], layer_arn, appid,
                                            tables, grants))
            resources.update(schedule_resources(unit))
    return resources
