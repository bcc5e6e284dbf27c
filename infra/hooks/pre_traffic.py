"""CodeDeploy's BeforeAllowTraffic hook for one MedPool function (infra/template/hooks.py).

Invokes the new version (MEDPOOL_PROBE_TARGET, a version ARN) with the probes in MEDPOOL_PROBES,
then reports Succeeded or Failed to CodeDeploy. Runs with the Lambda runtime's boto3 only."""
import json
import os

import boto3

_clients = {}


def client(name):
    if name not in _clients:
        _clients[name] = boto3.client(name)
    return _clients[name]


def api_event(probe):
    """An API Gateway (REST, proxy) event as the Chalice handler reads it; an invalid session token."""
    headers = {"accept": "application/json", "authorization": "Bearer pre-traffic.invalid.token",
               "user-agent": "medpool-pre-traffic-hook"}
    return {
        "resource": probe["resource"], "path": probe["path"], "httpMethod": probe["method"],
        "headers": headers, "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": probe["path_params"] or None, "stageVariables": None, "body": None,
        "isBase64Encoded": False,
        "requestContext": {"resourcePath": probe["resource"], "httpMethod": probe["method"],
                           "path": "/live" + probe["path"], "stage": "live", "requestId": "pre-traffic-hook",
                           "identity": {"sourceIp": "127.0.0.1"}},
    }


def _field(document, dotted):
    for key in dotted.split("."):
        document = document.get(key) if isinstance(document, dict) else None
    return document


def judge(probe, response):
    """None if the response is what the probe expects, else why not."""
    status, body = response.get("statusCode"), response.get("body") or ""
    name = f"{probe['method']} {probe['path']}"
    if status != probe["status"]:
        return f"{name}: status {status}, expected {probe['status']}: {body[:300]}"
    try:
        document = json.loads(body)
    except ValueError:
        return f"{name}: the body is not JSON: {body[:300]}"
    for key, value in probe["expect"].items():
        if _field(document, key) != value:
            return f"{name}: {key} is {_field(document, key)!r}, expected {value!r}"
    if probe["status"] >= 400 and not (isinstance(document.get("error"), dict)
                                       and set(document["error"]) >= {"code", "message"}):
        return f"{name}: not the API's error shape: {body[:300]}"
    return None


def run_probe(target, probe):
    if probe.get("dry_run"):
        answer = client("lambda").invoke(FunctionName=target, InvocationType="DryRun")
        return None if answer["StatusCode"] == 204 else f"DryRun answered {answer['StatusCode']}"
    answer = client("lambda").invoke(FunctionName=target, Payload=json.dumps(api_event(probe)).encode())
    payload = answer["Payload"].read().decode()
    if answer.get("FunctionError"):
        return f"{probe['method']} {probe['path']}: the function failed: {payload[:500]}"
    return judge(probe, json.loads(payload))


def check(target, probes):
    failures = []
    for probe in probes:
        try:
            failure = run_probe(target, probe)
        except Exception as error:  # any failure to ask is a failed check, never a hung deployment
            failure = f"{probe}: {error!r}"
        if failure:
            failures.append(failure)
    return failures


def handler(event, context):
    target = os.environ["MEDPOOL_PROBE_TARGET"]
    failures = check(target, json.loads(os.environ["MEDPOOL_PROBES"]))
    status = "Failed" if failures else "Succeeded"
    print(json.dumps({"target": target, "status": status, "failures": failures}, ensure_ascii=False))
    client("codedeploy").put_lifecycle_event_hook_execution_status(
        deploymentId=event["DeploymentId"], lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"],
        status=status)
    return {"status": status, "failures": failures}
