"""Notifications off the request path, on DynamoDB Local with the notifier reading the outbox stream (as
`make run` runs it) and the WeChat stand-in:
(a) emergency POST /loans median latency with 1 and with 12 active managers while the stand-in takes 1.5 s
    per message (the request writes one outbox event, whoever is told), as a ratio to one bare GetItem;
    and how long after the commit the last of 12 managers is told (the notifier tells them side by side);
(b) push latency from the commit (the API's answer) to the stand-in receiving the message through the
    stream worker: median and p95 over 30 pushes."""
import statistics
import time

from chalice.test import Client

from bench.loans import _bare_get_item
from local import stack as local_stack

ROUNDS = 20
PUSHES = 30
SLOW_WECHAT_SECONDS = 1.5


def _set_managers(count: int) -> int:
    """Exactly `count` active managers/admins (the demo admin and manager, then extra managers)."""
    from medpool.models.user import User
    from medpool.services.notify.fanout import managers

    wanted = ["demo-manager"] + [f"bench-manager-{n:02d}" for n in range(count - 1)]
    for openid in set(managers()) - set(wanted):
        if openid != "demo-admin" or count < 2:
            user = User.get(openid)
            user.status = "disabled"
            user.save()
    for openid in wanted:
        try:
            user = User.get(openid)
        except User.DoesNotExist:
            user = User(openid, name=openid, department_id="SBK", role="manager", status="active",
                        registered_at="2026-01-01T00:00:00Z")
        user.status = "active"
        user.save()
    return len(managers())


def _emergency_latency(api, nurse, tag: str) -> list[float]:
    from tests.support import iso_in

    samples = []
    for n in range(-1, ROUNDS):  # the first one warms up
        started = time.perf_counter()
        reply = api.post("/loans", {"category_id": "monitor", "urgency": "emergency", "reason": "bench",
                                    "expected_return_at": iso_in(12)}, nurse,
                         headers={"Idempotency-Key": f"bench-notify-{tag}-{n:04d}"})
        if n >= 0:
            samples.append(time.perf_counter() - started)
        assert reply.status == 201, reply.body
    return samples


def _all_told_seconds(api, nurse, wechat, managers: int) -> float:
    """One emergency request: seconds from its commit until every manager's push has arrived."""
    from tests.support import iso_in

    seen = len(wechat.sent)
    reply = api.post("/loans", {"category_id": "monitor", "urgency": "emergency", "reason": "bench",
                                "expected_return_at": iso_in(12)}, nurse,
                     headers={"Idempotency-Key": "bench-notify-all-told"})
    committed = time.time()
    loan_id = reply.body["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        arrived = [t for m, t in zip(wechat.sent[seen:], wechat.sent_times[seen:])
                   if m["data"]["character_string1"]["value"] == loan_id]
        if len(arrived) >= managers:
            return max(arrived) - committed
        time.sleep(0.01)
    raise TimeoutError("not every manager was told within 60 s")


def _push_latency(api, nurse, manager, wechat) -> list[float]:
    from tests.support import iso_in

    pending = []
    for n in range(PUSHES):
        reply = api.post("/loans", {"category_id": "ventilator", "urgency": "routine", "reason": "bench",
                                    "expected_return_at": iso_in(12)}, nurse,
                         headers={"Idempotency-Key": f"bench-push-{n:04d}"})
        pending.append(reply.body["id"])
    samples = []
    for loan_id in pending:
        seen = len(wechat.sent)
        reply = api.post(f"/loans/{loan_id}/reject", {"reason": "bench"}, manager)
        committed = time.time()
        assert reply.status == 200, reply.body
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            arrived = [t for m, t in zip(wechat.sent[seen:], wechat.sent_times[seen:])
                       if m["data"]["character_string1"]["value"] == loan_id]
            if arrived:
                samples.append(max(arrived[0] - committed, 0.0))
                break
            time.sleep(0.005)
        else:
            raise TimeoutError(f"the push of {loan_id} did not arrive within 10 s")
    return samples


def _settle(stack) -> None:
    """Let the notifier's backlog go (WeChat fast for a moment), then WeChat slow again."""
    delay, stack.wechat.send_delay = stack.wechat.send_delay, 0
    stack.notifier.drain()
    stack.wechat.send_delay = delay


def run() -> None:
    stack = local_stack.start(with_api=False, table_prefix="bench-notify-")
    try:
        from app import app
        from medpool.config import get_settings
        from tests.support import ApiClient

        baseline = statistics.median(_bare_get_item(stack.dynamodb_url, get_settings().table_name("users"))(30))
        print(f"   one bare GetItem: {baseline * 1000:.2f} ms; the notifier reads the outbox stream in a thread")
        with Client(app) as chalice_client:
            api = ApiClient(chalice_client=chalice_client)
            nurse, manager = api.login("demo-nurse-icu"), api.login("demo-manager")
            stack.wechat.send_delay = SLOW_WECHAT_SECONDS
            print(f"   (a) emergency POST /loans, WeChat stand-in answering each message in {SLOW_WECHAT_SECONDS} s")
            for count in (1, 12):
                active = _set_managers(count)
                _settle(stack)  # start each configuration without a backlog of slow pushes
                samples = _emergency_latency(api, nurse, f"m{count}")
                median = statistics.median(samples)
                print(f"       {active:>2} active managers: median {median * 1000:7.1f} ms = "
                      f"{median / baseline:5.1f} x GetItem (max {max(samples) * 1000:.1f} ms, {ROUNDS} requests)")
            _settle(stack)
            told = _all_told_seconds(api, nurse, stack.wechat, 12)
            print(f"       the last of 12 managers told {told:.1f} s after the commit "
                  f"(one by one it would be {12 * SLOW_WECHAT_SECONDS:.0f} s)")
            stack.wechat.send_delay = 0
            _set_managers(1)
            samples = sorted(_push_latency(api, nurse, manager, stack.wechat))
            p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
            print(f"   (b) push latency, commit -> stand-in through the stream worker ({PUSHES} rejections): "
                  f"median {statistics.median(samples) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
                  f"max {samples[-1] * 1000:.0f} ms")
    finally:
        stack.stop()
