"""Least privilege: which tables each function may use, and how. Declared here on purpose (a
deliberate grant, reviewed like code); tests/infra check it against the tables each function's
code actually reaches (infra.usage), so it can neither miss a table nor grant an unused one."""
from __future__ import annotations

READ = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem")
APPEND = ("dynamodb:PutItem", "dynamodb:ConditionCheckItem")
WRITE = READ + ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem")

# Access level -> IAM actions. Transactions need no action of their own: DynamoDB checks each
# item's action (Put/Update/Delete/ConditionCheck). Scan is granted to nobody until a function needs it.
LEVELS: dict[str, tuple[str, ...]] = {"read": READ, "append": APPEND, "read_append": READ + APPEND, "write": WRITE}

# function -> {logical table name (medpool.models.TABLES) -> level}
FUNCTION_TABLES: dict[str, dict[str, str]] = {
    # login: sessions re-read the user; registration creates the user (checking the department) + audit record.
    "login": {"users": "write", "departments": "read", "records": "append"},
    # users: user and department management, each change with its audit record.
    "users": {"users": "write", "departments": "write", "records": "append"},
    # The loan flow (apply/approve/returns) changes loans and device states in one transaction + audit record.
    "apply": {"loans": "write", "devices": "write", "records": "read_append",
              "users": "read", "departments": "read", "categories": "read"},
    "approve": {"loans": "write", "devices": "write", "records": "append",
                "users": "read", "departments": "read", "categories": "read"},
    "returns": {"loans": "write", "devices": "write", "records": "append",
                "users": "read", "departments": "read", "categories": "read"},
    # devices: the catalogue (devices, categories) and a device's history (loans, records).
    "devices": {"devices": "write", "categories": "write", "records": "read_append",
                "loans": "read", "users": "read", "departments": "read"},
    # reports: read-only statistics, billing and record queries.
    "reports": {"records": "read", "loans": "read", "devices": "read", "categories": "read",
                "users": "read", "departments": "read"},
}


def tables_of(function: str, grants: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """The declared grants of a function; a function without a declaration cannot be deployed."""
    grants = FUNCTION_TABLES if grants is None else grants
    if function not in grants:
        raise KeyError(f"functions/{function}: declare its tables in infra/access.py FUNCTION_TABLES "
                       f"(least privilege is a decision, not a default)")
    return grants[function]


def actions(level: str) -> list[str]:
    return sorted(set(LEVELS[level]))
