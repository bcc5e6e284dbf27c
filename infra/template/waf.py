"""AWS WAF in front of the API stage: a per-client (source IP) rate limit on the two anonymous
entry points that cost a WeChat call or create state, POST /auth/login and POST /auth/register.
Over the limit, WAF answers 429 itself, in the API's error shape, with Retry-After. The app keeps
its own finer counter per source and per openid (DynamoDB, TTL); this rule stops a flood before it
reaches a Lambda. Everything else is allowed (the stage's 100 req/s throttle still applies)."""
from __future__ import annotations

from typing import Any

from infra.names import API_STAGE, stack_name
from infra.template.api import API, STAGE, error_body

ACL = "ApiWebAcl"
LIMITED_PATHS = ("/auth/login", "/auth/register")
# Hospital wards share a few public addresses (NAT, carrier CGNAT): generous per-IP numbers. A
# login is once per session, so 300 per 5 minutes from one address is far above normal use.
WINDOW_SECONDS = 300
LIMIT = 300
RATE_LIMITED = ("too_many_requests", "登录请求过于频繁，请稍后再试")
BODY_KEY = "RateLimited"


def _visibility(name: str) -> dict:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name}


def path_regex() -> str:
    """The URI as WAF sees it: /auth/login on the custom domain, /live/auth/login on execute-api."""
    names = "|".join(path.removeprefix("/auth/") for path in LIMITED_PATHS)
    return f"^(/{API_STAGE})?/auth/({names})/?$"


def scope_down() -> dict:
    return {"AndStatement": {"Statements": [
        {"ByteMatchStatement": {"FieldToMatch": {"Method": {}}, "PositionalConstraint": "EXACTLY",
                                "SearchString": "POST", "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}},
        {"RegexMatchStatement": {"FieldToMatch": {"UriPath": {}}, "RegexString": path_regex(),
                                 "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}},
    ]}}


def waf_section(stage: str) -> dict[str, Any]:
    code, message = RATE_LIMITED
    rule = {
        "Name": "auth-rate-per-ip", "Priority": 0,
        "Statement": {"RateBasedStatement": {"Limit": LIMIT, "EvaluationWindowSec": WINDOW_SECONDS,
                                             "AggregateKeyType": "IP", "ScopeDownStatement": scope_down()}},
        "Action": {"Block": {"CustomResponse": {
            "ResponseCode": 429, "CustomResponseBodyKey": BODY_KEY,
            "ResponseHeaders": [{"Name": "Retry-After", "Value": str(WINDOW_SECONDS)}]}}},
        "VisibilityConfig": _visibility("AuthRatePerIp"),
    }
    return {
        ACL: {"Type": "AWS::WAFv2::WebACL", "Properties": {
            "Name": f"{stack_name(stage)}-api", "Scope": "REGIONAL", "DefaultAction": {"Allow": {}},
            "Description": "MedPool: per-client limits on login and registration",
            "CustomResponseBodies": {BODY_KEY: {"ContentType": "APPLICATION_JSON",
                                                "Content": error_body(code, message)}},
            "Rules": [rule], "VisibilityConfig": _visibility("MedpoolApi")}},
        "ApiWebAclAssociation": {"Type": "AWS::WAFv2::WebACLAssociation", "DependsOn": [STAGE], "Properties": {
            "WebACLArn": {"Fn::GetAtt": [ACL, "Arn"]},
            "ResourceArn": {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${%s}/stages/%s"
                                       % (API, API_STAGE)}}},
    }
