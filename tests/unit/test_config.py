import pytest

from medpool.config import ConfigurationError, load_settings

PROD_OK = {
    "MEDPOOL_STAGE": "prod",
    "MEDPOOL_WECHAT_BASE_URL": "https://api.weixin.qq.com",
    "MEDPOOL_WECHAT_APPID": "wx1234567890",
    "MEDPOOL_SECRET_ID": "medpool/prod",
    "MEDPOOL_TABLE_PREFIX": "medpool-prod-",
    "MEDPOOL_DYNAMODB_ENDPOINT": "",
    "MEDPOOL_TOKEN_SIGNING_KEY": "",
    "MEDPOOL_WECHAT_APP_SECRET": "",
}


@pytest.fixture
def env(monkeypatch):
    def apply(**values):
        for key, value in values.items():
            monkeypatch.setenv(key, value)
    return apply


def test_local_stage_defaults_to_local_services(env):
    env(MEDPOOL_STAGE="local", MEDPOOL_DYNAMODB_ENDPOINT="", MEDPOOL_WECHAT_BASE_URL="", MEDPOOL_TABLE_PREFIX="")
    settings = load_settings()
    assert settings.dynamodb_endpoint == "http://127.0.0.1:8002"
    assert settings.wechat_base_url == "http://127.0.0.1:8001"
    assert settings.table_name("users") == "medpool-local-users"


def test_prod_stage_accepts_a_real_configuration(env):
    env(**PROD_OK)
    settings = load_settings()
    assert settings.dynamodb_endpoint is None and settings.table_name("loans") == "medpool-prod-loans"


@pytest.mark.parametrize("override", [
    {"MEDPOOL_WECHAT_BASE_URL": "http://127.0.0.1:8001"},
    {"MEDPOOL_WECHAT_BASE_URL": "https://localhost:8001"},
    {"MEDPOOL_WECHAT_BASE_URL": "http://api.weixin.qq.com"},
    {"MEDPOOL_DYNAMODB_ENDPOINT": "http://127.0.0.1:8002"},
    {"MEDPOOL_WECHAT_APPID": ""},
    {"MEDPOOL_SECRET_ID": ""},
    {"MEDPOOL_TOKEN_SIGNING_KEY": "dev-key"},
], ids=lambda o: ",".join(o))
def test_prod_stage_refuses_development_setups(env, override):
    env(**{**PROD_OK, **override})
    with pytest.raises(ConfigurationError):
        load_settings()


def test_unknown_stage_is_refused(env):
    env(MEDPOOL_STAGE="staging")
    with pytest.raises(ConfigurationError):
        load_settings()


def test_prod_secrets_come_from_secrets_manager(env):
    """Through the botocore PynamoDB has loaded already (boto3 would add to every cold start)."""
    import json

    from moto import mock_aws

    from medpool import config

    env(**PROD_OK, AWS_REGION="cn-north-1")
    config.reset()
    try:
        with mock_aws():
            import botocore.session

            client = botocore.session.get_session().create_client("secretsmanager", region_name="cn-north-1")
            client.create_secret(Name="medpool/prod", SecretString=json.dumps(
                {"wechat_app_secret": "app-secret", "token_signing_key": "k" * 64}))
            secrets = config.get_secrets()
        assert (secrets.wechat_app_secret, secrets.token_signing_key) == ("app-secret", "k" * 64)
    finally:
        config.reset()


def test_the_purchase_target_is_a_setting(env):
    env(MEDPOOL_STAGE="local", MEDPOOL_PURCHASE_OTHER_MINUTES="45", MEDPOOL_PURCHASE_OTHER_SHARE="0.9")
    settings = load_settings()
    assert (settings.purchase_emergency_minutes, settings.purchase_emergency_share) == (0.0, 1.0)
    assert (settings.purchase_other_minutes, settings.purchase_other_share) == (45.0, 0.9)
    for bad in ({"MEDPOOL_PURCHASE_OTHER_SHARE": "1.5"}, {"MEDPOOL_PURCHASE_EMERGENCY_SHARE": "0"},
                {"MEDPOOL_PURCHASE_OTHER_MINUTES": "-1"}, {"MEDPOOL_PURCHASE_LOOKBACK_DAYS": "0"}):
        env(**{"MEDPOOL_PURCHASE_OTHER_SHARE": "0.9", "MEDPOOL_PURCHASE_EMERGENCY_SHARE": "1",
               "MEDPOOL_PURCHASE_OTHER_MINUTES": "30", "MEDPOOL_PURCHASE_LOOKBACK_DAYS": "31", **bad})
        with pytest.raises(ConfigurationError):
            load_settings()
