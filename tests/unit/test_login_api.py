"""POST /auth/login, POST /auth/register, GET/PUT /me through the whole app (Chalice test client)."""
import base64
import json
import time

import jwt
import pytest

from medpool.config import get_secrets
from medpool.services import sessions
from tests.support import table_counts


def test_active_user_gets_a_session_and_no_session_key(api):
    reply = api.post("/auth/login", {"code": "test:demo-nurse-icu"})
    assert reply.status == 200
    assert reply.body["state"] == "active" and reply.body["token"] and reply.body["expires_at"]
    assert reply.body["user"]["department_id"] == "ICU"
    assert "session_key" not in str(reply.body)


def test_unknown_user_registers_is_approved_logs_in_and_edits_profile(api):
    # Given an unknown WeChat user
    login = api.post("/auth/login", {"code": "test:new-nurse"})
    assert login.body["state"] == "registration_required" and login.body["registration_required"] is True
    assert login.body["token"] is None
    # When they register
    registered = api.register("new-nurse", "ICU", name="赵护士长")
    assert registered.status == 201 and registered.body["status"] == "pending"
    # Then they are pending, and a manager sees the registration
    assert api.post("/auth/login", {"code": "test:new-nurse"}).body["state"] == "pending"
    manager = api.login("demo-manager")
    pending = api.get("/users?status=pending", manager)
    assert "new-nurse" in [u["openid"] for u in pending.body["items"]]
    # When the manager approves, they log in and edit their profile
    assert api.put("/users/new-nurse", {"status": "active"}, manager).body["status"] == "active"
    token = api.login("new-nurse")
    edited = api.put("/me", {"phone": "13911112222", "name": "赵丽"}, token)
    assert edited.status == 200 and edited.body["phone"] == "13911112222" and edited.body["name"] == "赵丽"
    assert api.get("/me", token).body["name"] == "赵丽"


def test_repeated_registration_is_retry_safe(api):
    first = api.register("twice", "EM")
    token = api.post("/auth/login", {"code": "test:twice"})
    assert token.body["state"] == "pending"
    claims_token = sessions.issue_registration("twice", None).token
    body = {"registration_token": claims_token, "name": "新用户", "department_id": "EM", "phone": "13900000000",
            "employee_no": "E-twice", "role": "applicant"}
    again = api.post("/auth/register", body)
    assert again.status == 201 and again.body["registered_at"] == first.body["registered_at"]
    changed = api.post("/auth/register", {**body, "name": "别人"})
    assert changed.status == 409 and changed.error_code == "already_registered"


def test_rejected_user_may_apply_again(api):
    api.register("retry", "EM")
    manager = api.login("demo-manager")
    assert api.put("/users/retry", {"status": "rejected"}, manager).body["status"] == "rejected"
    assert api.post("/auth/login", {"code": "test:retry"}).body["state"] == "rejected"
    token = sessions.issue_registration("retry", None).token
    again = api.post("/auth/register", {"registration_token": token, "name": "再申请", "department_id": "ICU",
                                        "phone": "13900000001", "employee_no": "E2"})
    assert again.status == 201 and again.body["status"] == "pending" and again.body["department_id"] == "ICU"


def test_disabled_users_token_is_refused_at_once(api):
    nurse = api.login("demo-nurse-em")
    manager = api.login("demo-manager")
    assert api.get("/me", nurse).status == 200
    assert api.put("/users/demo-nurse-em", {"status": "disabled"}, manager).status == 200
    refused = api.get("/me", nurse)
    assert refused.status == 401 and refused.error_code == "session_revoked"
    assert api.post("/auth/login", {"code": "test:demo-nurse-em"}).body["state"] == "disabled"


def test_deleted_users_token_is_refused_and_history_kept(api):
    nurse = api.login("demo-nurse-em")
    admin = api.login("demo-admin")
    assert api.delete("/users/demo-nurse-em", admin).status == 204
    assert api.get("/me", nurse).status == 401
    assert api.post("/auth/login", {"code": "test:demo-nurse-em"}).body["state"] == "disabled"
    from medpool.models.record import Record
    actions = [r.action for r in Record.query("user#demo-nurse-em")]
    assert actions == ["user.seed", "user.delete"]
    listed = api.get("/users?department_id=EM&status=disabled", admin)
    assert "demo-nurse-em" not in [u["openid"] for u in listed.body["items"]]


def _token(key: str | None = None, algorithm: str = "HS256", **overrides) -> str:
    """A session token for demo-admin as the server signs them, with some claims changed."""
    now = int(time.time())
    claims = {"iss": sessions.ISSUER, "aud": "local", "typ": sessions.SESSION, "sub": "demo-admin",
              "iat": now, "exp": now + 3600, "ver": 0, **overrides}
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, key if key is not None else get_secrets().token_signing_key, algorithm=algorithm)


def _unsigned(claims: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def test_forged_and_expired_tokens_are_refused(api):
    assert api.get("/me", _token()).status == 200  # the reference token is accepted: the changes below matter
    now = int(time.time())
    refused = {
        "forged signature": ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vLWFkbWluIiwidHlwIjoic2Vzc2lvbiJ9.c2lnbmF0dXJl",
                             "invalid_token"),
        "expired": (_token(iat=now - 7200, exp=now - 60), "session_expired"),
        "alg none": (_unsigned({"iss": sessions.ISSUER, "aud": "local", "typ": "session", "sub": "demo-admin",
                                "iat": now, "exp": now + 3600}), "invalid_token"),
        "alg none, signature kept": (_unsigned({"sub": "demo-admin"}) + "c2lnbmF0dXJl", "invalid_token"),
        "HS512 with the same key": (_token(algorithm="HS512"), "invalid_token"),
        "wrong audience (prod)": (_token(aud="prod"), "invalid_token"),
        "no audience": (_token(aud=None), "invalid_token"),
        "wrong issuer": (_token(iss="someone-else"), "invalid_token"),
        "registration token": (sessions.issue_registration("demo-admin", None).token, "invalid_token"),
        "no expiry": (_token(exp=None), "invalid_token"),
        "other key": (_token(key="another-signing-key-of-at-least-32-bytes"), "invalid_token"),
        "unknown user": (_token(sub="nobody-at-all"), "session_revoked"),
        "not a token": ("abc", "invalid_token"),
    }
    for case, (token, code) in refused.items():
        reply = api.get("/me", token)
        assert (reply.status, reply.error_code) == (401, code), case
    assert api.get("/me").error_code == "missing_token"


def test_pending_user_state_message_is_chinese(api):
    reply = api.post("/auth/login", {"code": "test:demo-pending"})
    assert reply.body["state"] == "pending" and "审核" in reply.body["message"] and reply.body["token"] is None


BAD_REGISTRATIONS = [
    ("malformed JSON", b'{"name": ', 400, "invalid_json"),
    ("not an object", b"[1, 2]", 400, "validation_error"),
    ("empty body", b"", 400, "missing_body"),
    ("missing fields", b'{"registration_token": "x"}', 400, "validation_error"),
    ("wrong type", b'{"registration_token": "T", "name": 5, "department_id": "ICU", "phone": "13900000000",'
                   b' "employee_no": "E"}', 400, "validation_error"),
    ("unknown field", b'{"registration_token": "T", "name": "a", "department_id": "ICU", "phone": "13900000000",'
                      b' "employee_no": "E", "is_admin": true}', 400, "validation_error"),
    ("admin role requested", b'{"registration_token": "T", "name": "a", "department_id": "ICU",'
                             b' "phone": "13900000000", "employee_no": "E", "role": "admin"}', 400, "validation_error"),
    ("forged registration token", b'{"registration_token": "forged", "name": "a", "department_id": "ICU",'
                                  b' "phone": "13900000000", "employee_no": "E"}', 401, "invalid_registration_token"),
    ("unknown department", b'{"registration_token": "T", "name": "a", "department_id": "NOPE",'
                           b' "phone": "13900000000", "employee_no": "E"}', 422, "unknown_department"),
    ("over 1 MB", b'{"registration_token": "T", "name": "' + b"x" * (1024 * 1024) + b'"}', 413, "payload_too_large"),
]


@pytest.mark.parametrize("case, raw, status, code", BAD_REGISTRATIONS, ids=[c[0] for c in BAD_REGISTRATIONS])
def test_bad_registration_gets_4xx_and_writes_nothing(api, case, raw, status, code):
    token = sessions.issue_registration("bad-input-user", None).token
    before = table_counts()
    reply = api.request("POST", "/auth/register", raw=raw.replace(b'"T"', f'"{token}"'.encode()))
    assert (reply.status, reply.error_code) == (status, code)
    assert reply.body["error"]["message"]
    assert table_counts() == before


def test_wrong_content_type_is_415_in_the_error_model(api):
    reply = api.request("POST", "/auth/login", raw="code=abc",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (reply.status, reply.error_code) == (415, "unsupported_media_type")


def test_unknown_query_parameter_and_bad_path_are_400(api):
    manager = api.login("demo-manager")
    assert api.get("/users?statuss=pending", manager).error_code == "validation_error"
    assert api.get("/me?x=1", manager).error_code == "unknown_parameter"
    assert api.put("/users/" + "a" * 300, {"name": "x"}, manager).error_code == "invalid_path_parameter"


def test_wechat_failures_reach_the_client_as_stable_codes(api):
    assert api.post("/auth/login", {"code": "fail:40029"}).error_code == "wechat_invalid_code"
    busy = api.post("/auth/login", {"code": "fail:-1"})
    assert (busy.status, busy.error_code) == (502, "wechat_busy")
    assert api.post("/auth/login", {"code": "fail:45011"}).status == 429


def test_unionid_is_stored_when_wechat_returns_it(api):
    api.register("ounion", "ICU")
    from medpool.models.user import User
    assert User.get("ounion").unionid == "uunion"
