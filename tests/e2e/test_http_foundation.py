"""The foundation through real HTTP, as a newcomer would try it."""
import pytest

from medpool.services import users
from tests.support import table_counts

pytestmark = pytest.mark.e2e


def test_health_reports_the_stage(live_api):
    reply = live_api.get("/health")
    assert reply.status == 200 and reply.body["stage"] == "local"


def test_admin_made_with_the_cli_logs_in(live_api):
    from medpool.cli import main

    assert main(["create-admin", "--openid", "cli-admin", "--name", "孙管理", "--department", "SBK"]) == 0
    token = live_api.login("cli-admin")
    assert live_api.get("/me", token).body["role"] == "admin"
    # idempotent: running it again changes nothing
    assert main(["create-admin", "--openid", "cli-admin", "--name", "孙管理", "--department", "SBK"]) == 0
    assert users.get_user("cli-admin").version == 1


def test_register_approve_login_edit_disable(live_api):
    assert live_api.register("http-nurse", "RICU", name="周护士长").status == 201
    admin = live_api.login("demo-admin")
    assert live_api.put("/users/http-nurse", {"status": "active"}, admin).status == 200
    token = live_api.login("http-nurse")
    assert live_api.put("/me", {"employee_no": "N-0042"}, token).body["employee_no"] == "N-0042"
    assert live_api.put("/users/http-nurse", {"status": "disabled"}, admin).status == 200
    assert live_api.get("/me", token).status == 401


@pytest.mark.parametrize("raw, headers, status", [
    (b"{not json", {}, 400),
    (b'{"code": 12}', {}, 400),
    (b'{"code": "test:x", "extra": 1}', {}, 400),
    (b"{}", {}, 400),
    (b'{"code": "' + b"a" * (1024 * 1024 + 10) + b'"}', {}, 413),
    (b"code=x", {"Content-Type": "text/plain"}, 415),
])
def test_bad_input_over_http_gets_4xx_with_a_code_and_writes_nothing(live_api, raw, headers, status):
    before = table_counts()
    reply = live_api.request("POST", "/auth/login", raw=raw, headers=headers)
    assert reply.status == status and reply.error_code
    assert table_counts() == before
