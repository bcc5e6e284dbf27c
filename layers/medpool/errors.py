"""Domain errors. Each carries a stable snake_case code and a Chinese message;
the HTTP adapter (medpool.api.errors) maps the kinds to status codes in one place."""
from __future__ import annotations


class MedpoolError(Exception):
    code = "error"
    message = "请求失败"

    def __init__(self, message: str | None = None, code: str | None = None, details: object = None):
        self.message = message or self.message
        self.code = code or self.code
        self.details = details
        super().__init__(f"{self.code}: {self.message}")


class BadRequest(MedpoolError):
    code, message = "bad_request", "请求格式错误"


class PayloadTooLarge(MedpoolError):
    code, message = "payload_too_large", "请求内容过大"


class UnsupportedMediaType(MedpoolError):
    code, message = "unsupported_media_type", "请求内容须为 JSON（Content-Type: application/json）"


class Unauthenticated(MedpoolError):
    code, message = "unauthenticated", "请先登录"


class Forbidden(MedpoolError):
    code, message = "forbidden", "没有权限执行此操作"


class NotFound(MedpoolError):
    code, message = "not_found", "记录不存在"


class Conflict(MedpoolError):
    code, message = "conflict", "与当前状态冲突，请刷新后重试"


class Unprocessable(MedpoolError):
    code, message = "unprocessable", "请求内容不符合业务规则"


class Throttled(MedpoolError):
    code, message = "throttled", "请求过于频繁，请稍后再试"

    def __init__(self, message: str | None = None, code: str | None = None, details: object = None,
                 retry_after: int | None = None):
        super().__init__(message, code, details)
        self.retry_after = retry_after  # seconds, sent as the Retry-After header


class UpstreamError(MedpoolError):
    code, message = "wechat_error", "微信服务暂时不可用，请稍后再试"
