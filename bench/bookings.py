"""Bookings (预约) on DynamoDB Local: 20 racing bookings for the last unit of a category (threads, each its own
key; exactly one must win, 19 get 409 booking_full), then the DynamoDB calls and median time of each booking
action through the API (the session check included), the scheduled run turning one booking into a loan, and
the conflict check after a device goes to maintenance. Scans: 0."""
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from chalice.test import Client

from local import stack as local_stack
from local.dynamodb_counter import Usage, count_dynamodb

RACERS, ROUNDS = 20, 10


def _category(api, manager, category_id: str, devices: int) -> None:
    assert api.post("/categories", {"id": category_id, "name": category_id, "rate_fen": 100, "rate_unit": "hour",
                                    "max_loan_hours": 72}, manager).status == 201
    for n in range(1, devices + 1):
        assert api.post("/devices", {"id": f"{category_id}-{n}", "category_id": category_id, "name": f"{n}",
                                     "owner_department_id": "SBK"}, manager).status == 201


def _race(category_id: str) -> tuple[Counter, float]:
    from medpool.models.user import User
    from medpool.services.bookings import flow
    from tests.support import iso_in

    barrier = threading.Barrier(RACERS)
    users = [User.get("demo-nurse-icu"), User.get("demo-nurse-em")]
    request = flow.BookingRequest(category_id, None, iso_in(30), iso_in(34), "择期手术")

    def attempt(n: int) -> str:
        barrier.wait()
        try:
            flow.create(users[n % 2], request, f"bench-race-{category_id}-{n:03d}")
            return "won"
        except Exception as error:  # noqa: BLE001 - counted by code
            return getattr(error, "code", type(error).__name__)

    started = time.perf_counter()
    with ThreadPoolExecutor(RACERS) as pool:
        outcomes = Counter(pool.map(attempt, range(RACERS)))
    return outcomes, time.perf_counter() - started


def run() -> None:
    stack = local_stack.start(with_api=False, table_prefix="bench-bookings-", with_notifier=False)
    try:
        from app import app
        from medpool.models.user import User
        from medpool.services import devices
        from medpool.services.bookings import conversion
        from tests.support import ApiClient, iso_in

        with Client(app) as chalice_client:
            api = ApiClient(chalice_client=chalice_client)
            nurse, manager = api.login("demo-nurse-icu"), api.login("demo-manager")
            with count_dynamodb() as total:
                _category(api, manager, "race", 1)
                outcomes, seconds = _race("race")
                print(f"   {RACERS} racing bookings for the last unit: {dict(outcomes)} in {seconds * 1000:.0f} ms "
                      f"(must be won: 1, booking_full: {RACERS - 1})")
                _category(api, manager, "bk", 2 * ROUNDS)
                usages: dict[str, list[Usage]] = {}
                times: dict[str, list[float]] = {}

                def measure(name, call):
                    with count_dynamodb() as usage:
                        started = time.perf_counter()
                        reply = call()
                        times.setdefault(name, []).append(time.perf_counter() - started)
                    assert reply.status in (200, 201), (name, reply.body)
                    usages.setdefault(name, []).append(usage)
                    return reply.body

                for n in range(ROUNDS):
                    start = 24 + n * 10
                    body = {"category_id": "bk", "start_at": iso_in(start), "end_at": iso_in(start + 4),
                            "reason": "择期手术"}
                    kept = measure("create (category)", lambda: api.post(
                        "/bookings", body, nurse, headers={"Idempotency-Key": f"bench-keep-{n:04d}"}))
                    measure("approve", lambda: api.post(f"/bookings/{kept['id']}/approve", None, manager))
                    measure("move", lambda: api.post(f"/bookings/{kept['id']}/move", {
                        "start_at": iso_in(start + 1), "end_at": iso_in(start + 5)}, manager))
                    gone = measure("create (device)", lambda: api.post(
                        "/bookings", {**body, "device_id": f"bk-{n + 1}"}, nurse,
                        headers={"Idempotency-Key": f"bench-gone-{n:04d}"}))
                    measure("reject", lambda: api.post(f"/bookings/{gone['id']}/reject", {"reason": "检修"}, manager))
                    third = api.post("/bookings", {**body, "start_at": iso_in(start + 6), "end_at": iso_in(start + 7)},
                                     nurse, headers={"Idempotency-Key": f"bench-cncl-{n:04d}"}).body
                    measure("cancel (ward)", lambda: api.post(f"/bookings/{third['id']}/cancel", None, nurse))
                    measure("list (category, ahead)", lambda: api.get("/bookings?category_id=bk", manager))
                    measure("list (ward)", lambda: api.get("/bookings", nurse))
                print(f"   {'action (through the API)':<32} {'calls':>5} {'median ms':>10}  calls by kind")
                for name, found in usages.items():
                    kinds = ", ".join(f"{op} {count / len(found):g}" for op, count in
                                      sum((u.calls for u in found), start=Counter()).items())
                    print(f"   {name:<32} {statistics.mean(u.total_calls for u in found):>5.1f} "
                          f"{statistics.median(times[name]) * 1000:>10.1f}  {kinds}")
                soon = api.post("/bookings", {"category_id": "bk", "start_at": iso_in(1), "end_at": iso_in(3),
                                              "reason": "择期手术"}, nurse,
                                headers={"Idempotency-Key": "bench-soon-0001"}).body
                api.post(f"/bookings/{soon['id']}/approve", None, manager)
                with count_dynamodb() as usage:
                    started = time.perf_counter()
                    result = conversion.run()
                    elapsed = time.perf_counter() - started
                print(f"   scheduled run, {result.read} booking(s) near, {len(result.fulfilled)} made a loan: "
                      f"{usage.summary()}, {elapsed * 1000:.0f} ms")
                with count_dynamodb() as usage:
                    devices.update_device(User.get("demo-manager"), "bk-20", {"status": "maintenance",
                                                                             "status_reason": "基准"})
                print(f"   device to maintenance with {ROUNDS} live bookings of its category (update + "
                      f"conflict check): {usage.summary()}")
            print(f"   Scans during the whole run: {total.calls.get('Scan', 0)}")
    finally:
        stack.stop()
