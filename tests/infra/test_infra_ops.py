"""The ops steps SAM CLI has no command for: manual rollback (stop a running CodeDeploy deployment,
else move `live` back), the per-function deploy template (pin), secrets."""
import json

import boto3
import pytest
from moto import mock_aws

from infra.bundle import RUNTIME, write_zip
from infra.names import ALIAS, function_name, secret_name
from infra.ops import move_alias_back, pin, rollback, rotate_signing_key, set_wechat_secret, units_of
from infra.project import Unit

REGION = "cn-north-1"


@pytest.fixture
def lam(tmp_path):
    """medpool-prod-approve with versions 1..3, `live` on 3."""
    with mock_aws():
        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        client = boto3.client("lambda", region_name=REGION)
        name = function_name("prod", "approve")
        for n in range(1, 4):
            source = tmp_path / f"v{n}.py"
            source.write_text(f"V = {n}\n")
            code = write_zip([("v.py", source)], tmp_path / f"v{n}.zip").data
            if n == 1:
                client.create_function(FunctionName=name, Runtime=RUNTIME, Role=role, Handler="v.h",
                                       Code={"ZipFile": code})
            else:
                client.update_function_code(FunctionName=name, ZipFile=code)
            client.publish_version(FunctionName=name)
        client.create_alias(FunctionName=name, Name=ALIAS, FunctionVersion="3")
        yield client


def test_move_alias_back_to_the_previous_then_a_given_version(lam):
    name = function_name("prod", "approve")
    assert move_alias_back(lam, name) == "2"
    assert lam.get_alias(FunctionName=name, Name=ALIAS)["FunctionVersion"] == "2"
    assert move_alias_back(lam, name, to="3") == "3"
    with pytest.raises(LookupError):
        move_alias_back(lam, name, to="9")
    move_alias_back(lam, name, to="1")
    with pytest.raises(LookupError):
        move_alias_back(lam, name)


class FakeCloudFormation:
    def describe_stack_resource(self, StackName, LogicalResourceId):
        assert StackName == "medpool-prod"
        return {"StackResourceDetail": {"PhysicalResourceId": f"physical-{LogicalResourceId}"}}


class FakeCodeDeploy:
    def __init__(self, running):
        self.running, self.stopped = running, []

    def list_deployments(self, applicationName, deploymentGroupName, includeOnlyStatuses):
        assert applicationName == "physical-ServerlessDeploymentApplication"
        assert deploymentGroupName == "physical-ApproveFunctionDeploymentGroup"
        assert "InProgress" in includeOnlyStatuses
        return {"deployments": self.running}

    def stop_deployment(self, deploymentId, autoRollbackEnabled):
        assert autoRollbackEnabled is True
        self.stopped.append(deploymentId)


class Session:
    def __init__(self, lam, codedeploy):
        self.clients = {"lambda": lam, "codedeploy": codedeploy, "cloudformation": FakeCloudFormation()}

    def client(self, name):
        return self.clients[name]


UNIT = Unit("approve", "approve", "functions.approve.handler.app")


def test_rollback_stops_a_running_deployment_and_leaves_the_alias_to_codedeploy(lam):
    codedeploy = FakeCodeDeploy(["d-RUNNING"])
    [line] = rollback(Session(lam, codedeploy), "prod", "approve", [UNIT])
    assert codedeploy.stopped == ["d-RUNNING"] and "stopped deployment d-RUNNING" in line
    assert lam.get_alias(FunctionName=function_name("prod", "approve"), Name=ALIAS)["FunctionVersion"] == "3"


def test_rollback_without_a_running_deployment_moves_live_back(lam):
    codedeploy = FakeCodeDeploy([])
    [line] = rollback(Session(lam, codedeploy), "prod", "approve", [UNIT])
    assert codedeploy.stopped == [] and "version 2" in line
    assert lam.get_alias(FunctionName=function_name("prod", "approve"), Name=ALIAS)["FunctionVersion"] == "2"


def test_pin_changes_only_the_functions_code(template, tmp_path):
    deployed = json.loads(json.dumps(template))
    built = json.loads(json.dumps(template))
    for resource in built["Resources"].values():
        if "CodeUri" in resource.get("Properties", {}):
            resource["Properties"]["CodeUri"] = "NewBuild"
    pinned = pin("overdue", deployed, built, tmp_path)
    changed = {rid for rid in deployed["Resources"] if deployed["Resources"][rid] != pinned["Resources"][rid]}
    assert changed == {"OverdueFunction", "OverdueCheckOverdueFunction"}  # both Lambdas of one bundle
    assert pinned["Resources"]["OverdueFunction"]["Properties"]["CodeUri"] == str(tmp_path / "NewBuild")
    with pytest.raises(SystemExit):
        units_of("nosuch", deployed["Resources"])


def test_secrets_keep_each_others_values():
    with mock_aws():
        client = boto3.client("secretsmanager", region_name=REGION)
        client.create_secret(Name=secret_name("prod"), SecretString=json.dumps(
            {"wechat_app_secret": "SET-ME", "token_signing_key": "k" * 64}))
        set_wechat_secret(client, "prod", "real-app-secret")
        value = json.loads(client.get_secret_value(SecretId=secret_name("prod"))["SecretString"])
        assert value == {"wechat_app_secret": "real-app-secret", "token_signing_key": "k" * 64}
        rotate_signing_key(client, "prod")
        value = json.loads(client.get_secret_value(SecretId=secret_name("prod"))["SecretString"])
        assert value["wechat_app_secret"] == "real-app-secret"
        assert value["token_signing_key"] != "k" * 64 and len(value["token_signing_key"]) >= 64
