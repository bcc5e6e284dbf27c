"""On DynamoDB Local: a loan import is a job written in transactions (each loan with its record and
ledger entries and the job's cursor), so a job killed anywhere resumes exactly where it stopped, a
re-import repairs what an old non-atomic import left out, and two drivers at once write each loan once."""
import threading
from datetime import date, datetime, timedelta, timezone

import pytest

from medpool import clock
from medpool.models.import_chunk import ImportChunk
from medpool.models.ledger import LedgerEntry
from medpool.models.loan import Loan
from medpool.models.record import Record
from medpool.services import billing, importing, stats
from medpool.services.imports import jobs, worker, writer
from medpool.services.stat_counters.rebuild import rebuild_counters
from tests.support import reconfigure

HEADER = "device_id,category_id,department_id,requested_at,approved_at,handed_over_at,returned_at,condition"
MONTHS = ("2025-06", "2025-07", "2025-08", "2025-09", "2025-10")
ROWS = 70


def _file() -> bytes:
    """70 loans on four monitors, June..September 2025, lengths 30..99 h (some cross a month end)."""
    lines, start = [HEADER], datetime(2025, 6, 1, 8, 0, tzinfo=timezone.utc)
    for i in range(ROWS):
        device = f"MON-00{i % 4 + 1}"
        out = start + timedelta(days=(i // 4) * 5 + (i % 4))
        back = out + timedelta(hours=30 + i)
        iso = clock.to_iso
        lines.append(",".join([device, "monitor", ("ICU", "EM")[i % 2], iso(out - timedelta(hours=2)),
                               iso(out - timedelta(hours=1)), iso(out), iso(back), ("ok", "damaged")[i % 7 == 0]]))
    return ("\n".join(lines) + "\n").encode()


def _figures() -> dict:
    """What billing and statistics say about the file's months."""
    bills = {month: {k: v for k, v in billing.monthly_billing(month).items() if k != "as_of"} for month in MONTHS}
    figures = stats.period_stats(date(2025, 6, 1), date(2025, 10, 31))
    figures.pop("as_of")
    return {"billing": bills, "stats": figures}


def _wipe(rows: list[dict]) -> None:
    """Forget the file's loans entirely (test only), so the same file can be imported again from nothing."""
    for row in rows:
        Loan(row["id"]).delete(add_version_condition=False)
        for record in Record.query(f"loan#{row['id']}"):
            record.delete()
    for month in MONTHS:
        for entry in LedgerEntry.query(month):
            if entry.kind == "loan" and any(entry.loan_id == row["id"] for row in rows):
                entry.delete()
    rebuild_counters()  # the statistics counters follow the ledger


@pytest.fixture(scope="module", autouse=True)
def _no_background_thread(real_tables):
    """Drivers are called by the tests themselves."""
    import os

    reconfigure(MEDPOOL_IMPORT_WORKER="schedule")
    yield
    os.environ.pop("MEDPOOL_IMPORT_WORKER")
    reconfigure()


@pytest.fixture(scope="module")
def clean(real_tables):
    """The figures of a clean, uninterrupted import of the file, then the file's loans wiped again."""
    rows = importing.validate_loans(_file(), "csv")
    job = worker.drive(jobs.create("demo-manager", rows, "csv").id)
    assert (job.status, job.imported, job.cursor) == ("done", ROWS, ROWS)
    figures = _figures()
    assert figures["billing"]["2025-06"]["total_fen"] > 0
    _wipe(rows)
    assert _figures() != figures
    return figures


def _imported_state(rows):
    loans = [Loan.get(row["id"]) for row in rows]
    records = {row["id"]: [r for r in Record.query(f"loan#{row['id']}") if r.action == "loan.import"] for row in rows}
    return loans, records


def test_a_job_killed_mid_way_resumes_and_equals_a_clean_import(clean, monkeypatch):
    rows = importing.validate_loans(_file(), "csv")
    job = jobs.create("demo-manager", rows, "csv")
    assert ImportChunk.get(job.id, 0).rows[0]["id"] == rows[0]["id"]
    first = jobs.step(job.id, seconds=60, max_rows=23)
    assert (first.status, first.cursor, first.imported) == ("running", 23, 23)

    calls = {"n": 0}
    real_create = writer._create

    def dies_on_the_third_group(job_, group):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("the Lambda was killed")  # not an Exception: nothing records it
        return real_create(job_, group)

    monkeypatch.setattr(writer, "_create", dies_on_the_third_group)
    with pytest.raises(KeyboardInterrupt):
        jobs.step(job.id, seconds=60)
    monkeypatch.undo()
    killed = jobs.get(job.id)
    assert killed.status == "running" and killed.cursor == 23 + 2 * writer.GROUP_ROWS

    done = worker.drive(job.id)  # the next driver continues from the cursor
    assert (done.status, done.cursor, done.imported, done.already_imported, done.repaired) == (
        "done", ROWS, ROWS, 0, 0)
    assert _figures() == clean
    loans, records = _imported_state(rows)
    assert all(loan.status == "returned" for loan in loans)
    assert all(len(found) == 1 for found in records.values())  # one import record per loan, no duplicate
    assert list(ImportChunk.query(job.id)) == []  # stored rows dropped once done
    _wipe(rows)


def test_a_reimport_repairs_a_partial_import(clean):
    """What the old batch import left when it died between its two batches: loans (and some records)
    without ledger entries. Validation reports them as imported; the job writes what is missing."""
    rows = importing.validate_loans(_file(), "csv")
    with Loan.batch_write() as batch_loans, Record.batch_write() as batch_records:
        for n, row in enumerate(rows):
            loan = importing.build_loan(row, "demo-manager")
            loan.version = 1
            batch_loans.save(loan)
            if n % 3:
                batch_records.save(importing.import_record(loan, "demo-manager", clock.now_iso(), "旧导入"))
    assert _figures() != clean  # the loans are there, billing and statistics do not see them

    again = importing.validate_loans(_file(), "csv")
    assert all(row["already"] for row in again)
    job = worker.drive(jobs.create("demo-manager", again, "csv").id)
    assert (job.status, job.imported, job.already_imported, job.repaired) == ("done", 0, 0, ROWS)
    assert _figures() == clean
    _, records = _imported_state(rows)
    assert all(len(found) == 1 for found in records.values())

    third = worker.drive(jobs.create("demo-manager", importing.validate_loans(_file(), "csv"), "csv").id)
    assert (third.imported, third.already_imported, third.repaired) == (0, ROWS, 0)  # nothing left to repair
    assert _figures() == clean
    _wipe(rows)


def test_two_drivers_at_once_write_each_loan_once(clean):
    rows = importing.validate_loans(_file(), "csv")
    job = jobs.create("demo-manager", rows, "csv")
    results, errors = [], []

    def run():
        try:
            results.append(worker.drive(job.id, step_seconds=0.2))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    final = jobs.get(job.id)
    assert (final.status, final.cursor, final.imported + final.already_imported) == ("done", ROWS, ROWS)
    assert final.imported == ROWS  # the cursor moves with the loans: no loan counted twice
    assert _figures() == clean
    _wipe(rows)


def test_progress_through_the_api_and_the_scheduled_driver(clean, real_api):
    from chalice.test import Client

    from functions.reports.handler import app

    reconfigure(MEDPOOL_IMPORT_WORKER="schedule", MEDPOOL_IMPORT_INLINE_SECONDS="0")
    try:
        manager = real_api.login("demo-manager")
        reply = real_api.post("/imports", {"content": _file().decode()}, manager)
        assert reply.status == 202, reply.body
        created = reply.body
        # an inline budget of 0 s writes one group, then answers
        assert (created["status"], created["total"], created["written"]) == ("running", ROWS, writer.GROUP_ROWS)
        progress = real_api.get(f"/imports/{created['id']}", manager).body
        assert (progress["written"], progress["total"], progress["imported"]) == (writer.GROUP_ROWS, ROWS,
                                                                                 writer.GROUP_ROWS)
        with Client(app) as client:  # the reports function's scheduled run (every minute) finishes it
            result = client.lambda_.invoke("run_imports", client.events.generate_cw_event(
                source="aws.events", detail_type="Scheduled Event", detail={}, resources=[], region="cn-north-1"))
        assert result.payload == {"jobs": 1, "done": 1, "failed_steps": 0}
        done = real_api.get(f"/imports/{created['id']}", manager).body
        assert (done["status"], done["written"], done["imported"], done["finished_at"] is not None) == (
            "done", ROWS, ROWS, True)
        assert _figures() == clean
        assert real_api.get("/imports/JNOPE", manager).error_code == "import_not_found"
    finally:
        reconfigure(MEDPOOL_IMPORT_INLINE_SECONDS="5")
    _wipe(importing.validate_loans(_file(), "csv"))
