"""Every route x every kind of caller -> the expected status. A route without a row fails the test,
so the table stays complete as routes are added."""
import pytest

from medpool.api.routing import ROUTES
from medpool.models.user import User
from medpool.services import sessions

PRINCIPALS = ["anonymous", "pending", "applicant_a", "applicant_b", "manager", "admin"]
OPENIDS = {"pending": "demo-pending", "applicant_a": "demo-nurse-icu", "applicant_b": "demo-nurse-em",
           "manager": "demo-manager", "admin": "demo-admin"}
REGISTER = {"name": "新人", "department_id": "ICU", "phone": "13900000000", "employee_no": "E1"}

# operationId: (method, path, body, expected status for each of PRINCIPALS)
TABLE = {
    "health": ("GET", "/health", None, (200, 200, 200, 200, 200, 200)),
    "getOpenApi": ("GET", "/openapi.json", None, (200, 200, 200, 200, 200, 200)),
    "login": ("POST", "/auth/login", {"code": "test:demo-nurse-icu"}, (200, 200, 200, 200, 200, 200)),
    "register": ("POST", "/auth/register", "REGISTER", (201, 201, 201, 201, 201, 201)),
    "getMe": ("GET", "/me", None, (401, 401, 200, 200, 200, 200)),
    "updateMe": ("PUT", "/me", {"phone": "13700000000"}, (401, 401, 200, 200, 200, 200)),
    "listUsers": ("GET", "/users", None, (401, 401, 403, 403, 200, 200)),
    "updateUser": ("PUT", "/users/demo-pending", {"status": "active"}, (401, 401, 403, 403, 200, 200)),
    "deleteUser": ("DELETE", "/users/demo-pending", None, (401, 401, 403, 403, 204, 204)),
    "listDepartments": ("GET", "/departments", None, (200, 200, 200, 200, 200, 200)),
    "createDepartment": ("POST", "/departments", {"id": "NEW", "name": "新科室"}, (401, 401, 403, 403, 201, 201)),
    "updateDepartment": ("PUT", "/departments/ICU", {"name": "重症一科"}, (401, 401, 403, 403, 200, 200)),
}


def test_every_route_has_a_row_and_every_row_a_route():
    import app  # noqa: F401 - registers every function's routes

    assert {spec.operation_id for spec in ROUTES} == set(TABLE)


def _token(principal: str) -> str | None:
    if principal == "anonymous":
        return None
    # A session token for the user as stored (a pending user cannot log in; this stands for a forged or stale one).
    return sessions.issue_session(User.get(OPENIDS[principal])).token


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("operation_id", sorted(TABLE))
def test_route_access(api, operation_id, principal):
    method, path, body, expected = TABLE[operation_id]
    if body == "REGISTER":
        body = {**REGISTER, "registration_token": sessions.issue_registration(f"new-{principal}", None).token}
    reply = api.request(method, path, _token(principal), json_body=body)
    assert reply.status == expected[PRINCIPALS.index(principal)], reply.body
