"""One AWS::Serverless::Function per deployable unit: its log group, its least-privilege role, the
`live` alias SAM publishes (AutoPublishAlias) and the CodeDeploy preference that shifts traffic to a
new version gradually, behind a pre-traffic hook, rolled back by the unit's alarms."""
from __future__ import annotations

from typing import Any

from infra.access import BUCKET_PREFIXES, FUNCTION_BUCKETS, actions, tables_of
from infra.bundle import ARCHITECTURE, RUNTIME
from infra.names import ALIAS, RUNTIME_MODE, function_name, logical, table_prefix
from infra.project import Function, Unit
from infra.template.storage import BUCKET_SETTINGS, BUCKETS
from infra.template.tables import has_indexes, table_logical_id

SECRET = "AppSecret"
LAYER = "Layer"
LOG_RETENTION_DAYS = 180
API_TIMEOUT, SCHEDULE_TIMEOUT = 20, 300  # API Gateway stops waiting at 29 s
STREAM_TIMEOUT = 120  # a batch of events, each fanned out and pushed (WeChat answers in ~0.1-1.5 s a message)
# How the notifier reads its stream (AWS::Lambda::EventSourceMapping through SAM's DynamoDB event):
# small batches, no batching wait (a push should leave within a second), a failing batch split in two
# until the bad record is alone, a few retries, and a record too old or retried too often goes to the
# dead-letter queue (the scheduled sweep still delivers the event: the queue is for investigation).
STREAM_SOURCE = {"StartingPosition": "TRIM_HORIZON", "BatchSize": 10, "MaximumBatchingWindowInSeconds": 0,
                 "BisectBatchOnFunctionError": True, "MaximumRetryAttempts": 5,
                 "MaximumRecordAgeInSeconds": 3600, "ParallelizationFactor": 1,
                 "FunctionResponseTypes": ["ReportBatchItemFailures"]}
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
STREAM_READ = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
               "dynamodb:ListStreams"]
MEMORY_MB = 512
SOURCE = "src"  # staged sources, relative to the template (infra.synth)
# Cold start: pydantic looks for plugins in every installed distribution's entry points when it builds the
# first schema; the functions use none (bench/imports.py runs its first requests with the same settings).
RUNTIME_ENV = {"PYDANTIC_DISABLE_PLUGINS": "__all__"}


def unit_ids(unit: Unit) -> dict[str, str]:
    """Logical ids of a unit's resources; `alias` and `group` are the ones SAM generates."""
    base = logical(unit.name)
    function = f"{base}Function"
    return {"function": function, "role": f"{base}Role", "logs": f"{base}Logs",
            "alias": f"{function}Alias{ALIAS}", "version": f"{function}Version",
            "group": f"{function}DeploymentGroup", "errors": f"{function}ErrorsAlarm",
            "latency": f"{function}LatencyAlarm", "throttles": f"{function}ThrottlesAlarm",
            "hook": f"{base}PreTrafficHook", "hook_role": f"{base}PreTrafficHookRole",
            "hook_logs": f"{base}PreTrafficHookLogs", "dlq": f"{base}DeadLetterQueue",
            "iterator_age": f"{function}IteratorAgeAlarm", "all_errors": f"{function}AllVersionsErrorsAlarm",
            "dlq_depth": f"{base}DeadLetterQueueDepthAlarm"}


def log_group(name: str) -> dict[str, Any]:
    return {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": {"LogGroupName": f"/aws/lambda/{name}", "RetentionInDays": LOG_RETENTION_DAYS}}


def role(statements: list[dict]) -> dict[str, Any]:
    """A Lambda execution role with exactly these statements (no managed policy: SAM's default
    AWSLambdaBasicExecutionRole would allow writing to every log group)."""
    return {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "Policies": [{"PolicyName": "least-privilege", "PolicyDocument": {
            "Version": "2012-10-17", "Statement": statements}}]}}


def own_logs(logs_id: str) -> dict[str, Any]:
    return {"Sid": "OwnLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": {"Fn::GetAtt": [logs_id, "Arn"]}}


def _policy(unit: Unit, ids: dict[str, str], tables: dict[str, type],
            grants: dict[str, dict[str, str]] | None) -> list[dict]:
    statements = [own_logs(ids["logs"]),
                  {"Sid": "AppSecret", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
                   "Resource": {"Ref": SECRET}}]
    for table, level in sorted(tables_of(unit.function, grants).items()):
        if table not in tables:
            raise KeyError(f"infra/access.py grants {unit.function} the unknown table {table!r}")
        table_id = table_logical_id(table)
        resources: list[Any] = [{"Fn::GetAtt": [table_id, "Arn"]}]
        if has_indexes(tables[table]) and "dynamodb:Query" in actions(level):
            resources.append({"Fn::Sub": f"${{{table_id}.Arn}}/index/*"})
        statements.append({"Sid": logical(table, logical(level)), "Effect": "Allow",
                           "Action": actions(level), "Resource": resources})
    for bucket, bucket_actions in sorted(FUNCTION_BUCKETS.get(unit.function, {}).items()):
        statements.append({"Sid": logical(bucket, "Objects"), "Effect": "Allow", "Action": sorted(bucket_actions),
                           "Resource": {"Fn::Sub": f"${{{BUCKETS[bucket]}.Arn}}/{BUCKET_PREFIXES[bucket]}*"}})
    if unit.stream is not None:
        if unit.stream.table not in tables:
            raise KeyError(f"{unit.handler}: reads the stream of the unknown table {unit.stream.table!r}")
        table_id = table_logical_id(unit.stream.table)
        statements += [
            {"Sid": "ReadItsStream", "Effect": "Allow", "Action": STREAM_READ,
             "Resource": [{"Fn::Sub": f"${{{table_id}.Arn}}/stream/*"}]},
            {"Sid": "DeadLetters", "Effect": "Allow", "Action": ["sqs:SendMessage"],
             "Resource": {"Fn::GetAtt": [ids["dlq"], "Arn"]}}]
    return statements


def events(unit: Unit) -> dict[str, Any]:
    """The unit's event sources (SAM points them at the `live` alias): its schedule, or its table's stream
    with the dead-letter queue as the mapping's OnFailure destination."""
    if unit.stream is not None:
        return {"Stream": {"Type": "DynamoDB", "Properties": {
            "Stream": {"Fn::GetAtt": [table_logical_id(unit.stream.table), "StreamArn"]}, **STREAM_SOURCE,
            "DestinationConfig": {"OnFailure": {"Type": "SQS",
                                                "Destination": {"Fn::GetAtt": [unit_ids(unit)["dlq"], "Arn"]}}}}}}
    if unit.schedule is None:
        return {}
    return {"Schedule": {"Type": "Schedule", "Properties": {
        "Schedule": unit.schedule.expression, "Description": f"MedPool {unit.function}: {unit.handler}"}}}


def timeout(unit: Unit) -> int:
    return STREAM_TIMEOUT if unit.stream or unit.subscription else SCHEDULE_TIMEOUT if unit.schedule else API_TIMEOUT


def function_resource(stage: str, unit: Unit, ids: dict[str, str], deployment: str) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "FunctionName": function_name(stage, unit.name),
        "Description": f"MedPool {unit.function}: {unit.handler}",
        "Runtime": RUNTIME,
        "Architectures": [ARCHITECTURE],
        "Handler": unit.handler,
        "MemorySize": MEMORY_MB,
        "Timeout": timeout(unit),
        "CodeUri": f"{SOURCE}/{unit.function}",
        "Layers": [{"Ref": LAYER}],
        "Role": {"Fn::GetAtt": [ids["role"], "Arn"]},
        "Environment": {"Variables": {
            "MEDPOOL_STAGE": RUNTIME_MODE,
            "MEDPOOL_TABLE_PREFIX": table_prefix(stage),
            "MEDPOOL_SECRET_ID": {"Ref": SECRET},
            "MEDPOOL_WECHAT_APPID": {"Ref": "WechatAppId"},
            "MEDPOOL_SECRET_REVISION": {"Ref": "SecretRevision"},
            **{BUCKET_SETTINGS[bucket]: {"Ref": BUCKETS[bucket]}
               for bucket in sorted(FUNCTION_BUCKETS.get(unit.function, {}))},
            **RUNTIME_ENV,
        }},
        # A new version (and a gradual shift to it) for any change: code, layer or configuration.
        "AutoPublishAlias": ALIAS,
        "AutoPublishAliasAllProperties": True,
        "DeploymentPreference": {
            "Type": deployment,
            "Alarms": [{"Ref": ids["errors"]}, {"Ref": ids["latency"]}],
            "Hooks": {"PreTraffic": {"Ref": ids["hook"]}},
        },
    }
    if found := events(unit):
        properties["Events"] = found
    return {"Type": "AWS::Serverless::Function", "DependsOn": [ids["logs"]], "Properties": properties}


def unit_resources(stage: str, unit: Unit, tables: dict[str, type], deployment: str,
                   grants: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    ids = unit_ids(unit)
    resources = {
        ids["logs"]: log_group(function_name(stage, unit.name)),
        ids["role"]: role(_policy(unit, ids, tables, grants)),
        ids["function"]: function_resource(stage, unit, ids, deployment),
    }
    if unit.stream is not None:
        resources[ids["dlq"]] = {"Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": f"{function_name(stage, unit.name)}-dead-letters",
            "MessageRetentionPeriod": DLQ_RETENTION_SECONDS, "SqsManagedSseEnabled": True}}
    return resources


def functions_section(stage: str, functions: list[Function], tables: dict[str, type], deployment: str,
                      grants: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for function in functions:
        for unit in function.units:
            resources.update(unit_resources(stage, unit, tables, deployment, grants))
    return resources


def layer_resource(stage: str) -> dict[str, Any]:
    """The medpool package and requirements.txt, built by `sam build` for the Lambda runtime
    (python/ on /opt). Old versions are kept, so a rolled-back function version still has its layer."""
    return {LAYER: {"Type": "AWS::Serverless::LayerVersion", "Metadata": {"BuildMethod": RUNTIME,
                                                                         "BuildArchitecture": ARCHITECTURE},
                    "Properties": {"LayerName": f"medpool-{stage}-layer", "ContentUri": f"{SOURCE}/layer",
                                   "CompatibleRuntimes": [RUNTIME], "CompatibleArchitectures": [ARCHITECTURE],
                                   "RetentionPolicy": "Retain"}}}
