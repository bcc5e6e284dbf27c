"""cfn-lint (the AWS CloudFormation linter) finds nothing in the CloudFormation that the SAM
transform makes of the synthesized template (cfn-lint 1.58 no longer runs the SAM transform itself)."""
import json

from cfnlint.api import ManualArgs, lint

REGIONS = ["cn-north-1", "cn-northwest-1", "us-east-1"]


def _lint(template):
    return lint(json.dumps(template), config=ManualArgs(regions=REGIONS))


def test_template_is_cfn_lint_clean(cloudformation):
    assert [str(match) for match in _lint(cloudformation)] == []


def test_the_linter_does_catch_mistakes(resources):
    """One of the template's functions, alone and broken (linting the whole template twice is slow)."""
    name, function = next((k, r) for k, r in resources.items() if r["Type"] == "AWS::Lambda::Function")
    broken = json.loads(json.dumps(function))
    broken["Properties"].update(Runtime="python2.1", Role="arn:aws-cn:iam::123456789012:role/r")
    broken.pop("DependsOn", None)
    broken["Properties"].pop("Layers", None)
    broken["Properties"]["Environment"] = {"Variables": {"A": "b"}}
    assert any("python2.1" in str(match) for match in _lint({"Resources": {name: broken}}))


def test_secret_is_generated_and_outputs_reference_it(resources):
    secret = resources["AppSecret"]
    generate = secret["Properties"]["GenerateSecretString"]
    assert generate["GenerateStringKey"] == "token_signing_key" and generate["PasswordLength"] >= 32
    assert "wechat_app_secret" in json.loads(generate["SecretStringTemplate"])
    assert secret["DeletionPolicy"] == "Retain"


def test_alarms_on_errors_latency_and_throttles(resources, functions):
    alarms = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    metrics = {(a["Namespace"], a["MetricName"]) for a in alarms}
    assert {("AWS/Lambda", "Errors"), ("AWS/Lambda", "Duration"), ("AWS/Lambda", "Throttles"),
            ("AWS/ApiGateway", "5XXError"), ("AWS/DynamoDB", "ReadThrottleEvents"), ("AWS/DynamoDB", "WriteThrottleEvents")} <= metrics
    units = sum(len(f.units) for f in functions)
    streams = sum(1 for f in functions for u in f.units if u.stream)  # + iterator age, errors of every version
    assert sum(a["Namespace"] == "AWS/Lambda" for a in alarms) == 3 * units + 2 * streams
    assert all(a["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms)
