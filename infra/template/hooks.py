"""The pre-traffic hook of each unit: a small function CodeDeploy runs before any traffic moves to a
new version. It invokes that version with probes derived from the unit's own routes and tells
CodeDeploy whether to go on (infra/hooks/pre_traffic.py). A failed probe stops the deployment:
`live` stays on the old version."""
from __future__ import annotations

import json
import re
from typing import Any

from infra.bundle import ARCHITECTURE, RUNTIME
from infra.names import function_name, hook_name
from infra.project import Function, Unit
from infra.template.functions import SOURCE, log_group, own_logs, role, unit_ids
from medpool.policy import Access

HOOK_TIMEOUT = 120  # a few probes of at most API_TIMEOUT each
PROBE_ID = "pre-traffic-probe"  # path parameters of a probe: never a real id


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", PROBE_ID, path)


def _http(spec: Any, status: int, expect: dict[str, str]) -> dict[str, Any]:
    return {"method": spec.method, "resource": spec.path, "path": _concrete(spec.path),
            "path_params": {name: PROBE_ID for name in spec.path_params}, "status": status, "expect": expect}


def probes(function: Function, unit: Unit) -> list[dict[str, Any]]:
    """What the hook asks the new version, from the function's declared routes:
    - GET /health where the function serves it: 200, status ok;
    - each public GET without path parameters (a read through the layer, e.g. GET /departments
      reads DynamoDB): 200;
    - one route that needs a session (a GET if the function has one), with an invalid token: 401
      `invalid_token` in the API's error shape (bundle, layer, routing, settings and the secret's
      key are all used to say so; the router refuses before any handler runs, so nothing is written).
    A scheduled or stream unit (whose handler does the job itself) is invoked as a DryRun: the version
    exists, is active and may be invoked; a scheduled unit's code is exercised by its function's API unit,
    same bundle; the notifier's is imported whole by the bundle tests."""
    if not unit.is_api:
        return [{"dry_run": True}]
    gets = sorted((spec for spec in function.routes if spec.method == "GET"), key=lambda spec: spec.path)
    found = [_http(spec, 200, {"status": "ok"}) for spec in gets if spec.path == "/health"]
    found += [_http(spec, 200, {}) for spec in gets
              if spec.access == Access.PUBLIC and not spec.path_params and spec.path not in ("/health",
                                                                                              "/openapi.json")]
    ordered = gets + sorted((s for s in function.routes if s.method != "GET"), key=lambda s: (s.path, s.method))
    guarded = [spec for spec in ordered if spec.access != Access.PUBLIC]
    if guarded:
        found.append(_http(guarded[0], 401, {"error.code": "invalid_token"}))
    if not found:
        raise LookupError(f"functions/{function.name}: no route to probe before traffic moves")
    return found


def hook_resources(stage: str, function: Function, unit: Unit) -> dict[str, Any]:
    ids = unit_ids(unit)
    name = hook_name(stage, unit.name)
    target = f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:" \
             f"{function_name(stage, unit.name)}:*"
    group = "arn:${AWS::Partition}:codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:" \
            "${ServerlessDeploymentApplication}/${%s}" % ids["group"]
    statements = [
        own_logs(ids["hook_logs"]),
        {"Sid": "InvokeTheNewVersion", "Effect": "Allow", "Action": ["lambda:InvokeFunction"],
         "Resource": {"Fn::Sub": target}},
        {"Sid": "ReportToCodeDeploy", "Effect": "Allow", "Action": ["codedeploy:PutLifecycleEventHookExecutionStatus"],
         "Resource": {"Fn::Sub": group}},
    ]
    return {
        ids["hook_logs"]: log_group(name),
        ids["hook_role"]: role(statements),
        ids["hook"]: {"Type": "AWS::Serverless::Function", "DependsOn": [ids["hook_logs"]], "Properties": {
            "FunctionName": name,
            "Description": f"MedPool {unit.name}: pre-traffic checks of a new version",
            "Runtime": RUNTIME, "Architectures": [ARCHITECTURE], "MemorySize": 128, "Timeout": HOOK_TIMEOUT,
            "CodeUri": f"{SOURCE}/hook", "Handler": "pre_traffic.handler",
            "Role": {"Fn::GetAtt": [ids["hook_role"], "Arn"]},
            "Environment": {"Variables": {
                "MEDPOOL_PROBE_TARGET": {"Ref": f"{ids['function']}.Version"},
                "MEDPOOL_PROBES": json.dumps(probes(function, unit), separators=(",", ":"), sort_keys=True)}},
        }},
    }


def hooks_section(stage: str, functions: list[Function]) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for function in functions:
        for unit in function.units:
            resources.update(hook_resources(stage, function, unit))
    return resources
