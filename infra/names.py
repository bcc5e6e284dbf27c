"""Names shared by the template and the ops commands (one place, so they cannot disagree)."""
from __future__ import annotations

from dataclasses import dataclass

ALIAS = "live"
API_STAGE = "live"


@dataclass(frozen=True)
class Stage:
    """A deployable stage: how CodeDeploy shifts a function's traffic to a new version, and whether
    `sam sync` may push code around CloudFormation (development only)."""

    name: str
    deployment: str
    sync: bool = False


# CodeDeploy's predefined Lambda configurations a stage may ask for: what they do, and the minutes
# from the first shifted request to 100 % (for messages).
SHIFTS = {
    "Canary10Percent5Minutes": ("10% of the traffic for 5 minutes, then 100%", 5),
    "Canary10Percent10Minutes": ("10% of the traffic for 10 minutes, then 100%", 10),
    "Canary10Percent30Minutes": ("10% of the traffic for 30 minutes, then 100%", 30),
    "Linear10PercentEvery1Minute": ("10% more every minute, 100% after 10 minutes", 10),
    "Linear10PercentEvery3Minutes": ("10% more every 3 minutes, 100% after 30 minutes", 30),
    "AllAtOnce": ("100% at once", 0),
}
STAGES = {
    "prod": Stage("prod", "Canary10Percent5Minutes"),
    "dev": Stage("dev", "AllAtOnce", sync=True),
}
VALID_STAGES = tuple(STAGES)
# The runtime mode of every deployed stage (medpool.config knows `local` and `prod`): AWS DynamoDB,
# api.weixin.qq.com, secrets from Secrets Manager. The stage name only separates the resources.
RUNTIME_MODE = "prod"


def stage(name: str) -> Stage:
    if name not in STAGES:
        raise ValueError(f"stage must be one of {VALID_STAGES}, not {name!r}")
    return STAGES[name]


def stack_name(stage: str) -> str:
    return f"medpool-{stage}"


def function_name(stage: str, unit: str) -> str:
    return f"medpool-{stage}-{unit}"


def hook_name(stage: str, unit: str) -> str:
    """CodeDeploy's managed role for Lambda may invoke only functions named CodeDeployHook_*."""
    return f"CodeDeployHook_{function_name(stage, unit)}"


def layer_name(stage: str) -> str:
    return f"medpool-{stage}-layer"


def table_prefix(stage: str) -> str:
    """The same default as medpool.config (MEDPOOL_TABLE_PREFIX)."""
    return f"medpool-{stage}-"


def secret_name(stage: str) -> str:
    return f"medpool/{stage}"


def logical(name: str, suffix: str = "") -> str:
    """A CloudFormation logical id: "overdue-check" -> "OverdueCheck" + suffix."""
    return "".join(part[:1].upper() + part[1:] for part in name.replace("_", "-").split("-")) + suffix
