"""login: health, the API document, WeChat login, registration and the user's own profile."""
import json
from pathlib import Path

from medpool import clock
from medpool.api.routing import FunctionApi, Request
from medpool.api.schemas.common import Health, OpenApiDocument, PrivacyGuide
from medpool.api.schemas.users import LoginBody, LoginOut, RegisterBody, UpdateMeBody, UserOut
from medpool.config import get_settings
from medpool.policy import Access
from medpool.services import rate_limits, users

api = FunctionApi("login")
OPENAPI_DOCUMENT = Path(__file__).with_name("openapi.json")  # written by `make openapi`, checked by a test
PRIVACY_GUIDE = Path(__file__).with_name("privacy-guide.md")  # a link to docs/privacy-guide.md (bundled as a file)


@api.route("GET", "/health", "health", Access.PUBLIC, summary="存活检查", response=Health)
def health(request: Request) -> Health:
    return Health(status="ok", stage=get_settings().stage, time=clock.now_iso())


@api.route("GET", "/openapi.json", "getOpenApi", Access.PUBLIC, summary="OpenAPI 文档", response=OpenApiDocument)
def openapi(request: Request) -> dict:
    return json.loads(OPENAPI_DOCUMENT.read_text(encoding="utf-8"))


@api.route("GET", "/privacy-guide", "getPrivacyGuide", Access.PUBLIC, summary="用户隐私保护指引",
           response=PrivacyGuide)
def privacy_guide(request: Request) -> PrivacyGuide:
    """The guide's header (between `---` lines: version, updated_at, summary) and its text."""
    _, header, text = PRIVACY_GUIDE.read_text(encoding="utf-8").split("---\n", 2)
    fields = dict(line.split(": ", 1) for line in header.strip().splitlines())
    return PrivacyGuide(version=fields["version"], updated_at=fields["updated_at"], summary=fields["summary"],
                        text=text.strip())


@api.route("POST", "/auth/login", "login", Access.PUBLIC, summary="微信登录", body=LoginBody, response=LoginOut,
           errors={401: "微信登录凭证无效或已使用 (wechat_invalid_code, wechat_code_used)",
                   403: "微信判定为高风险账号 (wechat_user_blocked)",
                   429: "登录过于频繁，或微信接口限流 (too_many_requests, wechat_rate_limited)",
                   502: "微信服务不可用 (wechat_error)"})
def login(request: Request) -> LoginOut:
    rate_limits.admit_source(request.source_ip)  # before WeChat's quota is spent on the code
    result = users.login(request.body.code, admit_openid=rate_limits.admit_openid)
    out = LoginOut(state=result.state, message=result.message,
                   user=UserOut.model_validate(result.user) if result.user else None)
    if result.session:
        out.token, out.expires_at = result.session.token, result.session.expires_at
    if result.registration:
        out.registration_required = True
        out.registration_token = result.registration.token
        out.registration_expires_at = result.registration.expires_at
    return out


@api.route("POST", "/auth/register", "register", Access.REGISTRATION, summary="提交注册申请",
           body=RegisterBody, response=UserOut, status=201,
           errors={409: "该微信账号已注册 (already_registered)",
                   422: "科室不存在 (unknown_department)",
                   429: "注册过于频繁 (too_many_requests)"})
def register(request: Request) -> UserOut:
    rate_limits.admit_source(request.source_ip)
    fields = request.body.model_dump()
    return UserOut.model_validate(users.register(**fields, admit_openid=rate_limits.admit_openid))


@api.route("GET", "/me", "getMe", Access.ACTIVE, summary="我的资料", response=UserOut)
def get_me(request: Request) -> UserOut:
    return UserOut.model_validate(request.user)


@api.route("PUT", "/me", "updateMe", Access.ACTIVE, summary="修改我的资料", body=UpdateMeBody, response=UserOut)
def update_me(request: Request) -> UserOut:
    return UserOut.model_validate(users.update_me(request.user, request.changes))
