"""The OpenAPI 3.1 document, generated from the route declarations and the same pydantic models
that validate requests: it cannot drift from the code."""
from __future__ import annotations

from pydantic.json_schema import models_json_schema

from medpool.api.routing import ROUTES, RouteSpec
from medpool.api.schemas.common import ErrorOut
from medpool.policy import Access

REF = "#/components/schemas/{model}"
# Refusals every route of a kind can give (what the pipeline checks before the service runs).
INPUT_ERROR = "请求格式错误：参数、请求体或请求头不符合本文档 (malformed request)"
SESSION_ERROR = "未登录、登录失效或账号未启用 (no valid session of an active user)"
ROLE_ERROR = "没有权限：须为设备科管理人员或系统管理员 (the caller's role may not)"
PATH_ERROR = "路径中的对象不存在或不可见 (the object named in the path does not exist)"
# Operations on one object, linked from every answer that is that object (stateful testing follows them).
RESOURCES = {"LoanOut": "/loans/{id}", "AnnouncementOut": "/announcements/{id}", "DeviceOut": "/devices/{id}"}
# A loan's answers link to the steps its new state allows (docs/data-and-loans.md), not to every operation on a
# loan: a client (and a fuzzer's stateful phase) follows them from an application to its return.
LOAN_STEPS = {
    "createLoan": ("getLoan", "cancelLoan", "approveLoan", "rejectLoan"),  # pending
    "approveLoan": ("getLoan", "cancelLoan", "handOverLoan", "extendLoan"),  # approved
    "handOverLoan": ("getLoan", "requestReturn", "extendLoan", "confirmReturn", "recallLoan"),  # in use
    "extendLoan": ("getLoan", "handOverLoan", "requestReturn", "confirmReturn"),  # approved or in use
    "recallLoan": ("getLoan", "answerRecall", "requestReturn", "confirmReturn"),  # in use, recall requested
    "answerRecall": ("getLoan", "requestReturn", "confirmReturn"),  # in use, recall answered
    "requestReturn": ("getLoan", "confirmReturn"),  # return requested
    # getLoan, cancelLoan, rejectLoan, confirmReturn: the loan is ended, or its state is any one
}
# The request body a link gives, where the next step needs a value of the answer besides its id: approval takes the
# device the application named; hand-over and return confirmation take the assigned device, typed in (a manager's
# fallback: the label secret a scan carries is in no answer).
LINK_BODIES = {
    "approveLoan": {"device_id": "$response.body#/requested_device_id"},
    "handOverLoan": {"device_id": "$response.body#/device_id"},
    "confirmReturn": {"device_id": "$response.body#/device_id", "condition": "ok"},
}
# A link's requestBody is the whole body (as OpenAPI means it), not fields merged into a generated body:
# schemathesis' default merge would keep a generated `scan` beside the linked `device_id` (422 scan_or_device_id).
WHOLE_BODY = {"x-schemathesis": {"merge_body": False}}


def _parameters(spec: RouteSpec) -> list[dict]:
    parameters = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "string", "pattern": spec.pattern_of(name)}} for name in spec.path_params]
    parameters += [{"name": name, "in": "header", "required": True, "schema": {"type": "string", "pattern": pattern}}
                   for name, pattern in spec.headers]
    if spec.query is not None:
        schema = spec.query.model_json_schema()
        required = set(schema.get("required", []))
        for name, prop in schema["properties"].items():
            prop = {key: value for key, value in prop.items() if key != "title"}
            options = [option for option in prop.get("anyOf", []) if option != {"type": "null"}]
            if len(options) == 1 and prop.get("default", 0) is None:  # optional: absent, never null
                prop = {**{k: v for k, v in prop.items() if k not in ("anyOf", "default")}, **options[0]}
            parameters.append({"name": name, "in": "query", "required": name in required, "schema": prop})
    return parameters


def _error_responses(spec: RouteSpec, error_ref: dict) -> dict[str, dict]:
    """Every refusal the route can give, each documented: the pipeline's own, then the route's business rules."""
    statuses = {400: INPUT_ERROR}
    if spec.access.needs_session or spec.access is Access.REGISTRATION:
        statuses[401] = SESSION_ERROR
    if spec.access in (Access.MANAGER, Access.ADMIN):
        statuses[403] = ROLE_ERROR
    if spec.path_params:
        statuses[404] = PATH_ERROR
    if spec.body is not None:
        statuses[413] = "请求内容超过 1 MB (payload too large)"
        statuses[415] = "请求内容须为 JSON (Content-Type: application/json)"
    for status, when in spec.errors:
        statuses[status] = f"{statuses[status]}；{when}" if status in statuses else when
    return {str(status): {"description": text, "content": {"application/json": {"schema": error_ref}}}
            for status, text in sorted(statuses.items())}


def _links(spec: RouteSpec, by_path: dict[str, list[RouteSpec]]) -> dict[str, dict]:
    """An answer that is an object links to the operations on that object (its id fills their path); a loan's
    answer to the next steps of the loan's workflow, with the body they need."""
    target = RESOURCES.get(spec.response.__name__) if spec.response else None
    if target is None:
        return {}
    loan = target == RESOURCES["LoanOut"]
    links = {}
    for path, specs in sorted(by_path.items()):
        for other in specs:
            if not path.startswith(target) or other.path_params != ["id"] or other is spec:
                continue
            if loan and other.operation_id not in LOAN_STEPS.get(spec.operation_id, ()):
                continue
            link = {"operationId": other.operation_id, "parameters": {"id": "$response.body#/id"}}
            if loan and other.operation_id in LINK_BODIES:
                link.update(requestBody=LINK_BODIES[other.operation_id], **WHOLE_BODY)
            links[other.operation_id] = link
    return links


def build_document() -> dict:
    """Every declared route as an OpenAPI operation with its request and response schemas."""
    models = {ErrorOut} | {spec.body for spec in ROUTES if spec.body} | {spec.response for spec in ROUTES
                                                                        if spec.response}
    inputs = [(model, "validation") for model in models]
    refs, definitions = models_json_schema(inputs, ref_template=REF)
    ref = {model: refs[(model, "validation")] for model in models}
    paths: dict[str, dict] = {}
    by_path: dict[str, list[RouteSpec]] = {}
    for spec in ROUTES:
        by_path.setdefault(spec.path, []).append(spec)
    for spec in sorted(ROUTES, key=lambda s: (s.path, s.method)):
        operation: dict = {
            "operationId": spec.operation_id,
            "summary": spec.summary,
            "tags": [spec.function],
            "x-medpool-access": spec.access.value,
            "security": [{"bearer": []}] if spec.access.needs_session else [],
            "parameters": _parameters(spec),
            "responses": _error_responses(spec, ref[ErrorOut]),
            "x-medpool-business-errors": [status for status, _ in spec.errors],  # refusals of schema-valid input
        }
        if spec.body is not None:
            operation["requestBody"] = {"required": True,
                                        "content": {"application/json": {"schema": ref[spec.body]}}}
        if spec.response is None and not spec.files:
            operation["responses"]["204"] = {"description": "完成 (no content)"}
        else:
            content = {"application/json": {"schema": ref[spec.response]}} if spec.response else {}
            for content_type in spec.files:  # file answers: CSV text, xlsx bytes
                binary = not content_type.startswith("text/")
                content[content_type] = {"schema": {"type": "string", **({"format": "binary"} if binary else {})}}
            operation["responses"][str(spec.status)] = {"description": "成功 (success)", "content": content}
            if links := _links(spec, by_path):
                operation["responses"][str(spec.status)]["links"] = links
        paths.setdefault(spec.path, {})[spec.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "MedPool API · 医疗设备调配平台", "version": "1.0.0",
                 "description": "Generated from the route declarations (`make openapi`)."},
        "paths": paths,
        "components": {"schemas": definitions.get("$defs", {}),
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


def main() -> None:
    """Write the document served by the login function (`make openapi`): every function's routes,
    although the login Lambda itself only carries its own."""
    import json
    import sys
    from pathlib import Path

    import app  # noqa: F401 - registers every function's routes

    target = Path(sys.argv[1])
    target.write_text(json.dumps(build_document(), ensure_ascii=False, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
