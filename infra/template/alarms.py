"""Alarms to an SNS topic. Per unit, on the version `live` is moving to (the canary): errors and
latency, which CodeDeploy watches during a traffic shift and rolls back on; throttles. API 5XX and
table throttling for the whole stage."""
from __future__ import annotations

from typing import Any

from infra.names import ALIAS, API_STAGE, function_name, stack_name
from infra.project import Function, Unit
from infra.template.functions import timeout, unit_ids
from infra.template.tables import table_logical_id

TOPIC = "AlarmTopic"
PERIOD, CANARY_PERIOD = 300, 60
API_P95_MS = 5000  # API functions answer in well under a second; 5 s at p95 is a regression
SCHEDULE_MAX_FRACTION = 0.8  # a scheduled run (or a stream batch) near its timeout is about to fail
ITERATOR_AGE_MS = 60_000  # the notifier a minute behind its stream: pushes are late


def _alarm(description: str, namespace: str, metric: str, dimensions: list[dict], threshold: float = 1,
           statistic: str = "Sum", period: int = PERIOD) -> dict:
    properties = {
        "AlarmDescription": description, "Namespace": namespace, "MetricName": metric, "Dimensions": dimensions,
        "Period": period, "EvaluationPeriods": 1, "Threshold": threshold,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": TOPIC}], "OKActions": [{"Ref": TOPIC}]}
    if statistic.startswith("p"):
        properties["ExtendedStatistic"] = statistic
    else:
        properties["Statistic"] = statistic
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": properties}


def version_dimensions(stage: str, unit: Unit) -> list[dict]:
    """The alias's invocations of the new version only (ExecutedVersion follows each deploy)."""
    name = function_name(stage, unit.name)
    return [{"Name": "FunctionName", "Value": name}, {"Name": "Resource", "Value": f"{name}:{ALIAS}"},
            {"Name": "ExecutedVersion", "Value": {"Fn::GetAtt": [f"{unit_ids(unit)['function']}.Version",
                                                                 "Version"]}}]


def unit_alarms(stage: str, unit: Unit) -> dict[str, Any]:
    ids, dims = unit_ids(unit), version_dimensions(stage, unit)
    if unit.is_api:
        latency = _alarm(f"{unit.name}: p95 duration >= {API_P95_MS} ms", "AWS/Lambda", "Duration", dims,
                         API_P95_MS, "p95", CANARY_PERIOD)
    else:
        limit = SCHEDULE_MAX_FRACTION * timeout(unit) * 1000
        latency = _alarm(f"{unit.name}: a run took >= {limit:.0f} ms", "AWS/Lambda", "Duration", dims, limit,
                         "Maximum", CANARY_PERIOD)
    whole = [{"Name": "FunctionName", "Value": function_name(stage, unit.name)}]
    alarms = {
        ids["errors"]: _alarm(f"{unit.name}: errors of the live version", "AWS/Lambda", "Errors", dims,
                              period=CANARY_PERIOD),
        ids["latency"]: latency,
        ids["throttles"]: _alarm(f"{unit.name}: throttles", "AWS/Lambda", "Throttles", whole),
    }
    if unit.stream is not None:  # a stream reader is watched beyond deployments: is it keeping up?
        alarms[ids["iterator_age"]] = _alarm(f"{unit.name}: stream iterator age >= {ITERATOR_AGE_MS} ms",
                                             "AWS/Lambda", "IteratorAge", whole, ITERATOR_AGE_MS, "Maximum")
        alarms[ids["all_errors"]] = _alarm(f"{unit.name}: errors (every version)", "AWS/Lambda", "Errors", whole)
        alarms[ids["dlq_depth"]] = _alarm(f"{unit.name}: records in the dead-letter queue", "AWS/SQS",
                                          "ApproximateNumberOfMessagesVisible",
                                          [{"Name": "QueueName", "Value": {"Fn::GetAtt": [ids["dlq"], "QueueName"]}}],
                                          statistic="Maximum")
    return alarms


def alarms_section(stage: str, functions: list[Function], tables: dict[str, type]) -> dict[str, Any]:
    resources: dict[str, Any] = {
        TOPIC: {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": f"{stack_name(stage)} alarms"}},
        "AlarmEmailSubscription": {"Type": "AWS::SNS::Subscription", "Condition": "HasAlarmEmail", "Properties": {
            "TopicArn": {"Ref": TOPIC}, "Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}},
        "Api5xxAlarm": _alarm("API 5XX responses", "AWS/ApiGateway", "5XXError",
                              [{"Name": "ApiName", "Value": stack_name(stage)}, {"Name": "Stage", "Value": API_STAGE}]),
    }
    for function in functions:
        for unit in function.units:
            resources.update(unit_alarms(stage, unit))
    for name in tables:
        dims = [{"Name": "TableName", "Value": {"Ref": table_logical_id(name)}}]
        for metric in ("ReadThrottleEvents", "WriteThrottleEvents"):
            resources[f"{table_logical_id(name)}{metric}Alarm"] = _alarm(f"{name}: {metric}", "AWS/DynamoDB",
                                                                         metric, dims)
    return resources
