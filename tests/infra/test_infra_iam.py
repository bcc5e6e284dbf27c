"""Least privilege: each Lambda's role reaches only its function's tables, with its level's actions,
its own log group and the app secret; the declared grants match the tables the code reaches."""
import json
import re

from infra.access import BUCKET_PREFIXES, FUNCTION_BUCKETS, FUNCTION_TABLES, actions
from infra.project import function_names
from infra.template.functions import unit_ids
from infra.template.storage import BUCKETS
from infra.template.tables import table_logical_id
from infra.usage import reachable_tables
from medpool.models import TABLES


def _referenced(resource):
    """The logical id an ARN expression refers to: GetAtt X.Arn or Sub "${X.Arn}/index/*"."""
    if "Fn::GetAtt" in resource:
        return resource["Fn::GetAtt"][0]
    return re.fullmatch(r"\$\{(\w+)\.Arn\}/index/\*", resource["Fn::Sub"]).group(1)


def _statements(resources, unit):
    role = resources[unit_ids(unit)["role"]]["Properties"]
    assert "ManagedPolicyArns" not in role
    return [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]


def test_every_function_has_a_grant_and_every_grant_a_function():
    assert sorted(FUNCTION_TABLES) == function_names()


def test_grants_match_the_tables_the_code_reaches():
    for function in function_names():
        assert set(FUNCTION_TABLES[function]) == reachable_tables(function, TABLES), (
            f"{function}: infra/access.py FUNCTION_TABLES disagrees with the models its code imports")


def test_roles_grant_only_declared_tables_and_actions(resources, functions):
    table_ids = {table_logical_id(name): name for name in TABLES}
    for function in functions:
        for unit in function.units:
            statements = _statements(resources, unit)
            stream = [s for s in statements if s["Sid"] in ("ReadItsStream", "DeadLetters")]
            objects = [s for s in statements if any(a.startswith("s3:") for a in s["Action"])]
            statements = [s for s in statements if s not in stream and s not in objects]
            assert objects == _expected_objects(function.name), unit.name
            assert bool(stream) == bool(unit.stream), unit.name  # only a stream reader reads a stream
            assert "*" not in json.dumps([s["Resource"] for s in statements]).replace("/index/*", "")
            dynamo = [s for s in statements if any(a.startswith("dynamodb:") for a in s["Action"])]
            granted = {}
            for statement in dynamo:
                assert all("*" not in action for action in statement["Action"])
                names = {table_ids[_referenced(r)] for r in statement["Resource"]}
                assert len(names) == 1, statement
                granted[names.pop()] = sorted(statement["Action"])
            expected = {t: actions(level) for t, level in FUNCTION_TABLES[function.name].items()}
            assert granted == expected, unit.name
            others = [s for s in statements if s not in dynamo]
            assert {tuple(s["Action"]) for s in others} == {("logs:CreateLogStream", "logs:PutLogEvents"),
                                                            ("secretsmanager:GetSecretValue",)}
            logs = next(s for s in others if s["Action"][0].startswith("logs:"))
            assert logs["Resource"] == {"Fn::GetAtt": [unit_ids(unit)["logs"], "Arn"]}


def _expected_objects(function):
    """Certificate files: Get/Put on the objects under the bucket's prefix, for the functions granted them."""
    return [{"Sid": f"{bucket.capitalize()}Objects", "Effect": "Allow", "Action": sorted(granted),
             "Resource": {"Fn::Sub": f"${{{BUCKETS[bucket]}.Arn}}/{BUCKET_PREFIXES[bucket]}*"}}
            for bucket, granted in sorted(FUNCTION_BUCKETS.get(function, {}).items())]


def test_only_the_devices_function_reaches_the_certificate_files_and_none_deletes_or_lists_them(resources, functions):
    assert FUNCTION_BUCKETS == {"devices": {"certificates": ("s3:GetObject", "s3:PutObject")}}
    for function in functions:
        for unit in function.units:
            granted = [a for s in _statements(resources, unit) for a in s["Action"] if a.startswith("s3:")]
            assert granted == (["s3:GetObject", "s3:PutObject"] if function.name == "devices" else []), unit.name
            env = resources[unit_ids(unit)["function"]]["Properties"]["Environment"]["Variables"]
            assert env.get("MEDPOOL_CERTIFICATE_BUCKET") == (
                {"Ref": "CertificatesBucket"} if function.name == "devices" else None), unit.name


def test_the_certificate_bucket_is_encrypted_private_versioned_tls_only_and_kept(resources):
    bucket = resources["CertificatesBucket"]
    assert bucket["Type"] == "AWS::S3::Bucket" and bucket["DeletionPolicy"] == bucket["UpdateReplacePolicy"] == "Retain"
    properties = bucket["Properties"]
    assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert set(properties["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(properties["PublicAccessBlockConfiguration"]) == 4
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert "BucketName" not in properties  # generated: globally unique
    (statement,) = resources["CertificatesBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_each_function_runs_with_its_own_role_and_settings(resources, functions):
    for function in functions:
        for unit in function.units:
            ids = unit_ids(unit)
            properties = resources[ids["function"]]["Properties"]
            assert properties["Role"] == {"Fn::GetAtt": [ids["role"], "Arn"]}
            env = properties["Environment"]["Variables"]
            assert env["MEDPOOL_STAGE"] == "prod" and env["MEDPOOL_SECRET_ID"] == {"Ref": "AppSecret"}
            assert env["MEDPOOL_WECHAT_APPID"] == {"Ref": "WechatAppId"}
