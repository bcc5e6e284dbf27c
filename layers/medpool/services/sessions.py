"""Signed tokens: the session token of an active user and the short-lived registration token
of an unknown openid. The user is re-read on every request, so disabling takes effect at once; a session
carries the user's `session_version`, bumped when the account is disabled, deleted, re-enabled or restored,
or changes role or department, so a token issued before such a change never works again."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import jwt

from medpool import clock
from medpool.config import get_secrets, get_settings
from medpool.errors import Unauthenticated
from medpool.models.user import User

ALGORITHM = "HS256"
ISSUER = "medpool"
SESSION, REGISTRATION = "session", "registration"


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: str


@dataclass(frozen=True)
class RegistrationClaims:
    openid: str
    unionid: str | None


def _issue(kind: str, subject: str, lifetime: timedelta, extra: dict | None = None) -> IssuedToken:
    issued = clock.now()
    expires = issued + lifetime
    claims = {"iss": ISSUER, "aud": get_settings().stage, "typ": kind, "sub": subject,
              "iat": int(issued.timestamp()), "exp": int(expires.timestamp()), **(extra or {})}
    token = jwt.encode(claims, get_secrets().token_signing_key, algorithm=ALGORITHM)
    return IssuedToken(token=token, expires_at=clock.to_iso(expires.replace(microsecond=0)))


def _verify(token: str, kind: str, invalid: Unauthenticated) -> dict:
    try:
        claims = jwt.decode(token, get_secrets().token_signing_key, algorithms=[ALGORITHM],
                            audience=get_settings().stage, issuer=ISSUER,
                            options={"require": ["exp", "sub", "typ"]})
    except jwt.ExpiredSignatureError as error:
        raise Unauthenticated("登录已过期，请重新登录", code=f"{kind}_expired") from error
    except jwt.PyJWTError as error:
        raise invalid from error
    if claims.get("typ") != kind or not isinstance(claims.get("sub"), str):
        raise invalid
    return claims


def issue_session(user: User) -> IssuedToken:
    return _issue(SESSION, user.openid, timedelta(hours=get_settings().session_hours),
                  {"ver": int(user.session_version or 0)})


def issue_registration(openid: str, unionid: str | None) -> IssuedToken:
    extra = {"uid": unionid} if unionid else None
    return _issue(REGISTRATION, openid, timedelta(minutes=get_settings().registration_minutes), extra)


def verify_registration(token: str) -> RegistrationClaims:
    claims = _verify(token, REGISTRATION,
                     Unauthenticated("注册凭证无效，请重新进入小程序", code="invalid_registration_token"))
    return RegistrationClaims(openid=claims["sub"], unionid=claims.get("uid"))


def authenticate(token: str | None) -> User:
    """The active user a session token belongs to (one GetItem), or Unauthenticated."""
    if not token:
        raise Unauthenticated("请先登录", code="missing_token")
    claims = _verify(token, SESSION, Unauthenticated("登录凭证无效，请重新登录", code="invalid_token"))
    try:
        user = User.get(claims["sub"])
    except User.DoesNotExist as error:
        raise Unauthenticated("账号不存在，请重新登录", code="session_revoked") from error
    if user.status != "active" or user.deleted_at:
        raise Unauthenticated("账号已停用或未通过审核", code="session_revoked")
    version = claims.get("ver")
    if type(version) is not int or version != int(user.session_version or 0):
        raise Unauthenticated("账号权限或状态已变更，请重新登录", code="session_revoked")
    return user
