"""The OpenAPI 3.1 document, generated from the route declarations and the same pydantic models
that validate requests: it cannot drift from the code."""
from __future__ import annotations

from pydantic.json_schema import models_json_schema

from medpool.api.routing import ROUTES, RouteSpec
from medpool.api.schemas.common import ID_PATTERN, ErrorOut

REF = "#/components/schemas/{model}"


def _parameters(spec: RouteSpec) -> list[dict]:
    parameters = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "string", "pattern": ID_PATTERN}} for name in spec.path_params]
    parameters += [{"name": name, "in": "header", "required": True, "schema": {"type": "string", "pattern": pattern}}
                   for name, pattern in spec.headers]
    if spec.query is not None:
        schema = spec.query.model_json_schema()
        required = set(schema.get("required", []))
        for name, prop in schema["properties"].items():
            prop = {key: value for key, value in prop.items() if key != "title"}
            parameters.append({"name": name, "in": "query", "required": name in required, "schema": prop})
    return parameters


def build_document() -> dict:
    """Every declared route as an OpenAPI operation with its request and response schemas."""
    models = {ErrorOut} | {spec.body for spec in ROUTES if spec.body} | {spec.response for spec in ROUTES
                                                                        if spec.response}
    inputs = [(model, "validation") for model in models]
    refs, definitions = models_json_schema(inputs, ref_template=REF)
    ref = {model: refs[(model, "validation")] for model in models}
    paths: dict[str, dict] = {}
    for spec in sorted(ROUTES, key=lambda s: (s.path, s.method)):
        operation: dict = {
            "operationId": spec.operation_id,
            "summary": spec.summary,
            "tags": [spec.function],
            "x-medpool-access": spec.access.value,
            "security": [{"bearer": []}] if spec.access.needs_session else [],
            "parameters": _parameters(spec),
            "responses": {"default": {"description": "错误 (error)",
                                      "content": {"application/json": {"schema": ref[ErrorOut]}}}},
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
