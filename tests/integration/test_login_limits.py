"""Per-client login limits under concurrency on DynamoDB Local (issue 10 item 9): the counter is one
atomic ADD, so N attempts at once over a limit of L admit exactly L, through the service and through
the real HTTP server."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from local import stack
from local.dynamodb_local import stop
from medpool.errors import Throttled
from medpool.models.rate_limit import RateLimitCounter
from medpool.services import rate_limits

WINDOW = 3600


def _fresh_window(seconds: int = WINDOW, margin: float = 120) -> None:
    """Start the test well inside one window, so that no attempt of it falls into the next one."""
    left = seconds - time.time() % seconds
    if left < margin:
        time.sleep(left + 0.1)


def _at_once(n, action):
    barrier = threading.Barrier(n)

    def attempt(i):
        barrier.wait()
        return action(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(attempt, range(n)))


def test_concurrent_hits_admit_exactly_the_limit():
    _fresh_window()

    def hit(i):
        try:
            rate_limits.hit("source", "race-client", 7, WINDOW)
            return "admitted"
        except Throttled as error:
            assert error.retry_after >= 1
            return "refused"

    outcomes = _at_once(25, hit)
    assert outcomes.count("admitted") == 7 and outcomes.count("refused") == 18
    start = int(time.time() // WINDOW * WINDOW)
    assert RateLimitCounter.get(f"auth#source#race-client#{start}").hits == 25


@pytest.fixture(scope="module")
def limited_api(real_tables, dynamodb_local, standin):
    """The HTTP API with tight limits: 5 attempts per openid, 12 per source, per hour."""
    server, _ = standin
    env = {"MEDPOOL_STAGE": "local", "MEDPOOL_DYNAMODB_ENDPOINT": dynamodb_local,
           "MEDPOOL_WECHAT_BASE_URL": f"http://127.0.0.1:{server.server_port}", "MEDPOOL_TABLE_PREFIX": real_tables,
           "MEDPOOL_LOGIN_LIMIT_OPENID": f"5/{WINDOW}", "MEDPOOL_LOGIN_LIMIT_SOURCE": f"12/{WINDOW}"}
    process, url = stack.start_api(env)
    yield url
    stop(process)


def _login(url, openid):
    reply = requests.post(f"{url}/auth/login", json={"code": f"test:{openid}"}, timeout=120)
    return reply.status_code, reply.headers.get("Retry-After"), reply.json()


def test_parallel_logins_over_the_limits_admit_exactly_the_limits(limited_api):
    _fresh_window()
    # One user, 10 logins at once: 5 sessions, 5 refusals (10 of the source's 12 attempts spent).
    outcomes = _at_once(10, lambda i: _login(limited_api, "demo-nurse-icu"))
    admitted = [body for status, _, body in outcomes if status == 200]
    refused = [(retry, body) for status, retry, body in outcomes if status == 429]
    assert len(admitted) == 5 and all(body["token"] for body in admitted)
    assert len(refused) == 5
    assert all(int(retry) >= 1 and body["error"]["code"] == "too_many_requests" for retry, body in refused)
    # Eight more logins of distinct users at once: only 2 attempts are left to the source.
    outcomes = _at_once(8, lambda i: _login(limited_api, ["demo-manager", "demo-admin", "demo-nurse-em"][i % 3]))
    assert sorted(status for status, _, _ in outcomes) == [200, 200] + [429] * 6
