"""Per-stage configuration, read once per process from the environment.

Stages: ``local`` (DynamoDB Local, the WeChat stand-in, secrets from the environment) and
``prod`` (AWS DynamoDB, api.weixin.qq.com, secrets from AWS Secrets Manager).
"""
from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from urllib.parse import urlparse

WECHAT_PROD_BASE_URL = "https://api.weixin.qq.com"
LOCAL_WECHAT_APPID = "wx-local-appid"
LOCAL_WECHAT_SECRET = "local-app-secret"
LOCAL_TOKEN_KEY = "local-development-signing-key-not-for-production"
STAGES = ("local", "prod")


class ConfigurationError(RuntimeError):
    """The process must not start with this configuration."""


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    table_prefix: str
    dynamodb_endpoint: str | None
    wechat_base_url: str
    wechat_appid: str
    secret_id: str | None
    session_hours: int
    registration_minutes: int

    def table_name(self, name: str) -> str:
        return f"{self.table_prefix}{name}"


@dataclass(frozen=True)
class Secrets:
    wechat_app_secret: str
    token_signing_key: str


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _endpoint(value: str | None) -> str | None:
    """`aws` (or unset in prod) means AWS's own endpoint; anything else is a custom one (DynamoDB Local)."""
    return None if value in (None, "aws") else value


def load_settings() -> Settings:
    """Build settings from the environment and refuse unsafe production setups."""
    stage = _env("MEDPOOL_STAGE", "local")
    if stage not in STAGES:
        raise ConfigurationError(f"MEDPOOL_STAGE must be one of {STAGES}, not {stage!r}")
    local = stage == "local"
    settings = Settings(
        stage=stage,
        region=_env("AWS_REGION", _env("AWS_DEFAULT_REGION", "cn-north-1")),
        table_prefix=_env("MEDPOOL_TABLE_PREFIX", f"medpool-{stage}-"),
        dynamodb_endpoint=_endpoint(_env("MEDPOOL_DYNAMODB_ENDPOINT", "http://127.0.0.1:8002" if local else None)),
        wechat_base_url=_env("MEDPOOL_WECHAT_BASE_URL",
                             "http://127.0.0.1:8001" if local else WECHAT_PROD_BASE_URL).rstrip("/"),
        wechat_appid=_env("MEDPOOL_WECHAT_APPID", LOCAL_WECHAT_APPID if local else None) or "",
        secret_id=_env("MEDPOOL_SECRET_ID"),
        session_hours=int(_env("MEDPOOL_SESSION_HOURS", "12")),
        registration_minutes=int(_env("MEDPOOL_REGISTRATION_MINUTES", "30")),
    )
    if stage == "prod":
        _check_production(settings)
    elif settings.dynamodb_endpoint:
        # DynamoDB Local accepts any credentials, but botocore insists on having some.
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    return settings


def _check_production(settings: Settings) -> None:
    url = urlparse(settings.wechat_base_url)
    host = url.hostname or ""
    if url.scheme != "https" or host in ("localhost", "::1") or host.startswith("127."):
        raise ConfigurationError("prod stage refuses a non-HTTPS or local WeChat base URL (the stand-in)")
    if settings.dynamodb_endpoint:
        raise ConfigurationError("prod stage uses AWS DynamoDB, not a custom endpoint")
    if not settings.wechat_appid or settings.wechat_appid == LOCAL_WECHAT_APPID:
        raise ConfigurationError("prod stage needs the real MEDPOOL_WECHAT_APPID")
    if not settings.secret_id:
        raise ConfigurationError("prod stage needs MEDPOOL_SECRET_ID (AWS Secrets Manager)")
    for name in ("MEDPOOL_WECHAT_APP_SECRET", "MEDPOOL_TOKEN_SIGNING_KEY", "MEDPOOL_DEV_LOGIN"):
        if _env(name):
            raise ConfigurationError(f"prod stage refuses {name} in the environment (development only)")


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once per container)."""
    return load_settings()


@functools.lru_cache(maxsize=1)
def get_secrets() -> Secrets:
    """Secrets, read once per container: environment in local, Secrets Manager in prod."""
    settings = get_settings()
    if settings.stage == "local":
        return Secrets(
            wechat_app_secret=_env("MEDPOOL_WECHAT_APP_SECRET", LOCAL_WECHAT_SECRET),
            token_signing_key=_env("MEDPOOL_TOKEN_SIGNING_KEY", LOCAL_TOKEN_KEY),
        )
    import boto3  # only prod pays for the client

    client = boto3.client("secretsmanager", region_name=settings.region)
    value = json.loads(client.get_secret_value(SecretId=settings.secret_id)["SecretString"])
    return Secrets(wechat_app_secret=value["wechat_app_secret"], token_signing_key=value["token_signing_key"])


def reset() -> None:
    """Forget cached settings and secrets (tests and the CLI change the environment)."""
    get_settings.cache_clear()
    get_secrets.cache_clear()
