"""The loan loop on DynamoDB Local: per action, DynamoDB calls, consumed capacity and median latency (also as
a ratio to one bare GetItem on the same engine), and the number of Scans (must be 0). Budget: <= 3 calls
(session check, one read, one TransactWrite; approve and extend +1 GetItem: the category's booking book, read
after the commit) and a median <= 4 x one bare GetItem.

A notified action puts one outbox event in its transaction; the notifier (not started here) resolves the
recipients and pushes, off the request path (bench/notify.py measures that path)."""
import statistics
import time

import boto3
from chalice.test import Client

from local import stack as local_stack
from local.dynamodb_counter import Usage, count_dynamodb

ROUNDS = 30
CALL_BUDGET, LATENCY_BUDGET = 3, 4.0


def _bare_get_item(endpoint: str, table: str):
    """One bare GetItem (boto3, no PynamoDB), timed: sampled before the run and again between the rounds, as
    DynamoDB Local's JVM warms up and the machine's load changes during the run."""
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="cn-north-1")

    def sample(times: int) -> list[float]:
        samples = []
        for _ in range(times):
            started = time.perf_counter()
            client.get_item(TableName=table, Key={"openid": {"S": "demo-manager"}})
            samples.append(time.perf_counter() - started)
        return samples
    return sample


def _bare_transaction(endpoint: str, table: str):
    """One bare TransactWriteItems of 6 conditional puts (boto3; the size of an approval): the floor of any
    state change on this engine, whatever it reads."""
    import uuid

    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="cn-north-1")

    def sample(times: int) -> list[float]:
        samples = []
        for _ in range(times):
            items = [{"Put": {"TableName": table, "Item": {"subject": {"S": f"bench#{uuid.uuid4().hex}"},
                                                           "record_key": {"S": "x"}},
                              "ConditionExpression": "attribute_not_exists(subject)"}} for _ in range(6)]
            started = time.perf_counter()
            client.transact_write_items(TransactItems=items)
            samples.append(time.perf_counter() - started)
        return samples
    return sample


def _flows(api, nurse, manager, scenes):
    """Per round: the whole loop on one loan (with the disinfection after the return), a rejected application, a
    cancelled approval, a recall refused then taken back, a calibration and a maintenance recorded; then the
    lists."""
    due = {}

    def apply(n, kind):
        return api.post("/loans", {"category_id": "monitor", "urgency": "urgent", "reason": "bench",
                                   "expected_return_at": due.setdefault((n, kind), _iso_in(24))}, nurse,
                        headers={"Idempotency-Key": f"bench-{kind}-{n:06d}"})

    return [
        [("apply (POST /loans)", lambda n, loan: apply(n, "loop")),
         ("approve", lambda n, loan: api.post(f"/loans/{loan}/approve", {"device_id": "MON-001"}, manager)),
         ("hand over", lambda n, loan: api.post(f"/loans/{loan}/handover", {"scan": scenes["MON-001"]}, nurse)),
         ("extend", lambda n, loan: api.post(f"/loans/{loan}/extend", {"expected_return_at": _iso_in(48),
                                                                       "reason": "bench"}, manager)),
         ("request return", lambda n, loan: api.post(f"/loans/{loan}/return-request", None, nurse)),
         ("confirm return", lambda n, loan: api.post(f"/loans/{loan}/confirm-return",
                                                     {"condition": "ok", "scan": scenes["MON-001"]}, manager)),
         ("record disinfection (scan)", lambda n, loan: api.post("/devices/MON-001/disinfection",
                                                                 {"method": "alcohol_75", "scan": scenes["MON-001"]},
                                                                 manager))],
        [("record calibration (next due given)",
          lambda n, loan: api.post("/devices/MON-003/maintenance-records",
                                   {"kind": "calibration", "result": "pass", "certificate_no": f"JD-{n}",
                                    "next_due": "2099-01-01"}, manager)),
         ("record maintenance (next due from the category)",
          lambda n, loan: api.post("/devices/MON-003/maintenance-records",
                                   {"kind": "maintenance", "result": "pass", "certificate_no": f"WB-{n}"}, manager))],
        [(None, lambda n, loan: apply(n, "reject")),
         ("reject", lambda n, loan: api.post(f"/loans/{loan}/reject", {"reason": "bench"}, manager))],
        [(None, lambda n, loan: apply(n, "cancel")),
         (None, lambda n, loan: api.post(f"/loans/{loan}/approve", {"device_id": "MON-002"}, manager)),
         ("cancel (approved: releases the device)", lambda n, loan: api.post(f"/loans/{loan}/cancel", None, nurse))],
        [(None, lambda n, loan: apply(n, "pick")),
         ("approve (no device named: the system picks one)",
          lambda n, loan: api.post(f"/loans/{loan}/approve", {}, manager)),
         (None, lambda n, loan: api.post(f"/loans/{loan}/cancel", None, nurse))],
        [(None, lambda n, loan: apply(n, "recall")),
         (None, lambda n, loan: api.post(f"/loans/{loan}/approve", {"device_id": "MON-003"}, manager)),
         (None, lambda n, loan: api.post(f"/loans/{loan}/handover", {"scan": scenes["MON-003"]}, nurse)),
         ("recall", lambda n, loan: api.post(f"/loans/{loan}/recall", {"reason": "bench",
                                                                               "return_by": _iso_in(3)}, manager)),
         ("answer recall (cannot)", lambda n, loan: api.post(f"/loans/{loan}/recall-answer",
                                                             {"accept": False, "reason": "bench"}, nurse)),
         ("open recalls (GET /loans?recall=open)", lambda n, loan: api.get("/loans?recall=open", manager)),
         (None, lambda n, loan: api.post(f"/loans/{loan}/confirm-return",
                                         {"condition": "ok", "scan": scenes["MON-003"]}, manager)),
         (None, lambda n, loan: api.post("/devices/MON-003/disinfection",
                                         {"method": "alcohol_75", "scan": scenes["MON-003"]}, manager))],
        [("pending queue (GET /loans?status=pending)", lambda n, loan: api.get("/loans?status=pending", manager)),
         ("availability board (GET /categories)", lambda n, loan: api.get("/categories", nurse)),
         ("waiting for disinfection (GET /devices?status=cleaning)",
          lambda n, loan: api.get("/devices?status=cleaning", manager)),
         ("due within 30 days (GET /devices?due_within_days=30)",
          lambda n, loan: api.get("/devices?due_within_days=30", manager))],
    ]


def _iso_in(hours: float) -> str:
    from tests.support import iso_in

    return iso_in(hours)


def run() -> None:
    # without the background notifier: its fan-out would be counted as the actions' DynamoDB calls
    stack = local_stack.start(with_api=False, table_prefix="bench-loans-", with_notifier=False)
    try:
        from app import app
        from medpool.config import get_settings
        from tests.support import ApiClient, label_scene

        bare_get_item = _bare_get_item(stack.dynamodb_url, get_settings().table_name("users"))
        before_run = statistics.median(bare_get_item(ROUNDS))
        during_run: list[float] = []
        bare_transaction = _bare_transaction(stack.dynamodb_url, get_settings().table_name("records"))
        transactions: list[float] = []
        usage_by_action: dict[str, list[Usage]] = {}
        seconds_by_action: dict[str, list[float]] = {}
        with Client(app) as chalice_client:
            api = ApiClient(chalice_client=chalice_client)
            nurse, manager = api.login("demo-nurse-icu"), api.login("demo-manager")
            # the interval a maintenance record without a next date takes it from
            api.put("/categories/monitor", {"maintenance_interval_days": 180}, manager)
            # the devices' printed labels, scanned at hand-over and at return
            scenes = {device_id: label_scene(device_id) for device_id in ("MON-001", "MON-002", "MON-003")}
            flows = _flows(api, nurse, manager, scenes)
            with count_dynamodb() as total:
                for n in range(ROUNDS):
                    during_run += bare_get_item(3)
                    transactions += bare_transaction(1)
                    for flow in flows:
                        loan = None
                        for name, action in flow:
                            with count_dynamodb() as usage:
                                started = time.perf_counter()
                                reply = action(n, loan)
                                elapsed = time.perf_counter() - started
                            assert reply.status in (200, 201), (name, reply.body)
                            loan = loan or reply.body.get("id")
                            if name:
                                usage_by_action.setdefault(name, []).append(usage)
                                seconds_by_action.setdefault(name, []).append(elapsed)
        baseline = statistics.median(during_run)
        print(f"   one bare GetItem: {baseline * 1000:.2f} ms (median of {len(during_run)} taken between the rounds; "
              f"{before_run * 1000:.2f} ms before the run); each action includes the session check (1 GetItem); "
              f"budget: <= {CALL_BUDGET} calls (approve, extend: +1 GetItem of the booking book), "
              f"<= {LATENCY_BUDGET:g} x GetItem")
        floor = statistics.median(transactions)
        print(f"   one bare TransactWriteItems of 6 puts: {floor * 1000:.2f} ms = {floor / baseline:.1f} x GetItem "
              f"(the floor of a state change on this engine)")
        print(f"   {'action':<44} {'calls':>5} {'capacity':>9} {'median ms':>10} {'x GetItem':>10}  calls by kind")
        for name, usages in usage_by_action.items():
            calls = statistics.mean(u.total_calls for u in usages)
            capacity = statistics.mean(u.capacity for u in usages)
            median = statistics.median(seconds_by_action[name])
            kinds = ", ".join(f"{op} {count / len(usages):g}" for op, count in
                              sum((u.calls for u in usages), start=type(usages[0].calls)()).items())
            print(f"   {name:<44} {calls:>5.1f} {capacity:>9.2f} {median * 1000:>10.1f} {median / baseline:>10.1f}  {kinds}")
        print(f"   Scans during the whole run: {total.calls.get('Scan', 0)}")
    finally:
        stack.stop()
