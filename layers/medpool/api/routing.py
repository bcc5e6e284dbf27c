"""Routes are declared once, on a function's FunctionApi: method, path, operationId, access, schemas.
The declaration registers the Chalice route, feeds the OpenAPI document and the authorization table,
and runs every request through the same pipeline: size -> authentication -> authorization ->
parameters -> body -> service -> response, with domain errors mapped to HTTP in one place."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from chalice import Blueprint, Chalice, Response
from pydantic import BaseModel, ValidationError

from medpool.api import access_log
from medpool.api.errors import error_response, internal_error_response, json_response, method_not_allowed_response
from medpool.api.schemas.common import ID_PATTERN, Body, PageQuery, Query
from medpool.errors import BadRequest, MedpoolError, PayloadTooLarge, UnsupportedMediaType
from medpool.models.user import User
from medpool.policy import Access, authorize
from medpool.services import sessions

MAX_BODY_BYTES = 1024 * 1024
PATH_PARAM = re.compile(r"{(\w+)}")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
PDF = "application/pdf"
JPEG = "image/jpeg"
BINARY = {XLSX, PNG, PDF, JPEG}  # answers API Gateway passes base64-encoded, only to requests that accept them
ERROR_WORDS = {"missing": "缺少字段", "extra_forbidden": "不允许的字段", "json_invalid": "JSON 格式错误"}


@dataclass(frozen=True)
class RouteSpec:
    function: str
    method: str
    path: str
    operation_id: str
    access: Access
    summary: str
    body: type[Body] | None
    query: type[Query] | None
    response: type[BaseModel] | None  # None: 204 No Content
    status: int
    headers: tuple[tuple[str, str], ...] = ()  # required request headers: (name, pattern)
    files: tuple[str, ...] = ()  # content types of file answers (FileResult) besides the JSON one
    errors: tuple[tuple[int, str], ...] = ()  # business-rule refusals (status, when) no schema can express
    params: tuple[tuple[str, str], ...] = ()  # path parameters' patterns where tighter than ID_PATTERN
    max_body: int = MAX_BODY_BYTES  # bytes; larger only for file uploads (API Gateway passes Lambda <= 6 MB)

    @property
    def path_params(self) -> list[str]:
        return PATH_PARAM.findall(self.path)

    def pattern_of(self, param: str) -> str:
        return dict(self.params).get(param, ID_PATTERN)


ROUTES: list[RouteSpec] = []


@dataclass(frozen=True)
class FileResult:
    """A handler's file answer (CSV text or xlsx bytes) instead of the JSON response model."""

    content: bytes | str
    content_type: str
    filename: str


@dataclass
class Request:
    """What a route handler gets: the authenticated user (if any) and validated input."""

    user: User | None
    body: Any
    query: Any
    params: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)
    source_ip: str | None = None  # the caller's address as API Gateway (or chalice local) saw it

    @property
    def changes(self) -> dict:
        """The body's fields that the client actually sent (for partial updates)."""
        return self.body.model_dump(mode="json", exclude_unset=True) if self.body is not None else {}


class FunctionApi:
    """The routes of one deployable function. Each app that serves them gets its own Blueprint
    (Chalice consumes a blueprint's route options when registering it, so one cannot serve two apps)."""

    def __init__(self, function: str):
        self.function = function
        self.views: list[tuple[RouteSpec, Callable[[Request], Any]]] = []

    def route(self, method: str, path: str, operation_id: str, access: Access, *, summary: str,
              body: type[Body] | None = None, query: type[Query] | None = None,
              response: type[BaseModel] | None = None, status: int = 200,
              headers: dict[str, str] | None = None, files: tuple[str, ...] = (),
              errors: dict[int, str] | None = None, params: dict[str, str] | None = None,
              max_body: int = MAX_BODY_BYTES) -> Callable:
        errors = dict(errors or {})
        if query is not None and issubclass(query, PageQuery):  # a well-formed cursor can still be forged
            errors.setdefault(400, "分页参数不是本列表签发的 (invalid_cursor)")
        spec = RouteSpec(self.function, method, path, operation_id, access, summary, body, query, response,
                         status if response is not None or files else 204, tuple((headers or {}).items()), files,
                         tuple(sorted(errors.items())), tuple((params or {}).items()), max_body)

        def decorator(handler: Callable[[Request], Any]) -> Callable:
            self.views.append((spec, handler))
            ROUTES.append(spec)
            return handler

        return decorator

    def blueprint(self) -> Blueprint:
        blueprint = Blueprint(f"functions.{self.function}")
        for spec, handler in self.views:
            # Every content type reaches the pipeline, so a wrong one gets our error model, not Chalice's.
            blueprint.route(spec.path, methods=[spec.method], content_types=["*/*"])(
                _view(blueprint, spec, handler))
        return blueprint


def _view(blueprint: Blueprint, spec: RouteSpec, handler: Callable) -> Callable:
    @functools.wraps(handler)
    def view(**params: str) -> Response:
        return _handle(spec, handler, blueprint.current_request, params)

    return view


def create_app(app_name: str, apis: list[FunctionApi]) -> Chalice:
    """A Chalice app serving the given functions' routes (one function in a Lambda, all locally)."""
    app = Chalice(app_name=app_name)
    app.api.binary_types.extend(sorted(BINARY))
    for api in apis:
        app.register_blueprint(api.blueprint())
    app.register_middleware(functools.partial(_declared_methods_only, app.routes), "http")
    return app


def _declared_methods_only(routes: dict, request: Any, get_response: Callable) -> Response:
    """A method the path does not declare gets 405 method_not_allowed in our error shape (Chalice's own
    answer is {"Code": "MethodNotAllowedError"}). API Gateway never passes one on in production."""
    declared = routes.get(request.context.get("resourcePath"), {})
    if request.method not in declared:
        return method_not_allowed_response(list(declared))
    return get_response(request)


def _validation_error(error: ValidationError) -> BadRequest:
    problems = [{"field": ".".join(str(part) for part in item["loc"]), "type": item["type"], "message": item["msg"]}
                for item in error.errors(include_url=False, include_context=False, include_input=False)]
    first = problems[0]
    if first["field"] == "cursor":  # as services.pages answers a cursor it did not sign
        return BadRequest("分页参数无效，请从第一页重新加载", code="invalid_cursor", details=problems)
    if first["type"] == "json_invalid":
        return BadRequest("请求内容不是有效的 JSON", code="invalid_json", details=problems)
    word = ERROR_WORDS.get(first["type"], "字段格式错误")
    where = f"：{first['field']}" if first["field"] else ""
    return BadRequest(f"请求内容不符合要求，{word}{where}", code="validation_error", details=problems)


def _parse_body(spec: RouteSpec, raw: bytes, content_type: str) -> Any:
    if spec.body is None:
        return None
    if content_type and content_type.split(";")[0].strip().lower() != "application/json":
        raise UnsupportedMediaType()
    if not raw or not raw.strip():
        raise BadRequest("请求内容为空", code="missing_body")
    try:
        return spec.body.model_validate_json(raw)
    except ValidationError as error:
        raise _validation_error(error) from error


def _parse_query(spec: RouteSpec, params: dict | None) -> Any:
    params = dict(params or {})
    if spec.query is None:
        if params:
            raise BadRequest(f"不支持的查询参数：{', '.join(sorted(params))}", code="unknown_parameter")
        return None
    try:
        return spec.query.model_validate(params)
    except ValidationError as error:
        raise _validation_error(error) from error


def _check_path(spec: RouteSpec, params: dict[str, str]) -> None:
    for name, value in params.items():
        if not re.fullmatch(spec.pattern_of(name), value or ""):
            raise BadRequest(f"路径参数 {name} 格式错误", code="invalid_path_parameter")


def _check_headers(spec: RouteSpec, headers: dict[str, str]) -> None:
    for name, pattern in spec.headers:
        value = headers.get(name.lower())
        slug = name.lower().replace("-", "_")
        if not value:
            raise BadRequest(f"缺少请求头 {name}", code=f"missing_{slug}")
        if not re.fullmatch(pattern, value):
            raise BadRequest(f"请求头 {name} 格式错误", code=f"invalid_{slug}")


def _check_accept(headers: dict[str, str], content_type: str) -> None:
    """API Gateway (and chalice local) only pass a binary answer to a request that accepts its type."""
    accept = headers.get("accept", "").lower()
    if "*/*" not in accept and content_type not in [part.strip() for part in re.split("[,;]", accept)]:
        raise BadRequest(f"下载此文件须带请求头 Accept: {content_type}", code="accept_header_required")


def _bearer(headers: dict) -> str | None:
    scheme, _, token = (headers.get("authorization") or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _handle(spec: RouteSpec, handler: Callable, chalice_request: Any, params: dict[str, str]) -> Response:
    """Answer one call, then write its access-log line (medpool.api.access_log)."""
    trace = access_log.Trace()
    response = _answer(spec, handler, chalice_request, params, trace)
    trace.status = response.status_code
    headers = {key.lower(): value for key, value in (chalice_request.headers or {}).items()}
    access_log.emit(access_log.line(spec, params, trace, chalice_request.context or {}, headers))
    return response


def _answer(spec: RouteSpec, handler: Callable, chalice_request: Any, params: dict[str, str],
            trace: access_log.Trace) -> Response:
    try:
        raw = chalice_request.raw_body or b""
        if len(raw) > spec.max_body:
            raise PayloadTooLarge(f"请求内容超过 {spec.max_body / 1024 / 1024:g} MB", code="payload_too_large")
        headers = {key.lower(): value for key, value in (chalice_request.headers or {}).items()}
        user = None
        if spec.access.needs_session:
            user = trace.user = sessions.authenticate(_bearer(headers))
            authorize(user, spec.access)
        _check_path(spec, params)
        _check_headers(spec, headers)
        if spec.response is None and len(spec.files) == 1 and set(spec.files) <= BINARY:
            _check_accept(headers, spec.files[0])  # a one-type file route: refuse before the work is done
        request = Request(user=user, query=_parse_query(spec, chalice_request.query_params),
                          body=_parse_body(spec, raw, headers.get("content-type", "")), params=params, headers=headers,
                          source_ip=(chalice_request.context or {}).get("identity", {}).get("sourceIp"))
        trace.query, trace.body = request.query, request.body
        result = trace.result = handler(request)
        if isinstance(result, FileResult) and isinstance(result.content, bytes):
            _check_accept(headers, result.content_type)
    except MedpoolError as error:
        trace.error = error.code
        return error_response(error)
    except Exception:  # noqa: BLE001 - the client gets a clean 500, the log gets the traceback
        trace.error = "internal_error"
        return internal_error_response()
    if isinstance(result, FileResult):
        return Response(body=result.content, status_code=spec.status, headers={
            "Content-Type": result.content_type, "Content-Disposition": f'attachment; filename="{result.filename}"'})
    if spec.response is None:
        return Response(body="", status_code=204)
    if not isinstance(result, BaseModel):
        result = spec.response.model_validate(result)
    return json_response(result.model_dump(mode="json", by_alias=True), spec.status)
