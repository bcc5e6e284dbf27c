"""The access log and the audit chain on DynamoDB Local: what a loan's life costs on the request path (the line
is written to stdout only: calls per action unchanged), what copying its lines by subject into access_log costs
(off the request path), what `GET /access` reads, and how long `verify-records` takes per record."""
import io
import os
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

from chalice.test import Client

from local import stack as local_stack
from local.dynamodb_counter import count_dynamodb

LOANS = 20


def run() -> None:
    log_file = Path(tempfile.mkdtemp()) / "access.log"
    os.environ["MEDPOOL_ACCESS_LOG_FILE"] = str(log_file)
    stack = local_stack.start(with_api=False, table_prefix="bench-access-")
    try:
        from app import app
        from medpool.api.access_log import parse_lines
        from medpool.services import access_store
        from medpool.services.record_check import verify
        from tests.support import ApiClient, iso_in, label_scene

        with Client(app) as chalice_client, redirect_stdout(io.StringIO()):
            api = ApiClient(chalice_client=chalice_client)
            nurse, manager = api.login("demo-nurse-icu"), api.login("demo-manager")
            for n in range(LOANS):
                device = f"MON-00{1 + n % 4}"
                body = {"category_id": "monitor", "urgency": "routine", "reason": "基准",
                        "expected_return_at": iso_in(24)}
                loan = api.post("/loans", body, nurse, headers={"Idempotency-Key": f"bench-access-{n:04d}"}).body["id"]
                api.post(f"/loans/{loan}/approve", {"device_id": device}, manager)
                api.post(f"/loans/{loan}/handover", {"scan": label_scene(device)}, nurse)
                api.post(f"/loans/{loan}/confirm-return", {"condition": "ok", "scan": label_scene(device)}, manager)
                api.post(f"/devices/{device}/disinfection", {"method": "alcohol_75", "scan": label_scene(device)},
                         manager)
        lines = parse_lines(log_file.read_text(encoding="utf-8"))
        with count_dynamodb() as copy_usage:  # (the notifier thread's calls may be counted too: writes shown)
            started = time.perf_counter()
            items = access_store.ingest(lines)
            elapsed = time.perf_counter() - started
        print(f"   copying {len(lines)} access lines (a loan's life x {LOANS}: login, apply, approve, hand over, "
              f"confirm return, disinfect) -> {items} access_log items: {copy_usage.calls['BatchWriteItem']} "
              f"BatchWriteItem calls, {elapsed * 1000 / max(len(lines), 1):.2f} ms per line on DynamoDB Local "
              f"(the request path writes only the line: no DynamoDB call)")
        loan_id = next(line["subjects"]["loan"][0] for line in lines if line["operation"] == "handOverLoan")
        with Client(app) as chalice_client, redirect_stdout(io.StringIO()):
            api = ApiClient(chalice_client=chalice_client)
            manager = api.login("demo-manager")
            with count_dynamodb() as read_usage:
                api.get(f"/access?loan={loan_id}", manager)
        print(f"   GET /access?loan=: {read_usage.calls['GetItem']} GetItem (the session), {read_usage.calls['Query']} "
              f"Query (access_log, records) (other calls counted meanwhile, by the stack's notifier: "
              f"{read_usage.total_calls - read_usage.calls['GetItem'] - read_usage.calls['Query']})")
        started = time.perf_counter()
        results = list(verify())
        elapsed = time.perf_counter() - started
        records = sum(r.records for r in results)
        print(f"   verify-records: {len(results)} subjects, {records} records, {sum(not r.ok for r in results)} "
              f"broken, {elapsed:.2f} s ({elapsed * 1000 / max(records, 1):.2f} ms per record)")
    finally:
        stack.stop()
        os.environ.pop("MEDPOOL_ACCESS_LOG_FILE", None)
