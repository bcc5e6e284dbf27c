import pytest

from local import stack
from local.dynamodb_local import stop
from tests.support import ApiClient


@pytest.fixture(scope="module")
def live_api(real_tables, dynamodb_local, standin):
    """The real HTTP API (local/server.py, as `make run` serves it) on DynamoDB Local and the WeChat stand-in."""
    server, _ = standin
    env = {"MEDPOOL_STAGE": "local", "MEDPOOL_DYNAMODB_ENDPOINT": dynamodb_local,
           "MEDPOOL_WECHAT_BASE_URL": f"http://127.0.0.1:{server.server_port}", "MEDPOOL_TABLE_PREFIX": real_tables}
    process, url = stack.start_api(env)
    yield ApiClient(base_url=url)
    stop(process)
