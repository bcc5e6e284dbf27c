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
    # Notifications (issue 4): subscribe-message template ids by template name (loan_result, loan_due,
    # new_request; a missing one keeps that notification in the app only). Pushes leave through the outbox
    # and the notifier on its stream, never from a request.
    wechat_templates: tuple[tuple[str, str], ...] = ()
    notify_max_attempts: int = 5
    due_soon_hours: float = 2.0
    escalation_hours: float = 0.0  # 0: escalation off; N: departments with loans overdue > N hours are blocked
    recall_answer_hours: float = 2.0  # a recall (调回) the ward has not answered for N hours is listed to managers
    # Devices waiting for disinfection longer than this are flagged to managers (GET /devices?status=cleaning)
    cleaning_alert_hours: float = 4.0
    booking_lead_hours: float = 2.0  # an approved booking becomes a loan holding a device this long before its start
    # Maintenance / calibration due within this many days: the scheduled check reminds the managers once
    upkeep_reminder_days: int = 7
    # Per-client limits on login + registration attempts: (attempts, window seconds); 0 attempts: no limit.
    login_limit_source: tuple[int, int] = (120, 60)
    login_limit_openid: tuple[int, int] = (10, 60)
    # Import jobs: who drives their steps after the creating request (thread | schedule), and how long
    # that request itself writes before answering.
    import_worker: str = "schedule"
    import_inline_seconds: float = 5.0
    # Certificate files of maintenance / calibration records: an S3 bucket (prod: the devices function's), or
    # a local folder (local stage without a bucket)
    certificate_bucket: str | None = None
    certificate_dir: str = ".data/certificates"
    # The purchase report's service target (docs/statistics.md, "Purchase decision"): emergencies served within
    # N minutes (0: at once) for a share of them, the other requests within M minutes for another share; and how
    # far before the period it reads loans still out at its start.
    purchase_emergency_minutes: float = 0.0
    purchase_emergency_share: float = 1.0
    purchase_other_minutes: float = 30.0
    purchase_other_share: float = 0.95
    purchase_lookback_days: int = 31

    def template_id(self, name: str) -> str | None:
        return dict(self.wechat_templates).get(name) or None

    @property
    def miniprogram_state(self) -> str:
        """Which mini program version a subscribe message opens."""
        return "formal" if self.stage == "prod" else "developer"

    @property
    def miniprogram_env_version(self) -> str:
        """Which mini program version a mini program code opens."""
        return "release" if self.stage == "prod" else "develop"

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
        wechat_templates=_templates(_env("MEDPOOL_WECHAT_TEMPLATES"), local),
        notify_max_attempts=int(_env("MEDPOOL_NOTIFY_MAX_ATTEMPTS", "5")),
        due_soon_hours=float(_env("MEDPOOL_DUE_SOON_HOURS", "2")),
        escalation_hours=float(_env("MEDPOOL_ESCALATION_HOURS", "0")),
        recall_answer_hours=float(_env("MEDPOOL_RECALL_ANSWER_HOURS", "2")),
        cleaning_alert_hours=float(_env("MEDPOOL_CLEANING_ALERT_HOURS", "4")),
        booking_lead_hours=float(_env("MEDPOOL_BOOKING_LEAD_HOURS", "2")),
        upkeep_reminder_days=int(_env("MEDPOOL_UPKEEP_REMINDER_DAYS", "7")),
        login_limit_source=_limit("MEDPOOL_LOGIN_LIMIT_SOURCE", "120/60"),
        login_limit_openid=_limit("MEDPOOL_LOGIN_LIMIT_OPENID", "10/60"),
        import_worker=_env("MEDPOOL_IMPORT_WORKER", "thread" if local else "schedule"),
        import_inline_seconds=float(_env("MEDPOOL_IMPORT_INLINE_SECONDS", "5")),
        certificate_bucket=_env("MEDPOOL_CERTIFICATE_BUCKET"),
        certificate_dir=_env("MEDPOOL_CERTIFICATE_DIR", ".data/certificates"),
        purchase_emergency_minutes=float(_env("MEDPOOL_PURCHASE_EMERGENCY_MINUTES", "0")),
        purchase_emergency_share=float(_env("MEDPOOL_PURCHASE_EMERGENCY_SHARE", "1")),
        purchase_other_minutes=float(_env("MEDPOOL_PURCHASE_OTHER_MINUTES", "30")),
        purchase_other_share=float(_env("MEDPOOL_PURCHASE_OTHER_SHARE", "0.95")),
        purchase_lookback_days=int(_env("MEDPOOL_PURCHASE_LOOKBACK_DAYS", "31")),
    )
    for name in ("purchase_emergency_share", "purchase_other_share"):
        if not 0 < getattr(settings, name) <= 1:
            raise ConfigurationError(f"MEDPOOL_{name.upper()} must be a share in (0, 1]")
    if settings.purchase_emergency_minutes < 0 or settings.purchase_other_minutes < 0 \
            or settings.purchase_lookback_days < 1:
        raise ConfigurationError("MEDPOOL_PURCHASE_*_MINUTES must be >= 0 and MEDPOOL_PURCHASE_LOOKBACK_DAYS >= 1")
    if settings.import_worker not in ("thread", "schedule"):
        raise ConfigurationError("MEDPOOL_IMPORT_WORKER must be thread or schedule")
    if stage == "prod":
        _check_production(settings)
    elif settings.dynamodb_endpoint:
        # DynamoDB Local accepts any credentials, but botocore insists on having some.
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    return settings


def _limit(name: str, default: str) -> tuple[int, int]:
    """`ATTEMPTS/SECONDS` (e.g. 10/60: ten attempts per minute); `0` switches the limit off."""
    value = _env(name, default)
    if value == "0":
        return (0, 60)
    attempts, _, seconds = value.partition("/")
    try:
        parsed = (int(attempts), int(seconds))
    except ValueError:
        parsed = (0, 0)
    if parsed[0] < 1 or parsed[1] < 1:
        raise ConfigurationError(f"{name} must be ATTEMPTS/SECONDS with both at least 1 (e.g. 10/60), or 0")
    return parsed


LOCAL_TEMPLATES = {"loan_result": "LOCAL_TEMPLATE_LOAN_RESULT", "loan_due": "LOCAL_TEMPLATE_LOAN_OVERDUE",
                   "new_request": "LOCAL_TEMPLATE_NEW_REQUEST"}


def _templates(value: str | None, local: bool) -> tuple[tuple[str, str], ...]:
    """MEDPOOL_WECHAT_TEMPLATES: JSON {"loan_result": id, "loan_due": id, "new_request": id}
    (the mini program's placeholders locally)."""
    if value is None:
        return tuple(sorted(LOCAL_TEMPLATES.items())) if local else ()
    try:
        parsed = json.loads(value)
    except ValueError as error:
        raise ConfigurationError("MEDPOOL_WECHAT_TEMPLATES must be a JSON object") from error
    if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
        raise ConfigurationError("MEDPOOL_WECHAT_TEMPLATES must map template names to template ids")
    return tuple(sorted(parsed.items()))


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
    for name in ("MEDPOOL_WECHAT_APP_SECRET", "MEDPOOL_TOKEN_SIGNING_KEY"):
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
    import botocore.session  # loaded by PynamoDB already; boto3 (and s3transfer) would add 40 ms to a cold start

    client = botocore.session.get_session().create_client("secretsmanager", region_name=settings.region)
    value = json.loads(client.get_secret_value(SecretId=settings.secret_id)["SecretString"])
    return Secrets(wechat_app_secret=value["wechat_app_secret"], token_signing_key=value["token_signing_key"])


def reset() -> None:
    """Forget cached settings and secrets (tests and the CLI change the environment)."""
    get_settings.cache_clear()
    get_secrets.cache_clear()
