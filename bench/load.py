"""`make run` under load: the API server as make run starts it (local/server.py on DynamoDB Local), 50
concurrent clients, each opening a new connection per request (as many phones do) through a round
of the loan loop's requests: apply, read the loan, cancel it, the availability board, the pending
queue. Prints connection errors (resets), 5xx, other unexpected answers, median and p95 latency."""
from __future__ import annotations

import statistics
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

CLIENTS, ROUNDS = 50, 4
NURSES = ("demo-nurse-icu", "demo-nurse-em")


@dataclass
class LoadResult:
    clients: int
    rounds: int
    statuses: Counter = field(default_factory=Counter)
    connection_errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # (method path status) answers other than the expected
    seconds: list[float] = field(default_factory=list)
    wall_seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.seconds) + len(self.connection_errors)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    def summary(self) -> str:
        median = statistics.median(self.seconds) if self.seconds else 0.0
        return (f"{self.clients} concurrent clients x {self.requests // self.clients} requests = {self.requests} "
                f"in {self.wall_seconds:.1f} s: resets/connection errors {len(self.connection_errors)}, "
                f"5xx {self.server_errors}, other unexpected {len(self.unexpected) - self.server_errors}, "
                f"latency median {median * 1000:.0f} ms, p95 {self.percentile(0.95) * 1000:.0f} ms")


def _login(url: str, openid: str) -> str:
    reply = requests.post(f"{url}/auth/login", json={"code": f"test:{openid}"}, timeout=60)
    reply.raise_for_status()
    return reply.json()["token"]


def drive(url: str, clients: int = CLIENTS, rounds: int = ROUNDS, timeout: float = 120) -> LoadResult:
    """Run the load against the API at `url` (demo data seeded) and return what happened."""
    tokens = {openid: _login(url, openid) for openid in NURSES + ("demo-manager",)}
    result = LoadResult(clients, rounds)
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def call(method: str, path: str, token: str, expected: int, **kwargs: object) -> requests.Response | None:
        started = time.perf_counter()
        try:
            reply = requests.request(method, url + path, headers={"Authorization": f"Bearer {token}",
                                                                  **kwargs.pop("headers", {})},
                                     timeout=timeout, **kwargs)
        except requests.RequestException as error:
            with lock:
                result.connection_errors.append(f"{method} {path}: {type(error).__name__}: {error}")
            return None
        with lock:
            result.seconds.append(time.perf_counter() - started)
            result.statuses[reply.status_code] += 1
            if reply.status_code != expected:
                result.unexpected.append(f"{method} {path} {reply.status_code} {reply.text[:200]}")
        return reply if reply.status_code == expected else None

    def client(number: int) -> None:
        nurse, manager = tokens[NURSES[number % len(NURSES)]], tokens["demo-manager"]
        barrier.wait()  # every client starts at the same moment
        for _ in range(rounds):
            created = call("POST", "/loans", nurse, 201, headers={"Idempotency-Key": uuid.uuid4().hex},
                           json={"category_id": "monitor", "urgency": "routine", "reason": "load check",
                                 "expected_return_at": _in_hours(24)})
            if created is not None:
                loan = created.json()["id"]
                call("GET", f"/loans/{loan}", nurse, 200)
                call("POST", f"/loans/{loan}/cancel", nurse, 200)
            call("GET", "/categories", nurse, 200)
            call("GET", "/loans?status=pending", manager, 200)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    result.wall_seconds = time.perf_counter() - started
    return result


def _in_hours(hours: float) -> str:
    from datetime import datetime, timedelta, timezone

    return (datetime.now(timezone.utc) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def run() -> None:
    from local import stack as local_stack

    stack = local_stack.start(with_api=True, table_prefix="bench-load-")
    try:
        result = drive(stack.api_url)
        print(f"   make run's API server: {result.summary()}")
        for line in (result.connection_errors + result.unexpected)[:5]:
            print(f"     {line}")
    finally:
        stack.stop()
