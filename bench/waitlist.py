"""The waiting list end to end through the API on DynamoDB Local, with the notifier on the outbox stream (as
`make run` runs it): a category of 2 devices and 4 requests (one emergency) -> 2 approved, 2 waiting with
positions; a return -> disinfection -> the emergency heading the queue gets the device (the system reserves
it); a recall of the other device; a device past its calibration refused. Each step prints what the ward and
the managers see, and the DynamoDB calls of the new actions."""
from datetime import timedelta

from chalice.test import Client

from local import stack as local_stack
from local.dynamodb_counter import count_dynamodb

CATEGORY = "surge-hf"  # a category of its own, 2 devices (the demo's categories keep their data)


def _iso_in(hours: float) -> str:
    from medpool import clock

    return clock.to_iso(clock.now() + timedelta(hours=hours))


def _calls(usage) -> str:
    return f"{usage.total_calls} calls ({', '.join(f'{op} {n}' for op, n in usage.calls.items())})"


def run() -> None:
    stack = local_stack.start(with_api=False, table_prefix="bench-waitlist-", with_notifier=False)
    try:
        from app import app
        from local.notify_stream import StreamWorker
        from tests.support import ApiClient, label_scene

        worker = StreamWorker()
        with Client(app) as chalice_client:
            api = ApiClient(chalice_client=chalice_client)
            manager, icu, em = api.login("demo-manager"), api.login("demo-nurse-icu"), api.login("demo-nurse-em")
            created = api.post("/categories", {"id": CATEGORY, "name": "高流量（演练）", "rate_fen": 800, "rate_unit": "hour",
                                     "max_loan_hours": 168, "auto_reserve_emergency": True}, manager)
            assert created.status == 201, created.body
            for device in ("HF-001", "HF-002"):
                assert api.post("/devices", {"id": device, "category_id": CATEGORY, "name": "高流量湿化治疗仪",
                                             "owner_department_id": "SBK"}, manager).status == 201
            worker.drain()

            def apply(token, urgency, key):
                with count_dynamodb() as usage:
                    reply = api.post("/loans", {"category_id": CATEGORY, "urgency": urgency, "reason": "呼吸衰竭",
                                                "expected_return_at": _iso_in(24)}, token,
                                     headers={"Idempotency-Key": key})
                body = reply.body
                print(f"   POST /loans {urgency:<9} -> {reply.status} {body['id']} queue={body['queue']} "
                      f"queued_at={'set' if body['queued_at'] else None}; {_calls(usage)}")
                return body["id"]

            print("   a category of 2 devices (automatic reservation for emergencies on), 4 requests:")
            first, second = apply(icu, "routine", "bw-r1-000001"), apply(em, "urgent", "bw-u1-000001")
            for loan in (first, second):
                with count_dynamodb() as usage:
                    approved = api.post(f"/loans/{loan}/approve", {}, manager).body
                print(f"   approve {loan} (no device named) -> {approved['status']} {approved['device_id']}; "
                      f"{_calls(usage)}")
            third, emergency = apply(icu, "routine", "bw-r2-000001"), apply(em, "emergency", "bw-e1-000001")
            with count_dynamodb() as usage:
                pending = api.get("/loans?status=pending", manager).body["items"]
            print(f"   GET /loans?status=pending -> "
                  f"{[(loan['id'], loan['urgency'], loan['queue']['position']) for loan in pending]}; {_calls(usage)}")
            board = next(c for c in api.get("/categories", icu).body["items"] if c["id"] == CATEGORY)
            print(f"   board: available {board['availability']['available']}, queue_length {board['queue_length']}")

            device = api.get(f"/loans/{first}", icu).body["device_id"]
            api.post(f"/loans/{first}/handover", {"scan": label_scene(device)}, icu)
            api.post(f"/loans/{first}/return-request", None, icu)
            api.post(f"/loans/{first}/confirm-return", {"condition": "ok", "scan": label_scene(device)}, manager)
            print(f"   {device} returned -> {api.get(f'/devices/{device}', manager).body['status']}")
            scan = label_scene(device)
            with count_dynamodb() as usage:
                api.post(f"/devices/{device}/disinfection", {"method": "alcohol_75", "scan": scan}, manager)
            print(f"   disinfection recorded (puts the device_freed event in its transaction): {_calls(usage)}")
            worker.drain()
            got = api.get(f"/loans/{emergency}", em).body
            print(f"   the notifier -> emergency {emergency}: {got['status']}, device {got['device_id']}, "
                  f"approved_by {got['approved_by']}, auto_reserved {got['auto_reserved']}")
            told = api.get("/notifications", manager).body["items"][0]
            print(f"   managers told: {told['title']} / {told['body']}")
            print(f"   the routine request {third} now: queue={api.get(f'/loans/{third}', icu).body['queue']}")

            other = api.get(f"/loans/{second}", em).body["device_id"]
            api.post(f"/loans/{second}/handover", {"scan": label_scene(other)}, em)
            recalled = api.post(f"/loans/{second}/recall", {"reason": "急诊抢救需要", "return_by": _iso_in(2)},
                                manager).body
            print(f"   recall of {other} ({second}): recall_state {recalled['recall_state']}, "
                  f"due {recalled['expected_return_at']}")

            api.post(f"/loans/{emergency}/cancel", None, em)  # the emergency's device comes back unused
            worker.drain()
            recorded = api.post(f"/devices/{device}/maintenance-records",  # a calibration found to be out of date
                                {"kind": "calibration", "result": "pass", "performed_on": "2025-01-02",
                                 "certificate_no": "JD-2025-001", "next_due": "2026-01-02"}, manager)
            assert recorded.status == 200, recorded.body
            late = apply(icu, "emergency", "bw-e2-000001")
            refused = api.post(f"/loans/{late}/approve", {"device_id": device}, manager)
            print(f"   approve with {device} past its calibration -> {refused.status} {refused.body['error']['code']}: "
                  f"{refused.body['error']['message']}")
    finally:
        stack.stop()
