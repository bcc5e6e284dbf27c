"""Test-wide setup: a local-stage configuration and the WeChat stand-in on a free port."""
import os

os.environ.update({
    "MEDPOOL_STAGE": "local",
    "MEDPOOL_TABLE_PREFIX": "medpool-test-",
    "MEDPOOL_TOKEN_SIGNING_KEY": "test-signing-key-of-at-least-32-bytes!",
    "AWS_DEFAULT_REGION": "cn-north-1",
    "AWS_REGION": "cn-north-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
})

import pytest  # noqa: E402

from local import wechat_standin  # noqa: E402
from tests.support import reconfigure  # noqa: E402


@pytest.fixture(scope="session")
def standin():
    """The WeChat stand-in, serving for the whole session; its state is reset per test by `wechat`."""
    server, state = wechat_standin.serve(0)
    os.environ["MEDPOOL_WECHAT_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield server, state
    server.shutdown()


@pytest.fixture
def wechat(standin):
    server, state = standin
    state.used_codes.clear()
    state.calls.clear()
    reconfigure(MEDPOOL_WECHAT_BASE_URL=f"http://127.0.0.1:{server.server_port}")
    return state
