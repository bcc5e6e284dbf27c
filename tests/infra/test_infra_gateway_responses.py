"""Errors API Gateway produces itself (unknown route, throttling, too large, 5xx) use the API's error shape."""
import json
import re

from infra.template import api
from infra.template.api import GATEWAY_ERRORS

EXPECTED = {
    "MISSING_AUTHENTICATION_TOKEN": ("404", "route_not_found", "接口不存在"),
    "THROTTLED": ("429", "throttled", "请求过于频繁，请稍后再试"),
    "REQUEST_TOO_LARGE": ("413", "payload_too_large", None),
    "DEFAULT_4XX": (None, "bad_request", None),
    "DEFAULT_5XX": ("502", "gateway_error", "服务暂时不可用，请稍后再试"),
}


def _responses(resources):
    return resources["Api"]["Properties"]["Body"]["x-amazon-apigateway-gateway-responses"]


def test_gateway_errors_have_the_api_error_shape(resources):
    responses = _responses(resources)
    assert set(responses) == set(EXPECTED) == set(GATEWAY_ERRORS)
    for response_type, (status, code, message) in EXPECTED.items():
        response = responses[response_type]
        assert response.get("statusCode") == status, response_type
        assert response["responseParameters"]["gatewayresponse.header.Content-Type"].strip("'").startswith(
            "application/json")
        assert list(response["responseTemplates"]) == ["application/json"]
        body = json.loads(response["responseTemplates"]["application/json"])
        assert list(body) == ["error"] and set(body["error"]) == {"code", "message"}
        assert body["error"]["code"] == code and re.fullmatch(r"[a-z]+(_[a-z]+)*", code)
        assert re.match(r"[\u4e00-\u9fff]", body["error"]["message"]), response_type  # Chinese first
        if message is not None:
            assert body["error"]["message"] == message


def test_gateway_errors_echo_nothing_from_the_request(resources):
    """Static bodies and headers only: no $context/$input/method.request (e.g. the Authorization header)."""
    for response in _responses(resources).values():
        text = json.dumps(response)
        assert "$" not in text and "method.request" not in text and "authorization" not in text.lower()
        assert all(value.startswith("'") and value.endswith("'")
                   for value in response["responseParameters"].values())


def test_changing_gateway_errors_creates_a_new_deployment(resources, functions, monkeypatch):
    """They live in the API body, so the Deployment SAM names after the body's hash is replaced with them."""
    from tests.infra.conftest import of_type, transform

    def deployment(resources):
        return sorted(of_type(resources, "AWS::ApiGateway::Deployment"))

    def api_only():
        return transform({"Transform": "AWS::Serverless-2016-10-31",
                          "Resources": {"Api": api.api_section("prod", functions)["Api"]}})["Resources"]

    assert len(deployment(resources)) == 1
    before = deployment(api_only())
    assert deployment(api_only()) == before
    monkeypatch.setitem(api.GATEWAY_ERRORS, "THROTTLED", ("429", "throttled", "稍后再试"))
    assert deployment(api_only()) != before
