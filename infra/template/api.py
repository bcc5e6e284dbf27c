"""One REST API (the event format Chalice's handler reads) whose operations are the declared routes,
each integrated with the `live` alias of the Lambda of the function that declares it; a custom
domain when DomainName is given."""
from __future__ import annotations

import hashlib
import json
from typing import Any

from infra.names import API_STAGE, stack_name
from infra.project import API_UNIT, Function
from infra.template.functions import unit_ids

API, STAGE, DOMAIN = "Api", "ApiStage", "ApiDomain"
INVOKE = "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${%s}/invocations"
THROTTLE_RATE, THROTTLE_BURST = 100, 200

# Errors API Gateway produces itself, in the API's one error shape (medpool.api.errors):
# response type -> (status, or None to keep API Gateway's own 4xx status, code, message).
# Static bodies: nothing from the request (never the Authorization header) is echoed back.
GATEWAY_ERRORS: dict[str, tuple[str | None, str, str]] = {
    # Unknown path, or a known path with a method it does not have (no authorizers are used).
    "MISSING_AUTHENTICATION_TOKEN": ("404", "route_not_found", "接口不存在"),
    "THROTTLED": ("429", "throttled", "请求过于频繁，请稍后再试"),
    "REQUEST_TOO_LARGE": ("413", "payload_too_large", "请求内容过大"),
    "DEFAULT_4XX": (None, "bad_request", "请求无效"),
    "DEFAULT_5XX": ("502", "gateway_error", "服务暂时不可用，请稍后再试"),
}
JSON_CONTENT_TYPE = "'application/json; charset=utf-8'"


def gateway_responses() -> dict:
    responses = {}
    for response_type, (status, code, message) in GATEWAY_ERRORS.items():
        body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
        response = {"responseParameters": {"gatewayresponse.header.Content-Type": JSON_CONTENT_TYPE},
                    "responseTemplates": {"application/json": body}}
        if status is not None:
            response["statusCode"] = status
        responses[response_type] = response
    return responses


def _operation(spec: Any, alias_id: str) -> dict:
    return {
        "operationId": spec.operation_id,
        "summary": spec.summary,
        "parameters": [{"name": name, "in": "path", "required": True, "type": "string"}
                       for name in spec.path_params],
        "responses": {"default": {"description": "The function's response"}},
        "x-amazon-apigateway-integration": {
            "type": "aws_proxy", "httpMethod": "POST", "passthroughBehavior": "when_no_match",
            "uri": {"Fn::Sub": INVOKE % alias_id}},
    }


def api_body(stage: str, functions: list[Function]) -> dict:
    """Swagger 2.0 for API Gateway: every route once, pointing at its function's API Lambda."""
    paths: dict[str, dict] = {}
    binary: set[str] = set()
    for function in functions:
        api_units = [unit for unit in function.units if unit.handler.endswith(f".{API_UNIT}")]
        for spec in function.routes:
            operations = paths.setdefault(spec.path, {})
            if spec.method.lower() in operations:
                raise ValueError(f"{spec.method} {spec.path} is declared twice")
            operations[spec.method.lower()] = _operation(spec, unit_ids(api_units[0])["alias"])
        binary.update(function.binary_types)
    return {"swagger": "2.0", "info": {"title": stack_name(stage), "version": "1.0"},
            "schemes": ["https"], "paths": {path: paths[path] for path in sorted(paths)},
            "x-amazon-apigateway-binary-media-types": sorted(binary),
            "x-amazon-apigateway-gateway-responses": gateway_responses()}


def api_section(stage: str, functions: list[Function]) -> dict[str, Any]:
    body = api_body(stage, functions)
    deployment = "ApiDeployment" + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:12]
    resources: dict[str, Any] = {
        API: {"Type": "AWS::ApiGateway::RestApi", "Properties": {
            "Name": stack_name(stage), "Body": body, "EndpointConfiguration": {"Types": ["REGIONAL"]},
            "DisableExecuteApiEndpoint": False}},
        # A new deployment whenever the routes change (a Deployment is a snapshot).
        deployment: {"Type": "AWS::ApiGateway::Deployment", "Properties": {"RestApiId": {"Ref": API}}},
        STAGE: {"Type": "AWS::ApiGateway::Stage", "Properties": {
            "RestApiId": {"Ref": API}, "DeploymentId": {"Ref": deployment}, "StageName": API_STAGE,
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
            if unit.schedule is None:
                alias = unit_ids(unit)["alias"]
                resources[f"{alias}ApiPermission"] = {"Type": "AWS::Lambda::Permission", "Properties": {
                    "FunctionName": {"Ref": alias}, "Action": "lambda:InvokeFunction",
                    "Principal": "apigateway.amazonaws.com",
                    "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
                                             "${%s}/%s/*" % (API, API_STAGE)}}}
    return resources
