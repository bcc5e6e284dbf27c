"""Code deploys against moto: a per-function deploy changes only that function's Lambda; rollback
moves the alias back; a layer publish is idempotent and rolls every function; full-deploy converge
brings drifted Lambdas back to the built code."""
import json
import zipfile

import boto3
import pytest
from moto import mock_aws

from infra.bundle import RUNTIME, build_function, build_layer, write_zip
from infra.code import publish_layer, roll_onto_layer
from infra.deploy import deploy_function, rollback, set_wechat_secret
from infra.names import ALIAS, function_name, secret_name
from infra.stack import converge

STAGE = "prod"
REGION = "cn-north-1"


@pytest.fixture
def aws(functions, tmp_path):
    """Every function's Lambda as a full deploy leaves it, but running an older bundle (v1 = live)."""
    with mock_aws():
        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName="medpool-test", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []})
        )["Role"]["Arn"]
        client = boto3.client("lambda", region_name=REGION)
        old = tmp_path / "old.py"
        old.write_text("OLD = True\n")
        for function in functions:
            for unit in function.units:
                zip_path = write_zip([("functions/old.py", old)], tmp_path / f"{unit.name}-old.zip")
                name = function_name(STAGE, unit.name)
                client.create_function(FunctionName=name, Runtime=RUNTIME, Role=role, Handler=unit.handler,
                                       Code={"ZipFile": zip_path.data})
                version = client.publish_version(FunctionName=name)["Version"]
                client.create_alias(FunctionName=name, Name=ALIAS, FunctionVersion=version)
        yield client


def _state(client, functions):
    """Per Lambda: $LATEST code, published versions and where the alias points."""
    state = {}
    for function in functions:
        for unit in function.units:
            name = function_name(STAGE, unit.name)
            versions = client.list_versions_by_function(FunctionName=name)["Versions"]
            state[name] = {
                "code": client.get_function_configuration(FunctionName=name)["CodeSha256"],
                "versions": sorted((v["Version"], v["CodeSha256"]) for v in versions),
                "alias": client.get_alias(FunctionName=name, Name=ALIAS)["FunctionVersion"],
            }
    return state


def test_deploying_one_function_touches_only_that_function(aws, functions):
    target = functions[-1]
    before = _state(aws, functions)
    [outcome] = deploy_function(aws, STAGE, target.name)
    after = _state(aws, functions)
    name = function_name(STAGE, target.units[0].name)
    assert (outcome.action, outcome.version) == ("deployed", "2")
    assert after[name]["alias"] == "2"
    assert after[name]["code"] == build_function(target.name).sha256_b64
    assert aws.get_function_configuration(FunctionName=name, Qualifier=ALIAS)["CodeSha256"] == after[name]["code"]
    others = {key: value for key, value in after.items() if key != name}
    assert others == {key: value for key, value in before.items() if key != name}
    assert len(others) == sum(len(f.units) for f in functions) - len(target.units)


def test_an_unchanged_function_is_not_republished(aws, functions):
    target = functions[0]
    deploy_function(aws, STAGE, target.name)
    before = _state(aws, functions)
    [outcome] = deploy_function(aws, STAGE, target.name)
    assert outcome.action == "unchanged"
    assert _state(aws, functions) == before


def test_rollback_moves_the_alias_to_the_previous_version(aws, functions):
    target = functions[0]
    name = function_name(STAGE, target.units[0].name)
    deploy_function(aws, STAGE, target.name)
    [outcome] = rollback(aws, STAGE, target.name)
    assert (outcome.action, outcome.version) == ("rolled back", "1")
    assert aws.get_alias(FunctionName=name, Name=ALIAS)["FunctionVersion"] == "1"
    with pytest.raises(LookupError):
        rollback(aws, STAGE, target.name)
    [outcome] = rollback(aws, STAGE, target.name, to="2")
    assert outcome.version == "2"


def test_layer_publish_is_idempotent_and_reaches_every_function(aws, functions, tmp_path):
    layer = build_layer(tmp_path, with_deps=False)
    arn = publish_layer(aws, STAGE, layer)
    assert publish_layer(aws, STAGE, layer) == arn
    units = [u for f in functions for u in f.units]
    outcomes = roll_onto_layer(aws, STAGE, units, arn)
    assert {o.action for o in outcomes} == {"deployed"}
    for unit in units:
        live = aws.get_function_configuration(FunctionName=function_name(STAGE, unit.name), Qualifier=ALIAS)
        assert [layer["Arn"] for layer in live["Layers"]] == [arn]
    assert {o.action for o in roll_onto_layer(aws, STAGE, units, arn)} == {"unchanged"}


def test_converge_brings_drifted_functions_back_to_the_build(aws, functions, tmp_path):
    bundles = {f.name: build_function(f.name, tmp_path) for f in functions}
    arn = publish_layer(aws, STAGE, build_layer(tmp_path, with_deps=False))
    converge(aws, STAGE, functions, bundles, arn)
    rollback(aws, STAGE, functions[0].name)  # drift: one function back on its old version
    outcomes = converge(aws, STAGE, functions, bundles, arn)
    changed = {o.lambda_name for o in outcomes if o.action == "deployed"}
    assert changed == {function_name(STAGE, u.name) for u in functions[0].units}
    for function in functions:
        for unit in function.units:
            live = aws.get_function_configuration(FunctionName=function_name(STAGE, unit.name), Qualifier=ALIAS)
            assert live["CodeSha256"] == bundles[function.name].sha256_b64


def test_set_wechat_secret_keeps_the_signing_key():
    with mock_aws():
        client = boto3.client("secretsmanager", region_name=REGION)
        client.create_secret(Name=secret_name(STAGE), SecretString=json.dumps(
            {"wechat_app_secret": "SET-ME", "token_signing_key": "k" * 64}))
        set_wechat_secret(client, STAGE, "real-app-secret")
        value = json.loads(client.get_secret_value(SecretId=secret_name(STAGE))["SecretString"])
        assert value == {"wechat_app_secret": "real-app-secret", "token_signing_key": "k" * 64}


def test_bundle_zip_is_what_lambda_reports(tmp_path, functions):
    bundle = build_function(functions[0].name, tmp_path)
    assert zipfile.ZipFile(bundle.path).testzip() is None
    with mock_aws():
        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        client = boto3.client("lambda", region_name=REGION)
        reported = client.create_function(FunctionName="f", Runtime=RUNTIME, Role=role, Handler="h",
                                          Code={"ZipFile": bundle.data})["CodeSha256"]
    assert reported == bundle.sha256_b64
