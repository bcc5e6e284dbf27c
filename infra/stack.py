"""`make deploy STAGE=prod`: everything. Upload bundles and the layer, create or update the stack
through a change set, then converge: every Lambda's live version runs exactly the built bundle and
layer (a function deployed alone or rolled back since the last full deploy is brought back in line)."""
from __future__ import annotations

import hashlib
import json
from typing import Any

from infra.bundle import BUILD, Artifact, build_function, build_layer
from infra.code import Outcome, deploy_unit_code, publish_layer, roll_onto_layer
from infra.names import function_name, stack_name
from infra.project import Function, discover
from infra.synth import code_key
from infra.template import Build, synthesize

CAPABILITIES = ["CAPABILITY_IAM"]


def artifact_bucket(session: Any, stage: str) -> str:
    """medpool-<stage>-artifacts-<account>: created (private, versioned) on first use."""
    account = session.client("sts").get_caller_identity()["Account"]
    bucket, region = f"medpool-{stage}-artifacts-{account}", session.region_name
    s3 = session.client("s3")
    if bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=bucket, **extra)
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True})
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


def upload(s3: Any, bucket: str, key: str, artifact: Artifact) -> None:
    s3.upload_file(str(artifact.path), bucket, key)


def template_url(bucket: str, region: str, key: str) -> str:
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://{bucket}.s3.{region}.{suffix}/{key}"


def _stack_exists(cfn: Any, name: str) -> bool:
    try:
        status = cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
    except cfn.exceptions.ClientError:
        return False
    return status != "REVIEW_IN_PROGRESS"


def _parameters(values: dict[str, str | None], exists: bool) -> list[dict]:
    out = []
    for key, value in values.items():
        if value is not None:
            out.append({"ParameterKey": key, "ParameterValue": value})
        elif exists:
            out.append({"ParameterKey": key, "UsePreviousValue": True})
    return out


def apply_template(session: Any, stage: str, url: str, parameters: dict[str, str | None]) -> str:
    """Create/update the stack with a change set; returns "created", "updated" or "unchanged"."""
    cfn, name = session.client("cloudformation"), stack_name(stage)
    exists = _stack_exists(cfn, name)
    change_set = cfn.create_change_set(StackName=name, ChangeSetName=f"deploy-{url.rsplit('/', 1)[-1][:-5]}",
                                       TemplateURL=url, Capabilities=CAPABILITIES,
                                       ChangeSetType="UPDATE" if exists else "CREATE",
                                       Parameters=_parameters(parameters, exists))["Id"]
    try:
        cfn.get_waiter("change_set_create_complete").wait(ChangeSetName=change_set, StackName=name)
    except Exception:
        reason = cfn.describe_change_set(ChangeSetName=change_set, StackName=name).get("StatusReason", "")
        if "didn't contain changes" in reason or "No updates" in reason:
            cfn.delete_change_set(ChangeSetName=change_set, StackName=name)
            return "unchanged"
        raise RuntimeError(f"change set failed: {reason}")
    cfn.execute_change_set(ChangeSetName=change_set, StackName=name)
    waiter = "stack_update_complete" if exists else "stack_create_complete"
    cfn.get_waiter(waiter).wait(StackName=name, WaiterConfig={"Delay": 10, "MaxAttempts": 180})
    return "updated" if exists else "created"


def converge(client: Any, stage: str, functions: list[Function], bundles: dict[str, Artifact],
             layer_arn: str) -> list[Outcome]:
    outcomes = []
    for function in functions:
        for unit in function.units:
            outcomes += roll_onto_layer(client, stage, [unit], layer_arn)
            outcomes.append(deploy_unit_code(client, stage, unit, bundles[function.name]))
    return outcomes


def previous_appid(client: Any, stage: str, functions: list[Function]) -> str | None:
    for function in functions:
        try:
            env = client.get_function_configuration(FunctionName=function_name(stage, function.units[0].name))
        except client.exceptions.ResourceNotFoundException:
            continue
        return env.get("Environment", {}).get("Variables", {}).get("MEDPOOL_WECHAT_APPID")
    return None


def deploy_all(session: Any, stage: str, wechat_appid: str | None, parameters: dict[str, str | None]) -> list:
    """Build, upload, apply the template, converge. Returns a report of lines."""
    from medpool.models import TABLES

    functions, lam, s3 = discover(), session.client("lambda"), session.client("s3")
    appid = wechat_appid or previous_appid(lam, stage, functions)
    if not appid:
        raise SystemExit("the first deploy needs WECHAT_APPID=wx... (MEDPOOL_WECHAT_APPID)")
    bucket = artifact_bucket(session, stage)
    layer = build_layer()
    upload(s3, bucket, f"layers/{layer.digest}.zip", layer)
    layer_arn = publish_layer(lam, stage, layer, {"S3Bucket": bucket, "S3Key": f"layers/{layer.digest}.zip"})
    bundles = {f.name: build_function(f.name) for f in functions}
    keys = {name: code_key(name, bundle.digest) for name, bundle in bundles.items()}
    for name, bundle in bundles.items():
        upload(s3, bucket, keys[name], bundle)
    template = synthesize(stage, functions, TABLES, Build(keys, layer_arn, appid))
    body = json.dumps(template, sort_keys=True).encode()
    path = BUILD / "template.json"
    path.write_bytes(body)
    key = f"templates/{hashlib.sha256(body).hexdigest()[:16]}.json"
    s3.upload_file(str(path), bucket, key)
    result = apply_template(session, stage, template_url(bucket, session.region_name, key),
                            {"ArtifactBucket": bucket, **parameters})
    return [f"stack {stack_name(stage)}: {result}", f"layer: {layer_arn}",
            *(f"{o.lambda_name}: {o.action} (version {o.version})"
              for o in converge(lam, stage, functions, bundles, layer_arn))]
