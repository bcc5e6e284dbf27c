"""The loan loop on DynamoDB Local: DynamoDB calls, consumed capacity and median latency per action
(as a ratio to one bare GetItem on the same engine), and the number of Scans (must be 0)."""
import statistics
import time

import boto3
from chalice.test import Client

from local import stack as local_stack
from local.dynamodb_counter import count_dynamodb

ROUNDS = 30


def _bare_get_item_seconds(endpoint: str, table: str) -> float:
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="cn-north-1")
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        client.get_item(TableName=table, Key={"openid": {"S": "demo-manager"}})
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run() -> None:
    # without the background notifier: its fan-out would be counted as the actions' DynamoDB calls
    stack = local_stack.start(with_api=False, table_prefix="bench-loans-", with_notifier=False)
    try:
        from app import app
        from medpool.config import get_settings
        from tests.support import ApiClient, iso_in, label_scene

        baseline = _bare_get_item_seconds(stack.dynamodb_url, get_settings().table_name("users"))
        with Client(app) as chalice_client:
            api = ApiClient(chalice_client=chalice_client)
            nurse, manager = api.login("demo-nurse-icu"), api.login("demo-manager")
            scene = label_scene("MON-001")  # the device's printed label, scanned at hand-over and at return
            actions = {
                "apply (POST /loans)": lambda n, loan: api.post(
                    "/loans", {"category_id": "monitor", "urgency": "urgent", "reason": "bench",
                               "expected_return_at": iso_in(24)}, nurse, headers={"Idempotency-Key": f"bench-{n:06d}"}),
                "approve": lambda n, loan: api.post(f"/loans/{loan}/approve", {"device_id": "MON-001"}, manager),
                "hand over": lambda n, loan: api.post(f"/loans/{loan}/handover", {"scan": scene}, nurse),
                "request return": lambda n, loan: api.post(f"/loans/{loan}/return-request", None, nurse),
                "confirm return": lambda n, loan: api.post(f"/loans/{loan}/confirm-return",
                                                           {"condition": "ok", "scan": scene}, manager),
                "pending queue (GET /loans?status=pending)": lambda n, loan: api.get("/loans?status=pending",
                                                                                      manager),
                "availability board (GET /categories)": lambda n, loan: api.get("/categories", nurse),
            }
            usage_by_action = {name: [] for name in actions}
            seconds_by_action = {name: [] for name in actions}
            with count_dynamodb() as total:
                for n in range(ROUNDS):
                    loan = None
                    for name, action in actions.items():
                        with count_dynamodb() as usage:
                            started = time.perf_counter()
                            reply = action(n, loan)
                            seconds_by_action[name].append(time.perf_counter() - started)
                        assert reply.status in (200, 201), (name, reply.body)
                        loan = loan or reply.body["id"]
                        usage_by_action[name].append(usage)
        print(f"   one bare GetItem: {baseline * 1000:.2f} ms (median of {ROUNDS}); each action includes the "
              f"session check (1 GetItem)")
        print(f"   {'action':<44} {'calls':>5} {'capacity':>9} {'median ms':>10} {'x GetItem':>10}  calls by kind")
        for name in actions:
            usages = usage_by_action[name]
            calls = statistics.mean(u.total_calls for u in usages)
            capacity = statistics.mean(u.capacity for u in usages)
            median = statistics.median(seconds_by_action[name])
            kinds = ", ".join(f"{op} {count / len(usages):g}" for op, count in
                              sum((u.calls for u in usages), start=type(usages[0].calls)()).items())
            print(f"   {name:<44} {calls:>5.1f} {capacity:>9.2f} {median * 1000:>10.1f} {median / baseline:>10.1f}  "
                  f"{kinds}")
        print(f"   Scans during the whole run: {total.calls.get('Scan', 0)}")
    finally:
        stack.stop()
