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
