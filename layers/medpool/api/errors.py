"""Domain errors -> HTTP responses: the one place where status codes are decided."""
from __future__ import annotations

import json
import logging

from chalice import Response

from medpool import errors

log = logging.getLogger(__name__)

STATUS = {
    errors.BadRequest: 400,
    errors.Unauthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.PayloadTooLarge: 413,
    errors.UnsupportedMediaType: 415,
    errors.Unprocessable: 422,
    errors.Throttled: 429,
    errors.UpstreamError: 502,
}
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def json_response(body: object, status: int = 200) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status, headers=dict(JSON_HEADERS))


def status_of(error: errors.MedpoolError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 500


def error_response(error: errors.MedpoolError) -> Response:
    body = {"code": error.code, "message": error.message}
    if error.details is not None:
        body["details"] = error.details
    response = json_response({"error": body}, status_of(error))
    if getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def method_not_allowed_response(allowed: list[str]) -> Response:
    """A path the API has, asked with a method it does not declare there (nothing echoed back)."""
    allow = ", ".join(sorted(allowed))
    response = json_response({"error": {"code": "method_not_allowed",
                                        "message": f"此接口不支持该请求方法（支持：{allow}）"}}, 405)
    response.headers["Allow"] = allow
    return response


def route_not_found_response() -> Response:
    return json_response({"error": {"code": "route_not_found", "message": "接口不存在"}}, 404)


def internal_error_response() -> Response:
    log.exception("unhandled error")
    return json_response({"error": {"code": "internal_error", "message": "系统内部错误，请稍后再试"}}, 500)
