"""Ops commands (see infra/README.md and infra/deploy.mk):

  python -m infra.deploy all --stage prod [--wechat-appid wx..] [--domain ..] [--certificate-arn ..]
  python -m infra.deploy function approve --stage prod
  python -m infra.deploy layer --stage prod
  python -m infra.deploy rollback approve --stage prod [--to 12]
  python -m infra.deploy set-wechat-secret --stage prod      (reads the AppSecret from stdin)
"""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import Any

from infra.bundle import build_function, build_layer
from infra.code import deploy_function_code, publish_layer, roll_onto_layer, rollback_unit
from infra.names import VALID_STAGES, secret_name
from infra.project import discover, function_names


def _units(name: str) -> list:
    if name not in function_names():
        raise SystemExit(f"no function {name!r}: expected one of {function_names()}")
    return discover([name])[0].units


def deploy_function(client: Any, stage: str, name: str, force: bool = False) -> list:
    """Only this function's Lambda(s): bundle, update code, publish a version, move the alias."""
    return deploy_function_code(client, stage, _units(name), build_function(name), force)


def rollback(client: Any, stage: str, name: str, to: str | None = None) -> list:
    return [rollback_unit(client, stage, unit, to) for unit in _units(name)]


def deploy_layer(client: Any, stage: str) -> list:
    """Publish the layer (if it changed) and put it live on every function."""
    arn = publish_layer(client, stage, build_layer())
    units = [unit for function in discover() for unit in function.units]
    return roll_onto_layer(client, stage, units, arn)


def set_wechat_secret(client: Any, stage: str, app_secret: str) -> None:
    """Store the WeChat AppSecret next to the generated token signing key."""
    secret_id = secret_name(stage)
    value = json.loads(client.get_secret_value(SecretId=secret_id)["SecretString"])
    value["wechat_app_secret"] = app_secret
    client.put_secret_value(SecretId=secret_id, SecretString=json.dumps(value))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m infra.deploy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["all", "function", "layer", "rollback", "set-wechat-secret"])
    parser.add_argument("function", nargs="?")
    parser.add_argument("--stage", default="prod", choices=VALID_STAGES)
    parser.add_argument("--to", help="rollback: the version to go back to (default: the previous one)")
    parser.add_argument("--force", action="store_true", help="function: publish even if unchanged")
    parser.add_argument("--wechat-appid")
    parser.add_argument("--domain")
    parser.add_argument("--certificate-arn")
    parser.add_argument("--alarm-email")
    return parser


def _discovery_environment() -> None:
    """Importing the functions (to read their routes) must not configure them for production, nor
    let medpool's local defaults put placeholder AWS credentials in this process's environment."""
    os.environ["MEDPOOL_STAGE"] = "local"
    os.environ["MEDPOOL_DYNAMODB_ENDPOINT"] = "aws"


def main(argv: list[str] | None = None) -> None:
    import boto3

    _discovery_environment()
    args = _parser().parse_args(argv)
    if args.command in ("function", "rollback"):
        if args.function not in function_names():
            raise SystemExit(f"{args.command} needs one of the functions {function_names()} (FUNCTION=...)")
    session = boto3.Session()
    client = session.client("lambda")
    if args.command == "all":
        from infra.stack import deploy_all

        lines = deploy_all(session, args.stage, args.wechat_appid, {
            "DomainName": args.domain, "CertificateArn": args.certificate_arn, "AlarmEmail": args.alarm_email})
        print("\n".join(lines))
        return
    if args.command == "set-wechat-secret":
        secret = sys.stdin.readline().strip() if not sys.stdin.isatty() else getpass.getpass("WeChat AppSecret: ")
        set_wechat_secret(session.client("secretsmanager"), args.stage, secret)
        print(f"stored in {secret_name(args.stage)}")
        return
    outcomes = {"function": lambda: deploy_function(client, args.stage, args.function, args.force),
                "rollback": lambda: rollback(client, args.stage, args.function, args.to),
                "layer": lambda: deploy_layer(client, args.stage)}[args.command]()
    for outcome in outcomes:
        print(f"{outcome.lambda_name}: {outcome.action} (version {outcome.version})")


if __name__ == "__main__":
    main()
