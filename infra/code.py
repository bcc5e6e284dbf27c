"""Code deploys that touch Lambda only: one function's bundle (update code, publish a version, move
the `live` alias), the layer (publish, then roll every function onto it) and rollback (move the
alias back). Nothing here touches another function or the CloudFormation stack."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from infra.bundle import ARCHITECTURE, RUNTIME, Artifact
from infra.names import ALIAS, function_name, layer_name
from infra.project import Unit


@dataclass(frozen=True)
class Outcome:
    lambda_name: str
    action: str  # "deployed", "unchanged", "rolled back"
    version: str


def _wait_updated(client: Any, name: str) -> None:
    client.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 2, "MaxAttempts": 150})


def _publish_and_point(client: Any, name: str, description: str) -> str:
    _wait_updated(client, name)
    sha = client.get_function_configuration(FunctionName=name)["CodeSha256"]
    version = client.publish_version(FunctionName=name, CodeSha256=sha, Description=description)["Version"]
    client.update_alias(FunctionName=name, Name=ALIAS, FunctionVersion=version)
    return version


def live_configuration(client: Any, name: str) -> dict:
    """The configuration of the version the alias points at."""
    try:
        return client.get_function_configuration(FunctionName=name, Qualifier=ALIAS)
    except client.exceptions.ResourceNotFoundException as error:
        raise LookupError(f"{name}:{ALIAS} does not exist yet: a new function needs a full deploy "
                          f"(make deploy STAGE=...) first") from error


def deploy_unit_code(client: Any, stage: str, unit: Unit, bundle: Artifact, force: bool = False) -> Outcome:
    """Put the bundle live on this unit's Lambda, unless the live version already runs exactly it."""
    name = function_name(stage, unit.name)
    live = live_configuration(client, name)
    if live["CodeSha256"] == bundle.sha256_b64 and not force:
        return Outcome(name, "unchanged", live["Version"])
    client.update_function_code(FunctionName=name, ZipFile=bundle.data)
    return Outcome(name, "deployed", _publish_and_point(client, name, f"code {bundle.digest}"))


def deploy_function_code(client: Any, stage: str, units: list[Unit], bundle: Artifact,
                         force: bool = False) -> list[Outcome]:
    """`make deploy FUNCTION=x`: every Lambda of one function (usually one), nothing else."""
    return [deploy_unit_code(client, stage, unit, bundle, force) for unit in units]


def _versions(client: Any, name: str) -> list[int]:
    pages = client.get_paginator("list_versions_by_function").paginate(FunctionName=name)
    return sorted(int(v["Version"]) for page in pages for v in page["Versions"] if v["Version"] != "$LATEST")


def rollback_unit(client: Any, stage: str, unit: Unit, to: str | None = None) -> Outcome:
    """Point the alias at `to`, or at the newest version older than the live one."""
    name = function_name(stage, unit.name)
    current = int(client.get_alias(FunctionName=name, Name=ALIAS)["FunctionVersion"])
    versions = _versions(client, name)
    if to is None:
        older = [v for v in versions if v < current]
        if not older:
            raise LookupError(f"{name}: no version older than {current} to roll back to")
        target = str(older[-1])
    elif int(to) in versions:
        target = str(int(to))
    else:
        raise LookupError(f"{name}: version {to} does not exist (have {versions})")
    client.update_alias(FunctionName=name, Name=ALIAS, FunctionVersion=target)
    return Outcome(name, "rolled back", target)


def latest_layer(client: Any, stage: str) -> dict | None:
    versions = client.list_layer_versions(LayerName=layer_name(stage)).get("LayerVersions", [])
    if not versions:
        return None
    newest = max(versions, key=lambda v: v["Version"])
    return client.get_layer_version(LayerName=layer_name(stage), VersionNumber=newest["Version"])


def publish_layer(client: Any, stage: str, layer: Artifact, s3_location: dict | None = None) -> str:
    """The layer version holding exactly this zip: the newest one if identical, else a new one."""
    newest = latest_layer(client, stage)
    if newest and newest["Content"]["CodeSha256"] == layer.sha256_b64:
        return newest["LayerVersionArn"]
    content = s3_location or {"ZipFile": layer.data}
    return client.publish_layer_version(LayerName=layer_name(stage), Description=f"medpool layer {layer.digest}",
                                        Content=content, CompatibleRuntimes=[RUNTIME],
                                        CompatibleArchitectures=[ARCHITECTURE])["LayerVersionArn"]


def roll_onto_layer(client: Any, stage: str, units: list[Unit], layer_arn: str) -> list[Outcome]:
    """Give every Lambda the layer version and put that live (a new version per Lambda, so rollback
    returns to the old layer too)."""
    outcomes = []
    for unit in units:
        name = function_name(stage, unit.name)
        live = live_configuration(client, name)
        if [layer["Arn"] for layer in live.get("Layers", [])] == [layer_arn]:
            outcomes.append(Outcome(name, "unchanged", live["Version"]))
            continue
        _wait_updated(client, name)
        client.update_function_configuration(FunctionName=name, Layers=[layer_arn])
        outcomes.append(Outcome(name, "deployed", _publish_and_point(client, name, f"layer {layer_arn}")))
    return outcomes
