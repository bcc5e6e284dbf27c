"""Per-client limits on login and registration (issue 10 item 9): the fixed-window counter on moto,
and 429 too_many_requests with Retry-After through the whole app."""
from datetime import datetime, timezone

import pytest

from medpool import clock, config
from medpool.config import ConfigurationError, load_settings
from medpool.errors import Throttled
from medpool.models.rate_limit import RateLimitCounter
from medpool.services import rate_limits

WINDOW_START = datetime(2026, 12, 1, 8, 0, 0, tzinfo=timezone.utc)  # a multiple of 60 s


@pytest.fixture
def limits(monkeypatch):
    """Set the limits for one test; the settings are re-read before and after it."""
    def set_limits(source: str = "120/60", openid: str = "10/60") -> None:
        monkeypatch.setenv("MEDPOOL_LOGIN_LIMIT_SOURCE", source)
        monkeypatch.setenv("MEDPOOL_LOGIN_LIMIT_OPENID", openid)
        config.reset()

    yield set_limits
    monkeypatch.undo()
    config.reset()
    clock.freeze(None)


def test_counter_admits_the_limit_then_refuses_until_the_window_ends(tables):
    clock.freeze(WINDOW_START.replace(second=45))
    try:
        for _ in range(3):
            rate_limits.hit("source", "10.0.0.1", 3, 60)
        with pytest.raises(Throttled) as refused:
            rate_limits.hit("source", "10.0.0.1", 3, 60)
        assert refused.value.code == "too_many_requests" and refused.value.retry_after == 15
        rate_limits.hit("source", "10.0.0.2", 3, 60)  # another client has its own counter
        rate_limits.hit("openid", "10.0.0.1", 3, 60)  # and so has another scope
        clock.freeze(WINDOW_START.replace(minute=1))  # the next window starts from zero
        rate_limits.hit("source", "10.0.0.1", 3, 60)
    finally:
        clock.freeze(None)
    first = RateLimitCounter.get(f"auth#source#10.0.0.1#{int(WINDOW_START.timestamp())}")
    assert first.hits == 4  # the refused attempt counted too
    assert first.expires_at == WINDOW_START.replace(minute=1)  # TTL: the window's end


def test_retry_after_is_at_least_one_second(tables):
    clock.freeze(WINDOW_START.replace(second=59, microsecond=900000))
    try:
        rate_limits.hit("source", "c", 1, 60)
        with pytest.raises(Throttled) as refused:
            rate_limits.hit("source", "c", 1, 60)
    finally:
        clock.freeze(None)
    assert refused.value.retry_after == 1


def test_zero_attempts_is_no_limit_and_writes_nothing(tables):
    for _ in range(5):
        rate_limits.hit("source", "c", 0, 60)
    assert RateLimitCounter.count() == 0


def test_the_rate_limit_table_declares_its_ttl_attribute():
    assert RateLimitCounter._ttl_attribute().attr_name == "expires_at"


@pytest.mark.parametrize("value", ["abc", "10", "10/0", "-1/60", "0/60", "10/x"])
def test_bad_limit_settings_refuse_to_start(monkeypatch, value):
    monkeypatch.setenv("MEDPOOL_LOGIN_LIMIT_OPENID", value)
    with pytest.raises(ConfigurationError):
        load_settings()


def test_limit_settings_are_read(monkeypatch):
    monkeypatch.setenv("MEDPOOL_LOGIN_LIMIT_SOURCE", "300/300")
    monkeypatch.setenv("MEDPOOL_LOGIN_LIMIT_OPENID", "0")
    settings = load_settings()
    assert settings.login_limit_source == (300, 300) and settings.login_limit_openid[0] == 0


def test_login_over_the_openid_limit_answers_429_with_retry_after(api, limits):
    limits(openid="3/60")
    for _ in range(3):
        assert api.post("/auth/login", {"code": "test:demo-nurse-icu"}).status == 200
    refused = api.post("/auth/login", {"code": "test:demo-nurse-icu"})
    assert refused.status == 429 and refused.error_code == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "token" not in refused.body
    # another user from the same source is not refused
    assert api.post("/auth/login", {"code": "test:demo-manager"}).status == 200


def test_login_over_the_source_limit_is_refused_before_wechat_is_asked(api, wechat, limits):
    limits(source="2/60")
    assert api.post("/auth/login", {"code": "test:demo-nurse-icu"}).status == 200
    assert api.post("/auth/login", {"code": "test:demo-manager"}).status == 200
    calls = len(wechat.calls)
    refused = api.post("/auth/login", {"code": "test:demo-admin"})
    assert refused.status == 429 and refused.error_code == "too_many_requests"
    assert int(refused.headers["Retry-After"]) >= 1
    assert len(wechat.calls) == calls  # no jscode2session spent on a refused attempt


def test_registration_attempts_count_against_the_limits(api, limits):
    limits(source="3/60")
    login = api.post("/auth/login", {"code": "test:limited-nurse"})  # 1
    body = {"registration_token": login.body["registration_token"], "name": "钱护士", "department_id": "NOPE",
            "phone": "13900000000", "employee_no": "E-1", "role": "applicant"}
    assert api.post("/auth/register", body).status == 422  # 2: refused, still counted
    assert api.post("/auth/register", {**body, "department_id": "ICU"}).status == 201  # 3
    refused = api.post("/auth/register", {**body, "department_id": "ICU"})
    assert refused.status == 429 and refused.headers["Retry-After"]


def test_registration_over_the_openid_limit_answers_429(api, limits):
    limits(openid="2/60")
    login = api.post("/auth/login", {"code": "test:limited-nurse"})  # 1
    body = {"registration_token": login.body["registration_token"], "name": "钱护士", "department_id": "ICU",
            "phone": "13900000000", "employee_no": "E-1", "role": "applicant"}
    assert api.post("/auth/register", body).status == 201  # 2
    refused = api.post("/auth/register", body)
    assert refused.status == 429 and refused.error_code == "too_many_requests" and refused.headers["Retry-After"]
