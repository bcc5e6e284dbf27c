"""Names shared by the template and the deploy commands (one place, so they cannot disagree)."""
from __future__ import annotations

ALIAS = "live"
API_STAGE = "live"
VALID_STAGES = ("prod",)  # medpool.config accepts local and prod; only prod is deployed


def stack_name(stage: str) -> str:
    return f"medpool-{stage}"


def function_name(stage: str, unit: str) -> str:
    return f"medpool-{stage}-{unit}"


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
