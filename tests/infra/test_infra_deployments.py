"""Gradual deploys in the transformed template: per unit one `live` alias, one CodeDeploy deployment
group watching that unit's error and latency alarms (on the new version), and a pre-traffic hook
that must pass before any traffic moves; the layer is a SAM LayerVersion."""
from collections import Counter

import pytest

from infra.names import STAGES, function_name
from infra.template import synthesize
from infra.template.functions import unit_ids
from medpool.models import TABLES
from tests.infra.conftest import of_type, transform


def _units(functions):
    return [unit for function in functions for unit in function.units]


def test_one_alias_and_one_deployment_group_per_function(resources, functions):
    units = _units(functions)
    aliases = of_type(resources, "AWS::Lambda::Alias")
    groups = of_type(resources, "AWS::CodeDeploy::DeploymentGroup")
    assert set(aliases) == {unit_ids(u)["alias"] for u in units}
    assert set(groups) == {unit_ids(u)["group"] for u in units}
    assert len(of_type(resources, "AWS::CodeDeploy::Application")) == 1
    for unit in units:
        alias = aliases[unit_ids(unit)["alias"]]
        assert alias["Properties"]["Name"] == "live"
        assert alias["Properties"]["FunctionName"] == {"Ref": unit_ids(unit)["function"]}
        version_id = alias["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]
        assert resources[version_id]["Type"] == "AWS::Lambda::Version"
        assert resources[version_id]["DeletionPolicy"] == "Retain"  # rollback targets survive
        update = alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]
        assert update["DeploymentGroupName"] == {"Ref": unit_ids(unit)["group"]}
        assert update["BeforeAllowTrafficHook"] == {"Ref": unit_ids(unit)["hook"]}


def test_the_stage_shifts_canary_and_rolls_back_on_the_units_alarms(resources, functions):
    assert STAGES["prod"].deployment == "Canary10Percent5Minutes"
    for unit in _units(functions):
        group = resources[unit_ids(unit)["group"]]["Properties"]
        assert group["DeploymentConfigName"] == {"Fn::Sub": ["CodeDeployDefault.Lambda${ConfigName}",
                                                             {"ConfigName": "Canary10Percent5Minutes"}]}
        assert set(group["AutoRollbackConfiguration"]["Events"]) >= {"DEPLOYMENT_FAILURE",
                                                                      "DEPLOYMENT_STOP_ON_ALARM"}
        assert group["AutoRollbackConfiguration"]["Enabled"] is True
        watched = [a["Name"] for a in group["AlarmConfiguration"]["Alarms"]]
        assert watched == [{"Ref": unit_ids(unit)["errors"]}, {"Ref": unit_ids(unit)["latency"]}]
        assert group["AlarmConfiguration"]["Enabled"] is True


def test_alarms_watch_the_new_version_of_the_live_alias(resources, functions):
    for unit in _units(functions):
        for key, metric in (("errors", "Errors"), ("latency", "Duration")):
            alarm = resources[unit_ids(unit)[key]]["Properties"]
            assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/Lambda", metric)
            dims = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
            name = function_name("prod", unit.name)
            assert dims["FunctionName"] == name and dims["Resource"] == f"{name}:live"
            version = dims["ExecutedVersion"]["Fn::GetAtt"]
            assert version[1] == "Version" and resources[version[0]]["Type"] == "AWS::Lambda::Version"
            assert resources[unit_ids(unit)["alias"]]["Properties"]["FunctionVersion"]["Fn::GetAtt"][0] == version[0]


def test_pre_traffic_hook_may_invoke_its_function_and_report_only(resources, functions):
    for unit in _units(functions):
        ids = unit_ids(unit)
        hook = resources[ids["hook"]]["Properties"]
        assert hook["FunctionName"] == f"CodeDeployHook_{function_name('prod', unit.name)}"
        assert hook["Environment"]["Variables"]["MEDPOOL_PROBE_TARGET"] == {"Ref": resources[
            ids["alias"]]["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]}
        assert "DeploymentPreference" not in hook and "Layers" not in hook
        statements = resources[ids["hook_role"]]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        granted = {a: s["Resource"] for s in statements for a in s["Action"]}
        assert set(granted) == {"logs:CreateLogStream", "logs:PutLogEvents", "lambda:InvokeFunction",
                                "codedeploy:PutLifecycleEventHookExecutionStatus"}
        assert granted["lambda:InvokeFunction"]["Fn::Sub"].endswith(f":function:{function_name('prod', unit.name)}:*")
        assert f"${{{ids['group']}}}" in granted["codedeploy:PutLifecycleEventHookExecutionStatus"]["Fn::Sub"]
        assert not of_type({k: v for k, v in resources.items() if k.startswith(ids["hook"])},
                           "AWS::Lambda::Alias")  # the hook itself is not shifted


def test_every_role_is_explicit(resources, functions):
    """Only the declared roles, one per unit and per hook, plus SAM's CodeDeploy service role."""
    units = _units(functions)
    roles = of_type(resources, "AWS::IAM::Role")
    expected = {unit_ids(u)[key] for u in units for key in ("role", "hook_role")} | {"CodeDeployServiceRole"}
    assert set(roles) == expected
    for function in of_type(resources, "AWS::Lambda::Function").values():
        role = function["Properties"]["Role"]["Fn::GetAtt"][0]
        assert role in roles and role != "CodeDeployServiceRole"
    service = roles["CodeDeployServiceRole"]["Properties"]
    assert service["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"] == ["codedeploy.amazonaws.com"]


def test_layer_is_a_sam_layer_version_built_by_sam(sam_resources, resources, functions):
    layer = sam_resources["Layer"]
    assert layer["Type"] == "AWS::Serverless::LayerVersion"
    assert layer["Metadata"]["BuildMethod"] == "python3.11"
    [(layer_id, built)] = of_type(resources, "AWS::Lambda::LayerVersion").items()
    assert built["DeletionPolicy"] == "Retain"
    for function in of_type(resources, "AWS::Lambda::Function").values():
        if not function["Properties"]["FunctionName"].startswith("CodeDeployHook_"):
            assert function["Properties"]["Layers"] == [{"Ref": layer_id}]


def test_every_change_publishes_a_version(sam_resources, functions):
    for unit in _units(functions):
        properties = sam_resources[unit_ids(unit)["function"]]["Properties"]
        assert properties["AutoPublishAlias"] == "live" and properties["AutoPublishAliasAllProperties"] is True


def test_a_stage_may_ask_for_another_shift(functions, stage_dir):
    kind = "AllAtOnce"
    resources = transform(synthesize("prod", functions, TABLES, deployment=kind), base=stage_dir)["Resources"]
    configs = Counter(str(g["Properties"]["DeploymentConfigName"])
                      for g in of_type(resources, "AWS::CodeDeploy::DeploymentGroup").values())
    assert list(configs) == [str({"Fn::Sub": ["CodeDeployDefault.Lambda${ConfigName}", {"ConfigName": kind}]})]
    with pytest.raises(ValueError):
        synthesize("prod", functions, TABLES, deployment="HalfAndHope")


def test_the_dev_stage_goes_all_at_once(functions):
    template = synthesize("dev", functions, TABLES)
    kinds = {r["Properties"]["DeploymentPreference"]["Type"] for r in template["Resources"].values()
             if "DeploymentPreference" in r.get("Properties", {})}
    assert kinds == {"AllAtOnce"} and STAGES["dev"].sync and not STAGES["prod"].sync


def test_figures(resources, functions, capsys):
    """The transformed template's figures (printed for the closing note)."""
    count = Counter(r["Type"] for r in resources.values())
    units = len(_units(functions))
    assert count["AWS::Lambda::Function"] == 2 * units  # each unit and its hook
    assert count["AWS::Lambda::Alias"] == count["AWS::CodeDeploy::DeploymentGroup"] == units
    with capsys.disabled():
        print("\ntransformed template:", {k.split("::", 1)[1]: v for k, v in sorted(count.items())})


def test_only_a_changed_function_gets_a_new_version(template, stage_dir, resources, tmp_path):
    """Unchanged code packages to the same key, so its version resource (and alias) stays; changed
    code gets a new version, which CodeDeploy shifts to."""
    import shutil

    changed = tmp_path / "sam"
    shutil.copytree(stage_dir, changed)
    with (changed / "src" / "approve" / "functions" / "approve" / "routes.py").open("a") as source:
        source.write("\n# a change\n")
    after = transform(template, base=changed)["Resources"]

    def versions(resources):
        return {k for k, r in resources.items() if r["Type"] == "AWS::Lambda::Version"}

    assert versions(after) - versions(resources) == {v for v in versions(after) if v.startswith("ApproveFunction")}
    assert len(versions(after) - versions(resources)) == 1
