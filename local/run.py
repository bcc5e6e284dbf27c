"""`make run`: DynamoDB Local (data on disk), tables, demo data, the WeChat stand-in, the notifier on the
outbox table's stream (local/notify_stream.py: what the notify Lambda does in AWS) and the API on :8000.
Ctrl-C stops everything it started; the next run finds the data again."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import requests

from local import dynamodb_local, wechat_standin
from local.stack import server_command

API_PORT, WECHAT_PORT, DYNAMODB_PORT = 8000, 8001, 8002
DATA_DIR = dynamodb_local.ROOT / ".data"



def _counters_for_old_data(created: list[str]) -> None:
    """Data kept in .data/ from before the statistics counters: fill the new counters table from the ledger."""
    from medpool.models import LedgerCounter, LedgerEntry

    if LedgerCounter.Meta.table_name in created and LedgerEntry.Meta.table_name not in created:
        from medpool.services.stat_counters.rebuild import rebuild_counters

        print(f"statistics counters rebuilt from the ledger: {rebuild_counters()}", flush=True)

def _configure_environment() -> None:
    os.environ.update({
        "MEDPOOL_STAGE": "local",
        "MEDPOOL_DYNAMODB_ENDPOINT": f"http://127.0.0.1:{DYNAMODB_PORT}",
        "MEDPOOL_WECHAT_BASE_URL": f"http://127.0.0.1:{WECHAT_PORT}",
        "MEDPOOL_TABLE_PREFIX": "medpool-local-",
        "MEDPOOL_ACCESS_LOG_FILE": str(DATA_DIR / "access.log"),  # the access log's lines, also on stdout
    })


def _check_ports() -> None:
    busy = [port for port in (API_PORT, WECHAT_PORT, DYNAMODB_PORT) if dynamodb_local.port_open(port)]
    if busy:
        sys.exit(f"ports in use: {busy}. Is another `make run` running? Stop it first.")


def _wait_for_api(process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the API (local/server.py) exited; see the output above")
        try:
            if requests.get(f"http://127.0.0.1:{API_PORT}/health", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise TimeoutError("the API did not answer /health in time")


def _banner() -> str:
    from medpool.demo import ACCOUNTS

    lines = [
        "",
        f"MedPool is running: API http://127.0.0.1:{API_PORT}  (OpenAPI: /openapi.json)",
        f"  DynamoDB Local http://127.0.0.1:{DYNAMODB_PORT} (data in .data/dynamodb)",
        f"  WeChat stand-in http://127.0.0.1:{WECHAT_PORT}; the notifier reads the outbox stream and pushes to it",
        "Log in as a demo account (the stand-in resolves the code test:<openid> to that openid):",
    ]
    for openid, name, department, role, status in ACCOUNTS:
        lines.append(f"  {role:<9} {name} ({department}, {status}): code test:{openid}")
    lines += [
        "  e.g. curl -s -X POST http://127.0.0.1:8000/auth/login -H 'Content-Type: application/json' "
        "-d '{\"code\": \"test:demo-admin\"}'",
        "  then send the token as 'Authorization: Bearer <token>'.",
        "Mini program: open miniprogram/ in WeChat DevTools (skip domain checks for the local API).",
        "Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    _check_ports()
    _configure_environment()
    children: list[subprocess.Popen] = []

    notifier = None

    def shutdown(*_: object) -> None:
        if notifier is not None:
            notifier.stop()
        for child in reversed(children):
            dynamodb_local.stop(child)
        sys.exit(0)

    signal.signal(signal.SIGTERM, shutdown)
    try:
        print("starting DynamoDB Local ...", flush=True)
        children.append(dynamodb_local.start(DYNAMODB_PORT, DATA_DIR / "dynamodb", DATA_DIR / "dynamodb.log"))
        from medpool.demo import seed_demo
        from medpool.tables import create_tables

        created = create_tables()
        print(f"tables: {len(created)} created", flush=True)
        _counters_for_old_data(created)
        print("demo data: " + ", ".join(f"{n} {kind} created" for kind, n in seed_demo(demo_year=True).items()), flush=True)
        from medpool.services import availability  # data kept from before the counts existed: count it once

        corrected = [row["category_id"] for row in availability.recount("make-run") if row["changed"]]
        if corrected:
            print(f"availability counts recomputed: {', '.join(corrected)}", flush=True)
        from medpool.services.users import reindex_roles

        reindex_roles()  # data from before the users' role index (idempotent)
        wechat_standin.serve(WECHAT_PORT)
        from local.notify_stream import StreamWorker

        notifier = StreamWorker().start(sweep_first=True)
        from local.access_tail import AccessTail  # the access log by subject (GET /access), off the request path

        AccessTail(DATA_DIR / "access.log").start()
        children.append(subprocess.Popen(server_command(API_PORT), cwd=dynamodb_local.ROOT, start_new_session=True))
        _wait_for_api(children[-1])
        print(_banner(), flush=True)
        children[-1].wait()
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
    finally:
        shutdown()


if __name__ == "__main__":
    main()
