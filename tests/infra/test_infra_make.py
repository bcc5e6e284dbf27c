"""The Makefile's ops targets run the right SAM CLI commands (a stub `sam` on PATH, no AWS account):
`make deploy`, `make deploy FUNCTION=x` (only x's new code, on top of the deployed template),
`make logs`, `make sync` (refused on prod)."""
import json
import os
import shutil
import subprocess

import pytest

from infra.project import ROOT
from tests.infra.conftest import of_type

STUB = ROOT / "tests" / "infra" / "sam_stub.py"


@pytest.fixture
def sam(tmp_path):
    """Run make with the stub as `sam`; returns (run, calls)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shutil.copy(STUB, bin_dir / "sam")
    log = tmp_path / "sam.log"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "SAM_STUB_LOG": str(log)}
    env.pop("MAKEFLAGS", None)

    def run(*args, ok=True):
        result = subprocess.run(["make", "--no-print-directory", *args, "SAM=sam"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300)
        assert (result.returncode == 0) == ok, result.stdout + result.stderr
        return result

    def calls():
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    return run, calls


@pytest.fixture
def deployed(template, tmp_path):
    """The stack's template as the last full deploy left it (code in S3)."""
    packaged = json.loads(json.dumps(template))
    for rid, resource in packaged["Resources"].items():
        for key in ("CodeUri", "ContentUri"):
            if key in resource.get("Properties", {}):
                resource["Properties"][key] = f"s3://medpool-prod-artifacts/{rid}-v1.zip"
    path = tmp_path / "deployed.json"
    path.write_text(json.dumps(packaged))
    return path, packaged


def _flags(call, *names):
    return {name: call[call.index(name) + 1] for name in names}


def test_deploy_one_function_deploys_only_its_new_code(sam, deployed):
    run, calls = sam
    path, before = deployed
    result = run("deploy", "FUNCTION=approve", f"DEPLOYED_TEMPLATE={path}")
    build, deploy = calls()
    assert build[0] == "build" and _flags(build, "--template-file", "--build-dir") == {
        "--template-file": "build/sam/prod/template.json", "--build-dir": "build/sam/prod/built"}
    assert deploy[0] == "deploy" and "--parameter-overrides" not in deploy
    assert _flags(deploy, "--template-file", "--stack-name", "--capabilities") == {
        "--template-file": "build/sam/prod/deploy-approve.json", "--stack-name": "medpool-prod",
        "--capabilities": "CAPABILITY_IAM"}
    assert {"--resolve-s3", "--no-confirm-changeset", "--no-fail-on-empty-changeset"} <= set(deploy)
    after = json.loads((ROOT / "build/sam/prod/deploy-approve.json").read_text())
    changed = {rid for rid in before["Resources"] if before["Resources"][rid] != after["Resources"][rid]}
    assert changed == {"ApproveFunction"}
    assert after["Resources"]["ApproveFunction"]["Properties"]["CodeUri"] == str(
        ROOT / "build/sam/prod/built/ApproveFunction")
    assert {k: v for k, v in after.items() if k != "Resources"} == {
        k: v for k, v in before.items() if k != "Resources"}
    assert "Canary10Percent5Minutes" in result.stdout and "about 7 minutes" in result.stdout
    print("\n$ make deploy FUNCTION=approve SAM=sam  (sam stubbed)\n" + result.stdout)


def test_deploy_of_a_function_the_stack_lacks_is_refused(sam, deployed, tmp_path):
    run, calls = sam
    path, packaged = deployed
    del packaged["Resources"]["ApproveFunction"]
    path.write_text(json.dumps(packaged))
    result = run("deploy", "FUNCTION=approve", f"DEPLOYED_TEMPLATE={path}", ok=False)
    assert "full `make deploy`" in result.stderr
    assert [call[0] for call in calls()] == ["build"]  # nothing deployed


def test_full_deploy_builds_and_deploys_the_stage(sam):
    run, calls = sam
    result = run("deploy", "WECHAT_APPID=wx0123456789abcdef", "DOMAIN=api.example.cn")
    build, deploy = calls()
    assert build[:1] == ["build"] and "--cached" in build
    assert _flags(deploy, "--template-file", "--stack-name", "--parameter-overrides") == {
        "--template-file": "build/sam/prod/built/template.yaml", "--stack-name": "medpool-prod",
        "--parameter-overrides": "WechatAppId=wx0123456789abcdef"}
    assert deploy[deploy.index("--parameter-overrides") + 2] == "DomainName=api.example.cn"
    assert "Canary10Percent5Minutes" in result.stdout


def test_logs_tail_every_lambda_of_the_function(sam):
    run, calls = sam
    run("logs", "FUNCTION=overdue")
    [logs] = calls()
    assert logs == ["logs", "--stack-name", "medpool-prod", "--name", "OverdueCheckOverdueFunction",
                    "--name", "OverdueFunction", "--tail"]


def test_sync_is_for_development_stages_only(sam):
    run, calls = sam
    run("sync", "FUNCTION=approve", "STAGE=dev")
    [sync] = calls()
    assert sync[:4] == ["sync", "--code", "--resource-id", "ApproveFunction"]
    assert _flags(sync, "--stack-name", "--template-file") == {"--stack-name": "medpool-dev",
                                                               "--template-file": "build/sam/dev/template.json"}
    result = run("sync", "FUNCTION=approve", "STAGE=prod", ok=False)
    assert "CloudFormation and CodeDeploy only" in result.stderr and len(calls()) == 1


def test_the_stub_builds_what_the_template_names(template):
    """The stub's built template keeps every function (the real sam build does too)."""
    assert len(of_type(template["Resources"], "AWS::Serverless::Function")) >= 2
