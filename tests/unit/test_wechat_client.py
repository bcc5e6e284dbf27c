"""The WeChat client against the stand-in and against scripted answers."""
import pytest
import requests

from medpool import errors
from medpool.wechat.client import WeChatClient, get_wechat_client


class ScriptedSession(requests.Session):
    """Answers each GET with the next scripted (body, content type)."""

    def __init__(self, answers):
        super().__init__()
        self.answers, self.calls = list(answers), 0

    def get(self, url, **kwargs):
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        response = requests.Response()
        response.status_code, response._content = 200, answer.encode()
        response.headers["Content-Type"] = "text/plain"
        return response


def scripted(*answers):
    session = ScriptedSession(answers)
    return WeChatClient("https://wechat.invalid", "wx-app", lambda: "secret", session), session


def test_test_code_resolves_to_its_openid(wechat):
    result = get_wechat_client().code_to_session("test:nurse-1")
    assert result.openid == "nurse-1" and result.session_key


def test_other_codes_resolve_to_a_stable_openid_and_work_once(wechat):
    first = get_wechat_client().code_to_session("wx-code-123")
    with pytest.raises(errors.Unauthenticated) as reused:
        get_wechat_client().code_to_session("wx-code-123")
    assert reused.value.code == "wechat_code_used"
    wechat.used_codes.clear()
    assert get_wechat_client().code_to_session("wx-code-123").openid == first.openid


def test_success_served_as_text_plain_without_errcode_is_parsed():
    client, _ = scripted('{"openid": "o1", "session_key": "k", "unionid": "u1"}')
    result = client.code_to_session("c")
    assert (result.openid, result.unionid) == ("o1", "u1")


@pytest.mark.parametrize("errcode, kind, code", [
    (40029, errors.Unauthenticated, "wechat_invalid_code"),
    (40163, errors.Unauthenticated, "wechat_code_used"),
    (45011, errors.Throttled, "wechat_rate_limited"),
    (40226, errors.Forbidden, "wechat_user_blocked"),
    (40013, errors.UpstreamError, "wechat_misconfigured"),
    (40125, errors.UpstreamError, "wechat_misconfigured"),
    (99999, errors.UpstreamError, "wechat_error"),
])
def test_errcodes_map_to_stable_domain_errors(errcode, kind, code):
    client, _ = scripted(f'{{"errcode": {errcode}, "errmsg": "x"}}')
    with pytest.raises(kind) as raised:
        client.code_to_session("c")
    assert raised.value.code == code


def test_system_busy_is_retried_once():
    client, session = scripted('{"errcode": -1}', '{"openid": "o1", "session_key": "k"}')
    assert client.code_to_session("c").openid == "o1" and session.calls == 2


def test_system_busy_twice_is_a_502():
    client, session = scripted('{"errcode": -1}', '{"errcode": -1}')
    with pytest.raises(errors.UpstreamError) as raised:
        client.code_to_session("c")
    assert raised.value.code == "wechat_busy" and session.calls == 2


@pytest.mark.parametrize("answer, code", [
    (requests.ConnectionError("refused"), "wechat_unavailable"),
    (requests.Timeout("slow"), "wechat_unavailable"),
    ("<html>gateway error</html>", "wechat_bad_response"),
    ('{"session_key": "k"}', "wechat_bad_response"),
    ("[1, 2]", "wechat_bad_response"),
])
def test_transport_and_garbage_are_502(answer, code):
    client, _ = scripted(answer)
    with pytest.raises(errors.UpstreamError) as raised:
        client.code_to_session("c")
    assert raised.value.code == code


def test_wrong_app_secret_is_a_configuration_fault(wechat, monkeypatch):
    wechat.secret = "rotated-secret"
    try:
        with pytest.raises(errors.UpstreamError) as raised:
            get_wechat_client().code_to_session("test:x")
    finally:
        wechat.secret = "local-app-secret"
    assert raised.value.code == "wechat_misconfigured"
