"""The Chalice app itself answers a method its path does not declare in the API's error shape
(issue 17 item 1); the local server (tests/e2e/test_http_methods.py) adds unknown methods and paths."""
import pytest


@pytest.mark.parametrize("method, path, allow", [("PATCH", "/health", "GET"), ("DELETE", "/loans", "GET, POST"),
                                                 ("PUT", "/auth/login", "POST")])
def test_an_undeclared_method_answers_405_method_not_allowed_with_allow(api, method, path, allow):
    reply = api.request(method, path)
    assert reply.status == 405 and reply.headers["Allow"] == allow
    assert reply.error_code == "method_not_allowed" and "不支持" in reply.body["error"]["message"]
