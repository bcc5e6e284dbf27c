"""Alarms to an SNS topic: Lambda errors and throttles (per function), API 5XX, table throttling."""
from __future__ import annotations

from typing import Any

from infra.names import API_STAGE, stack_name
from infra.project import Function
from infra.template.functions import unit_ids
from infra.template.tables import table_logical_id

TOPIC = "AlarmTopic"
PERIOD = 300


def _alarm(description: str, namespace: str, metric: str, dimensions: list[dict], threshold: int = 1) -> dict:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmDescription": description, "Namespace": namespace, "MetricName": metric, "Dimensions": dimensions,
        "Statistic": "Sum", "Period": PERIOD, "EvaluationPeriods": 1, "Threshold": threshold,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": TOPIC}], "OKActions": [{"Ref": TOPIC}]}}


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
            ids = unit_ids(unit)
            dims = [{"Name": "FunctionName", "Value": {"Ref": ids["function"]}}]
            resources[f"{ids['function']}ErrorsAlarm"] = _alarm(f"{unit.name}: errors", "AWS/Lambda", "Errors", dims)
            resources[f"{ids['function']}ThrottlesAlarm"] = _alarm(f"{unit.name}: throttles", "AWS/Lambda",
                                                                   "Throttles", dims)
    for name in tables:
        dims = [{"Name": "TableName", "Value": {"Ref": table_logical_id(name)}}]
        for metric in ("ReadThrottleEvents", "WriteThrottleEvents"):
            resources[f"{table_logical_id(name)}{metric}Alarm"] = _alarm(f"{name}: {metric}", "AWS/DynamoDB",
                                                                         metric, dims)
    return resources
