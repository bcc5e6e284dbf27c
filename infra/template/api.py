"""One REST API (the event format Chalice's handler reads), an AWS::Serverless::Api whose operations
are the declared routes, each integrated with the `live` alias of the Lambda of the function that
declares it; any other method on a declared path answers 405 with an Allow header (a MOCK
integration, no Lambda); a custom domain when DomainName is given."""
from __future__ import annotations

import json
from typing import Any

from infra.names import API_STAGE, stack_name
from infra.project import API_UNIT, Function
from infra.template.functions import unit_ids

API, DOMAIN = "Api", "ApiDomain"
STAGE = f"{API}{API_STAGE}Stage"  # the stage resource SAM generates
INVOKE = "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${%s}/invocations"
THROTTLE_RATE, THROTTLE_BURST = 100, 200

# Errors API Gateway produces itself, in the API's one error shape (medpool.api.errors):
# response type -> (status, or None to keep API Gateway's own 4xx status, code, message).
# Static bodies: nothing from the request (never the Authorization header) is echoed back.
GATEWAY_ERRORS: dict[str, tuple[str | None, str, str]] = {
    # Unknown path (a known path with another method is answered by its 405 MOCK, below).
    "MISSING_AUTHENTICATION_TOKEN": ("404", "route_not_found", "接口不存在"),
    "THROTTLED": ("429", "throttled", "请求过于频繁，请稍后再试"),
    "REQUEST_TOO_LARGE": ("413", "payload_too_large", "请求内容过大"),
    "DEFAULT_4XX": (None, "bad_request", "请求无效"),
    "DEFAULT_5XX": ("502", "gateway_error", "服务暂时不可用，请稍后再试"),
}
METHOD_NOT_ALLOWED = ("method_not_allowed", "该接口不支持此请求方法")
JSON_CONTENT_TYPE = "'application/json; charset=utf-8'"


def error_body(code: str, message: str) -> str:
    return json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)


def gateway_responses() -> dict:
    responses = {}
    for response_type, (status, code, message) in GATEWAY_ERRORS.items():
        response = {"responseParameters": {"gatewayresponse.header.Content-Type": JSON_CONTENT_TYPE},
                    "responseTemplates": {"application/json": error_body(code, message)}}
        if status is not None:
            response["statusCode"] = status
        responses[response_type] = response
    return responses


def _path_parameters(path_params: list[str]) -> list[dict]:
    return [{"name": name, "in": "path", "required": True, "type": "string"} for name in path_params]


def _operation(spec: Any, alias_id: str) -> dict:
    return {
        "operationId": spec.operation_id,
        "summary": spec.summary,
        "parameters": _path_parameters(spec.path_params),
        "responses": {"default": {"description": "The function's response"}},
        "x-amazon-apigateway-integration": {
            "type": "aws_proxy", "httpMethod": "POST", "passthroughBehavior": "when_no_match",
            "uri": {"Fn::Sub": INVOKE % alias_id}},
    }


def allow_header(methods: list[str]) -> str:
    """The Allow header of a path: exactly its declared methods (API Gateway maps no HEAD to GET)."""
    order = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    return ", ".join(sorted(set(methods), key=lambda m: (order.index(m) if m in order else len(order), m)))


def method_not_allowed(methods: list[str], path_params: list[str]) -> dict:
    """`x-amazon-apigateway-any-method` of a path: API Gateway uses it for every method the path does
    not declare. A MOCK integration without request template (so any body passes through) whose
    default response is 405 with the Allow header and the API's error shape."""
    code, message = METHOD_NOT_ALLOWED
    return {
        "summary": "Any method this path does not declare: 405",
        "parameters": _path_parameters(path_params),
        "responses": {"405": {"description": "Method not allowed", "headers": {
            "Allow": {"type": "string"}, "Content-Type": {"type": "string"}}}},
        "x-amazon-apigateway-integration": {
            "type": "mock", "passthroughBehavior": "when_no_templates",
            "responses": {"default": {
                "statusCode": "405",
                "responseParameters": {"method.response.header.Allow": f"'{allow_header(methods)}'",
                                       "method.response.header.Content-Type": JSON_CONTENT_TYPE},
                "responseTemplates": {"application/json": error_body(code, message)}}}},
    }


def api_body(stage: str, functions: list[Function]) -> dict:
    """Swagger 2.0 for API Gateway: every route once, pointing at its function's API Lambda."""
    paths: dict[str, dict] = {}
    params: dict[str, list[str]] = {}
    binary: set[str] = set()
    for function in functions:
        api_units = [unit for unit in function.units if unit.handler.endswith(f".{API_UNIT}")]
        for spec in function.routes:
            operations = paths.setdefault(spec.path, {})
            if spec.method.lower() in operations:
                raise ValueError(f"{spec.method} {spec.path} is declared twice")
            operations[spec.method.lower()] = _operation(spec, unit_ids(api_units[0])["alias"])
            params[spec.path] = spec.path_params
        binary.update(function.binary_types)
    for path, operations in paths.items():
        operations["x-amazon-apigateway-any-method"] = method_not_allowed(
            [method.upper() for method in operations], params[path])
    return {"swagger": "2.0", "info": {"title": stack_name(stage), "version": "1.0"},
            "schemes": ["https"], "paths": {path: paths[path] for path in sorted(paths)},
            "x-amazon-apigateway-binary-media-types": sorted(binary),
            "x-amazon-apigateway-gateway-responses": gateway_responses()}


def api_section(stage: str, functions: list[Function]) -> dict[str, Any]:
    resources: dict[str, Any] = {
        # SAM creates the Deployment (named after the body's hash: a new one whenever routes change)
        # and the `live` Stage.
        API: {"Type": "AWS::Serverless::Api", "Properties": {
            "Name": stack_name(stage), "StageName": API_STAGE, "DefinitionBody": api_body(stage, functions),
            "EndpointConfiguration": {"Type": "REGIONAL"}, "DisableExecuteApiEndpoint": False,
            "MethodSettings": [{"ResourcePath": "/*", "HttpMethod": "*", "MetricsEnabled": True,
                                "ThrottlingRateLimit": THROTTLE_RATE, "ThrottlingBurstLimit": THROTTLE_BURST}]}},
        DOMAIN: {"Type": "AWS::ApiGateway::DomainName", "Condition": "HasDomain", "Properties": {
            "DomainName": {"Ref": "DomainName"}, "RegionalCertificateArn": {"Ref": "CertificateArn"},
            "EndpointConfiguration": {"Types": ["REGIONAL"]}, "SecurityPolicy": "TLS_1_2"}},
        "ApiDomainMapping": {"Type": "AWS::ApiGateway::BasePathMapping", "Condition": "HasDomain", "Properties": {
            "DomainName": {"Ref": DOMAIN}, "RestApiId": {"Ref": API}, "Stage": {"Ref": STAGE}}},
    }
    for function in functions:
        for unit in function.units:
            if unit.is_api:
                alias = unit_ids(unit)["alias"]
                resources[f"{unit_ids(unit)['function']}ApiPermission"] = {
                    "Type": "AWS::Lambda::Permission", "Properties": {
                        "FunctionName": {"Ref": alias}, "Action": "lambda:InvokeFunction",
                        "Principal": "apigateway.amazonaws.com",
                        "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:"
                                                 "${AWS::AccountId}:${%s}/%s/*" % (API, API_STAGE)}}}
    return resources
