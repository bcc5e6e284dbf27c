"""AWS WAF: a per-IP rate-based rule on POST /auth/login and POST /auth/register, on the API stage,
answering 429 in the API's error shape with Retry-After."""
import json
import re

from infra.template.waf import LIMITED_PATHS, WINDOW_SECONDS, path_regex
from medpool.api.routing import ROUTES
from tests.infra.conftest import of_type


def _acl(resources):
    [(acl_id, acl)] = of_type(resources, "AWS::WAFv2::WebACL").items()
    return acl_id, acl["Properties"]


def test_the_rule_limits_login_and_registration_per_ip(resources):
    _, acl = _acl(resources)
    assert acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}}
    [rule] = acl["Rules"]
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP" and rate["EvaluationWindowSec"] == WINDOW_SECONDS
    assert 10 <= rate["Limit"] <= 2000
    method, path = rate["ScopeDownStatement"]["AndStatement"]["Statements"]
    assert method["ByteMatchStatement"]["FieldToMatch"] == {"Method": {}}
    assert method["ByteMatchStatement"]["SearchString"] == "POST"
    assert path["RegexMatchStatement"]["FieldToMatch"] == {"UriPath": {}}


def test_the_scope_is_exactly_the_two_routes():
    assert {(s.method, s.path) for s in ROUTES if s.path in LIMITED_PATHS} == {
        ("POST", "/auth/login"), ("POST", "/auth/register")}
    regex = re.compile(path_regex())
    for path in ("/auth/login", "/auth/register", "/live/auth/login", "/live/auth/register/"):
        assert regex.match(path), path
    for path in ("/auth/me", "/me", "/x/auth/login", "/auth/login/x", "/auth/loginx", "/loans"):
        assert not regex.match(path), path


def test_over_the_limit_is_429_in_the_api_error_shape_with_retry_after(resources):
    _, acl = _acl(resources)
    response = acl["Rules"][0]["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 429
    assert response["ResponseHeaders"] == [{"Name": "Retry-After", "Value": str(WINDOW_SECONDS)}]
    body = acl["CustomResponseBodies"][response["CustomResponseBodyKey"]]
    assert body["ContentType"] == "APPLICATION_JSON"
    error = json.loads(body["Content"])["error"]
    assert set(error) == {"code", "message"} and error["code"] == "too_many_requests"
    assert re.match(r"[\u4e00-\u9fff]", error["message"])


def test_the_acl_is_on_the_api_stage(resources):
    acl_id, _ = _acl(resources)
    [association] = of_type(resources, "AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert association["Properties"]["ResourceArn"]["Fn::Sub"].endswith("/restapis/${Api}/stages/live")
    stage = association["DependsOn"][0]
    assert resources[stage]["Type"] == "AWS::ApiGateway::Stage"
