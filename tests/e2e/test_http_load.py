"""`make run` holds 50 concurrent clients (issue 10 item 13): no connection reset, no 5xx. Timings are
printed by `make bench` (bench/load.py), never asserted."""
import pytest

from bench.load import drive

pytestmark = pytest.mark.e2e


def test_fifty_concurrent_clients_get_no_reset_and_no_5xx(live_api):
    result = drive(live_api.base_url, clients=50, rounds=2)
    assert result.requests == 50 * 2 * 5
    assert result.connection_errors == [], result.connection_errors[:5]
    assert result.server_errors == 0 and result.unexpected == [], result.unexpected[:5]
