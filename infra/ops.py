"""The few ops steps SAM CLI has no command for (see infra/deploy.mk, infra/README.md):

  python -m infra.ops pin approve --stage prod --built B/template.yaml --out P.json [--deployed T]
      the deployed template with only approve's code replaced by the new build (per-function deploy)
  python -m infra.ops shift [approve] --template P.json    how that deploy shifts traffic
  python -m infra.ops flags approve --template T --flag=--name [--stage dev --sync]
      SAM CLI options naming the function's resources (`--name ApproveFunction`)
  python -m infra.ops rollback approve --stage prod [--to 12]
      stop approve's running CodeDeploy deployment (traffic back to the old version), or, if none
      runs, move `live` back to the previous (or given) version
  python -m infra.ops set-wechat-secret --stage prod       the AppSecret from stdin / a prompt
  python -m infra.ops rotate-signing-key --stage prod      a new session signing key (logs everyone out)
"""
from __future__ import annotations

import argparse
import getpass
import json
import secrets
import sys
from pathlib import Path
from typing import Any

from infra.names import ALIAS, SHIFTS, STAGES, VALID_STAGES, function_name, secret_name, stack_name
from infra.project import FUNCTIONS_DIR, Unit

RUNNING = ["Created", "Queued", "InProgress", "Baking", "Ready"]
HOOK_MINUTES = 2  # the pre-traffic hook's probes, at most HOOK_TIMEOUT


def units_of(name: str, resources: dict[str, Any]) -> list[str]:
    """The logical ids of a function's Lambdas in a template (one per entry point)."""
    if not (FUNCTIONS_DIR / name / "handler.py").is_file():
        raise SystemExit(f"no function {name!r} in functions/")
    prefix = f"MedPool {name}: "
    found = [rid for rid, r in resources.items() if r.get("Type") == "AWS::Serverless::Function"
             and r["Properties"].get("Description", "").startswith(prefix)
             and "DeploymentPreference" in r["Properties"]]
    if not found:
        raise SystemExit(f"{name} is not in the deployed stack yet: a new function needs a full `make deploy`")
    return sorted(found)


def load_template(text: str) -> dict:
    """A template as CloudFormation or SAM wrote it (JSON, or YAML with short-form intrinsics)."""
    try:
        return json.loads(text)
    except ValueError:
        from cfnlint.decode.cfn_yaml import loads

        return json.loads(json.dumps(loads(text)))


def deployed_template(stage: str) -> dict:
    import boto3

    body = boto3.client("cloudformation").get_template(StackName=stack_name(stage),
                                                       TemplateStage="Original")["TemplateBody"]
    return body if isinstance(body, dict) else load_template(body)


def pin(name: str, deployed: dict, built: dict, built_dir: Path) -> dict:
    """The deployed template, with only this function's code taken from the new build: its
    CloudFormation update publishes a version of this function only, and CodeDeploy shifts to it
    as any deploy does. Everything else (other functions, the layer, the API) stays as deployed."""
    pinned = json.loads(json.dumps(deployed))
    for rid in units_of(name, pinned["Resources"]):
        code = built["Resources"][rid]["Properties"]["CodeUri"]
        pinned["Resources"][rid]["Properties"]["CodeUri"] = str((built_dir / code).resolve())
    return pinned


def shift(name: str | None, template: dict) -> str:
    if name is None:
        kinds = {r["Properties"]["DeploymentPreference"]["Type"] for r in template["Resources"].values()
                 if r.get("Type") == "AWS::Serverless::Function" and "DeploymentPreference" in r["Properties"]}
        return "\n".join(f"every function whose code, layer or settings changed: pre-traffic hook first, then "
                         f"{kind}: {SHIFTS[kind][0]} (up to {HOOK_MINUTES + SHIFTS[kind][1]} minutes per function,"
                         f" in parallel); rolled back by itself on its alarms" for kind in sorted(kinds))
    lines = []
    for rid in units_of(name, template["Resources"]):
        preference = template["Resources"][rid]["Properties"]["DeploymentPreference"]
        kind = preference["Type"]
        alarms = ", ".join(a["Ref"] for a in preference.get("Alarms", []))
        what, minutes = SHIFTS[kind]
        lines.append(f"{rid}: pre-traffic hook first (up to {HOOK_MINUTES} min; no traffic moves if it fails), "
                     f"then {kind}: {what}. The shift takes about {minutes + HOOK_MINUTES} minutes; CodeDeploy "
                     f"rolls back by itself if {alarms} goes off meanwhile. Watch: the CodeDeploy console "
                     f"(application ServerlessDeploymentApplication) or `make logs`.")
    return "\n".join(lines)


def _physical(cfn: Any, stage: str, logical_id: str) -> str:
    return cfn.describe_stack_resource(StackName=stack_name(stage), LogicalResourceId=logical_id)[
        "StackResourceDetail"]["PhysicalResourceId"]


def stop_deployments(cfn: Any, codedeploy: Any, stage: str, function_id: str) -> list[str]:
    """Stop the function's running deployments, CodeDeploy putting `live` back on the old version."""
    application = _physical(cfn, stage, "ServerlessDeploymentApplication")
    group = _physical(cfn, stage, f"{function_id}DeploymentGroup")
    running = codedeploy.list_deployments(applicationName=application, deploymentGroupName=group,
                                          includeOnlyStatuses=RUNNING)["deployments"]
    for deployment in running:
        codedeploy.stop_deployment(deploymentId=deployment, autoRollbackEnabled=True)
    return running


def move_alias_back(lam: Any, lambda_name: str, to: str | None = None) -> str:
    """Point `live` (all of its traffic) at `to`, or at the newest version older than the live one."""
    current = int(lam.get_alias(FunctionName=lambda_name, Name=ALIAS)["FunctionVersion"])
    pages = lam.get_paginator("list_versions_by_function").paginate(FunctionName=lambda_name)
    versions = sorted(int(v["Version"]) for page in pages for v in page["Versions"] if v["Version"] != "$LATEST")
    if to is None:
        older = [v for v in versions if v < current]
        if not older:
            raise LookupError(f"{lambda_name}: no version older than {current} to roll back to")
        target = older[-1]
    elif int(to) in versions:
        target = int(to)
    else:
        raise LookupError(f"{lambda_name}: version {to} does not exist (have {versions})")
    lam.update_alias(FunctionName=lambda_name, Name=ALIAS, FunctionVersion=str(target),
                     RoutingConfig={"AdditionalVersionWeights": {}})
    return str(target)


def rollback(session: Any, stage: str, name: str, units: list[Unit], to: str | None = None) -> list[str]:
    from infra.template.functions import unit_ids

    cfn, codedeploy, lam = (session.client(s) for s in ("cloudformation", "codedeploy", "lambda"))
    lines = []
    for unit in units:
        lambda_name = function_name(stage, unit.name)
        stopped = [] if to else stop_deployments(cfn, codedeploy, stage, unit_ids(unit)["function"])
        if stopped:
            lines.append(f"{lambda_name}: stopped deployment {', '.join(stopped)}; CodeDeploy puts {ALIAS} "
                         f"back on the version it was shifting from")
        else:
            lines.append(f"{lambda_name}: {ALIAS} -> version {move_alias_back(lam, lambda_name, to)} "
                         f"(no deployment was running)")
    return lines


def set_wechat_secret(client: Any, stage: str, app_secret: str) -> None:
    """Store the WeChat AppSecret next to the generated token signing key."""
    _update_secret(client, stage, wechat_app_secret=app_secret)


def rotate_signing_key(client: Any, stage: str) -> None:
    _update_secret(client, stage, token_signing_key=secrets.token_urlsafe(48))


def _update_secret(client: Any, stage: str, **changes: str) -> None:
    value = json.loads(client.get_secret_value(SecretId=secret_name(stage))["SecretString"])
    client.put_secret_value(SecretId=secret_name(stage), SecretString=json.dumps({**value, **changes}))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.ops", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["pin", "shift", "flags", "rollback", "set-wechat-secret",
                                            "rotate-signing-key"])
    parser.add_argument("function", nargs="?")
    parser.add_argument("--stage", default="prod", choices=VALID_STAGES)
    parser.add_argument("--built", type=Path, help="pin: the template sam build wrote")
    parser.add_argument("--deployed", type=Path, help="pin: the deployed template (default: read from the stack)")
    parser.add_argument("--out", type=Path, help="pin: where to write the template to deploy")
    parser.add_argument("--template", type=Path, help="shift: the template about to be deployed")
    parser.add_argument("--to", help="rollback: the version to go back to (default: the previous one)")
    parser.add_argument("--flag", help="flags: the SAM CLI option to repeat per resource")
    parser.add_argument("--sync", action="store_true", help="flags: refuse a stage that may not `sam sync`")
    args = parser.parse_args(argv)
    if args.command in ("pin", "flags", "rollback") and not args.function:
        raise SystemExit(f"{args.command} needs a function (FUNCTION=...)")
    if args.command == "pin":
        deployed = load_template(args.deployed.read_text()) if args.deployed else deployed_template(args.stage)
        built = load_template(args.built.read_text())
        args.out.write_text(json.dumps(pin(args.function, deployed, built, args.built.parent), indent=1))
        print(f"{args.out}: the deployed stack with only {args.function}'s new code")
        return
    if args.command == "shift":
        print(shift(args.function, load_template(args.template.read_text())))
        return
    if args.command == "flags":
        if args.sync and not STAGES[args.stage].sync:
            raise SystemExit(f"stage {args.stage} deploys through CloudFormation and CodeDeploy only "
                             f"(sam sync is for {[s for s, v in STAGES.items() if v.sync]})")
        ids = units_of(args.function, load_template(args.template.read_text())["Resources"])
        print(" ".join(f"{args.flag} {rid}" for rid in ids))
        return
    import boto3

    session = boto3.Session()
    if args.command == "rollback":
        from infra.project import discover

        print("\n".join(rollback(session, args.stage, args.function, discover([args.function])[0].units, args.to)))
    elif args.command == "set-wechat-secret":
        secret = sys.stdin.readline().strip() if not sys.stdin.isatty() else getpass.getpass("WeChat AppSecret: ")
        set_wechat_secret(session.client("secretsmanager"), args.stage, secret)
        print(f"stored in {secret_name(args.stage)}")
    else:
        rotate_signing_key(session.client("secretsmanager"), args.stage)
        print(f"new token_signing_key in {secret_name(args.stage)}: sessions signed before are refused "
              f"once the functions reload it (new containers)")


if __name__ == "__main__":
    main()
