"""The access log's copy by subject (docs/audit-and-privacy.md): every API unit's log group is subscribed, with the
handler's filter pattern, to the unit that declares LOG_SUBSCRIPTIONS (through its `live` alias), which CloudWatch
Logs may invoke for this stack's log groups only."""
from __future__ import annotations

from typing import Any

from infra.names import function_name
from infra.project import Function
from infra.template.functions import unit_ids


def subscriptions_section(stage: str, functions: list[Function]) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    api_units = [unit for function in functions for unit in function.units if unit.is_api]
    for function in functions:
        for target in (u for u in function.units if u.subscription is not None):
            alias = unit_ids(target)["alias"]
            permission = f"{unit_ids(target)['function']}FromLogs"
            resources[permission] = {"Type": "AWS::Lambda::Permission", "Properties": {
                "FunctionName": {"Ref": alias}, "Action": "lambda:InvokeFunction",
                "Principal": {"Fn::Sub": "logs.${AWS::Region}.${AWS::URLSuffix}"},
                "SourceAccount": {"Ref": "AWS::AccountId"},
                "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
                                         f"/aws/lambda/{function_name(stage, '')}*"}}}
            for unit in api_units:
                logs = unit_ids(unit)["logs"]
                resources[f"{logs}Subscription"] = {
                    "Type": "AWS::Logs::SubscriptionFilter", "DependsOn": [permission],
                    "Properties": {"LogGroupName": {"Ref": logs}, "FilterPattern": target.subscription.pattern,
                                   "DestinationArn": {"Ref": alias}}}
    return resources
