"""The pre-traffic hook: its probes (from each function's own routes) pass against the current code,
run in process as Lambda would run the new version; a failing probe makes the hook tell CodeDeploy
`Failed` (so no traffic moves), a passing set `Succeeded`."""
import ast
import importlib
import io
import json

import pytest
from moto import mock_aws

from infra.hooks import pre_traffic
from infra.project import ROOT
from infra.template.hooks import probes
from medpool.tables import create_tables
from tests.support import reconfigure


class FakeLambda:
    """Answers invoke() by running the function's Chalice app in process (or failing, or DryRun)."""

    def __init__(self, app=None, error=None):
        self.app, self.error, self.calls = app, error, []

    def invoke(self, FunctionName, Payload=None, InvocationType="RequestResponse"):
        self.calls.append((FunctionName, InvocationType))
        if InvocationType == "DryRun":
            return {"StatusCode": 204}
        if self.error:
            return {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": io.BytesIO(self.error.encode())}
        answer = self.app(json.loads(Payload), None)
        return {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(answer).encode())}


class FakeCodeDeploy:
    def __init__(self):
        self.reports = []

    def put_lifecycle_event_hook_execution_status(self, **report):
        self.reports.append(report)


@pytest.fixture
def local_tables():
    with mock_aws():
        reconfigure(MEDPOOL_STAGE="local", MEDPOOL_DYNAMODB_ENDPOINT="aws", MEDPOOL_TABLE_PREFIX="hook-")
        create_tables()
        yield


def _api_units(functions):
    return [(f, u) for f in functions for u in f.units if u.is_api]


def test_every_probe_passes_against_the_current_code(functions, local_tables, monkeypatch):
    checked = 0
    for function, unit in _api_units(functions):
        module, attribute = unit.handler.rsplit(".", 1)
        fake = FakeLambda(getattr(importlib.import_module(module), attribute))
        monkeypatch.setattr(pre_traffic, "_clients", {"lambda": fake})
        assert pre_traffic.check("arn:version:7", probes(function, unit)) == [], function.name
        checked += len(fake.calls)
    assert checked >= len(_api_units(functions))


def test_probes_cover_health_a_read_through_the_layer_and_the_session_gate(functions):
    by_name = {f.name: probes(f, u) for f, u in _api_units(functions)}
    assert {"method": "GET", "resource": "/health", "status": 200} .items() <= by_name["login"][0].items()
    assert any(p["resource"] == "/departments" and p["status"] == 200 for p in by_name["users"])
    for name, found in by_name.items():
        gate = [p for p in found if p["status"] == 401]
        assert len(gate) == 1 and gate[0]["expect"] == {"error.code": "invalid_token"}, name
    scheduled = [u for f in functions for u in f.units if not u.is_api]
    assert all(probes(next(f for f in functions if f.name == u.function), u) == [{"dry_run": True}]
               for u in scheduled)


def _run_hook(monkeypatch, fake, probe_list):
    codedeploy = FakeCodeDeploy()
    monkeypatch.setattr(pre_traffic, "_clients", {"lambda": fake, "codedeploy": codedeploy})
    monkeypatch.setenv("MEDPOOL_PROBE_TARGET", "arn:aws-cn:lambda:cn-north-1:1:function:medpool-prod-login:8")
    monkeypatch.setenv("MEDPOOL_PROBES", json.dumps(probe_list))
    result = pre_traffic.handler({"DeploymentId": "d-1", "LifecycleEventHookExecutionId": "h-1"}, None)
    [report] = codedeploy.reports
    assert report["deploymentId"] == "d-1" and report["lifecycleEventHookExecutionId"] == "h-1"
    return report["status"], result, fake


def test_a_version_that_fails_to_import_fails_the_hook(monkeypatch, functions):
    login = next(f for f in functions if f.name == "login")
    status, result, fake = _run_hook(monkeypatch, FakeLambda(error='{"errorType": "ImportModuleError"}'),
                                     probes(login, login.units[0]))
    assert status == "Failed" and "ImportModuleError" in result["failures"][0]
    assert fake.calls[0][0].endswith(":8")  # the new version, never the alias


def test_a_wrong_answer_fails_the_hook(monkeypatch, functions):
    def broken_app(event, context):
        return {"statusCode": 500, "body": json.dumps({"error": {"code": "internal_error", "message": "x"}})}

    login = next(f for f in functions if f.name == "login")
    status, result, _ = _run_hook(monkeypatch, FakeLambda(broken_app), probes(login, login.units[0]))
    assert status == "Failed" and "status 500" in result["failures"][0]


def test_a_healthy_version_passes(monkeypatch, functions, local_tables):
    login = next(f for f in functions if f.name == "login")
    app = importlib.import_module("functions.login.handler").app
    status, result, fake = _run_hook(monkeypatch, FakeLambda(app), probes(login, login.units[0]))
    # /health, the public GET /privacy-guide (its file is in the bundle), a route refusing an invalid token
    assert status == "Succeeded" and result["failures"] == [] and len(fake.calls) == 3


def test_the_hook_needs_only_the_lambda_runtime():
    tree = ast.parse((ROOT / "infra" / "hooks" / "pre_traffic.py").read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"json", "os", "boto3"}
