"""Test-wide setup: a local-stage configuration and the WeChat stand-in on a free port."""
import os
import tempfile

os.environ.update({
    "MEDPOOL_STAGE": "local",
    "MEDPOOL_TABLE_PREFIX": "medpool-test-",
    "MEDPOOL_TOKEN_SIGNING_KEY": "test-signing-key-of-at-least-32-bytes!",
    "AWS_DEFAULT_REGION": "cn-north-1",
    "AWS_REGION": "cn-north-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
})
# certificate files (services/certificates) go to a throwaway folder, not the worktree's .data/
os.environ.setdefault("MEDPOOL_CERTIFICATE_DIR", tempfile.mkdtemp(prefix="medpool-certificates-"))

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


@pytest.fixture(scope="session")
def dynamodb_local():
    """DynamoDB Local (Amazon's engine), in memory on a free port, for the whole test session."""
    from local import stack

    process, url = stack.start_dynamodb()
    yield url
    from local.dynamodb_local import stop
    stop(process)


@pytest.fixture(scope="module")
def real_tables(dynamodb_local, standin, request):
    """Fresh tables on DynamoDB Local for one test module, seeded with the demo data; dropped afterwards."""
    import uuid

    from medpool.demo import seed_demo
    from medpool.tables import create_tables, delete_tables

    server, _ = standin
    prefix = f"it-{request.module.__name__.rsplit('.', 1)[-1]}-{uuid.uuid4().hex[:6]}-"
    reconfigure(MEDPOOL_DYNAMODB_ENDPOINT=dynamodb_local, MEDPOOL_TABLE_PREFIX=prefix,
                MEDPOOL_WECHAT_BASE_URL=f"http://127.0.0.1:{server.server_port}")
    create_tables()
    seed_demo()
    yield prefix
    reconfigure(MEDPOOL_DYNAMODB_ENDPOINT=dynamodb_local, MEDPOOL_TABLE_PREFIX=prefix)
    delete_tables()


@pytest.fixture(scope="module")
def real_api(real_tables):
    """The whole app (Chalice test client) on DynamoDB Local."""
    from chalice.test import Client

    from app import app
    from tests.support import ApiClient

    with Client(app) as client:
        yield ApiClient(chalice_client=client)
