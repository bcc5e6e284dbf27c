"""Unit tests run on moto (fast, in process). Conditions, transactions and races are proved on
DynamoDB Local in tests/integration."""
import pytest
from chalice.test import Client
from moto import mock_aws

from medpool.demo import seed_demo
from medpool.tables import create_tables
from tests.support import ApiClient, reconfigure


@pytest.fixture
def tables(wechat):
    with mock_aws():
        reconfigure(MEDPOOL_DYNAMODB_ENDPOINT="aws", MEDPOOL_TABLE_PREFIX="unit-")
        create_tables()
        yield


@pytest.fixture
def seeded(tables):
    seed_demo(devices_per_category=4)


@pytest.fixture
def api(seeded):
    """The whole app through Chalice's test client, on seeded demo data."""
    from app import app

    with Client(app) as client:
        yield ApiClient(chalice_client=client)


@pytest.fixture
def notifier(tables):
    """The notifier on this test's outbox stream (moto's), as `make run` runs it: `drain()` processes
    everything committed so far through the Lambda's own handler."""
    from local.notify_stream import StreamWorker
    from medpool.config import get_settings

    # moto answers streams only on the .amazonaws.com form of the endpoint (not China's .com.cn)
    return StreamWorker(streams_endpoint=f"https://streams.dynamodb.{get_settings().region}.amazonaws.com")
