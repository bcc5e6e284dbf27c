"""Undeclared methods and unknown paths over real HTTP (issue 17 item 1): one contract, in the API's
error shape, from the server `make run` starts (local/server.py)."""
import http.client
import json
from urllib.parse import urlparse

import pytest

import app  # noqa: F401 - registers every function's routes
from medpool.api.routing import ROUTES

pytestmark = pytest.mark.e2e

DECLARED: dict[str, set[str]] = {}
for _spec in ROUTES:
    DECLARED.setdefault(_spec.path, set()).add(_spec.method)


def _concrete(path: str) -> str:
    return path.replace("{openid}", "demo-admin").replace("{id}", "x1")


def _raw(live_api, method: str, path: str) -> tuple[int, dict, bytes]:
    """One request with any method (requests and urllib refuse none, but keep it plain)."""
    url = urlparse(live_api.base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _assert_method_not_allowed(status, headers, body, path):
    assert status == 405, (path, status, body[:200])
    assert headers["Content-Type"].startswith("application/json")
    error = json.loads(body)["error"]
    assert error["code"] == "method_not_allowed" and "不支持" in error["message"]
    assert set(headers["Allow"].split(", ")) == DECLARED[path]


@pytest.mark.parametrize("path", sorted(DECLARED))
def test_trace_and_an_unknown_method_on_every_path_answer_405_with_allow(live_api, path):
    for method in ("TRACE", "BREW"):
        _assert_method_not_allowed(*_raw(live_api, method, _concrete(path)), path)


@pytest.mark.parametrize("method", ["PATCH", "DELETE", "PUT", "OPTIONS"])
def test_declared_paths_without_the_method_answer_405_with_allow(live_api, method):
    paths = [path for path, methods in DECLARED.items() if method not in methods]
    assert paths
    for path in paths:
        _assert_method_not_allowed(*_raw(live_api, method, _concrete(path)), path)


def test_head_answers_405_headers_only_and_the_connection_stays_usable(live_api):
    url = urlparse(live_api.base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request("HEAD", "/health")
        response = connection.getresponse()
        assert response.status == 405 and response.getheader("Allow") == "GET" and response.read() == b""
        connection.request("GET", "/health")  # the same keep-alive connection: no stray body in the way
        again = connection.getresponse()
        assert again.status == 200 and json.loads(again.read())["status"] == "ok"
    finally:
        connection.close()


@pytest.mark.parametrize("method, path", [("GET", "/nope"), ("POST", "/loans/x1/explode"), ("TRACE", "/"),
                                          ("DELETE", "/auth"), ("GET", "/health/extra")])
def test_an_unknown_path_answers_404_route_not_found(live_api, method, path):
    status, headers, body = _raw(live_api, method, path)
    assert status == 404 and headers["Content-Type"].startswith("application/json")
    assert json.loads(body) == {"error": {"code": "route_not_found", "message": "接口不存在"}}


def test_a_declared_method_still_works(live_api):
    assert live_api.get("/health").status == 200
    assert live_api.delete("/devices/x1").status == 401  # declared: reaches the app (no session)
