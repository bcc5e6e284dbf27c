"""Writing an import job's rows. Each group of new loans is one TransactWrite: every loan (only if
absent) with its import record and ledger entries, and the job's cursor (only if unmoved). A loan
already stored is checked instead, and whatever an earlier, non-atomic import left out (its ledger
entries, its record) is written with the cursor, so a re-import repairs a partial one."""
from __future__ import annotations

import itertools
from typing import Iterable, Iterator

from pynamodb.exceptions import TransactWriteError, UpdateError

from medpool import clock
from medpool.models.base import transaction_connection
from medpool.models.import_job import ImportJob
from medpool.models.ledger import LedgerEntry
from medpool.models.loan import Loan
from medpool.models.record import Record
from medpool.services import ledger
from medpool.services.importing import IMPORT_ACTION, build_loan, import_record
from medpool.services.transactions import RACE_CODES, RetryingTransactWrite, is_condition_failure

GROUP_ROWS = 20
MAX_ITEMS = 100  # DynamoDB's TransactWriteItems limit, the job's own update included
MAX_CONFLICTS = 100


def items_of(row: dict) -> int:
    """Items a new row may add: its loan, its record, one ledger entry and one counter cell per month it
    spans (cells shared with other rows of the group are one item: this counts them as if not)."""
    months = ledger.months_between(clock.parse_iso(row["handed_over_at"]), clock.parse_iso(row["returned_at"]))
    return 2 + 2 * min(len(months), ledger.MAX_MONTHS)


def groups(rows: Iterable[dict], count: int) -> Iterator[list[dict]]:
    """The next `count` rows in transaction-sized groups; a row stored before goes alone (it is checked)."""
    group, items = [], 1
    for row in itertools.islice(rows, count):
        if row["already"]:
            if group:
                yield group
                group, items = [], 1
            yield [row]
            continue
        need = items_of(row)
        if group and (len(group) >= GROUP_ROWS or items + need > MAX_ITEMS):
            yield group
            group, items = [], 1
        group.append(row)
        items += need
    if group:
        yield group


def write_group(job: ImportJob, rows: list[dict]) -> bool:
    """Write the rows at the job's cursor; False if another driver moved the cursor (nothing written)."""
    if rows[0]["already"]:
        return _settle(job, rows[0])
    if _create(job, rows):
        return True
    if _moved(job):
        return False
    if len(rows) == 1:  # this loan is stored already (an earlier import, or another file since validation)
        return _settle(job, rows[0])
    return all(write_group(job, [row]) for row in rows)


def _progress(job: ImportJob, now: str, rows: int, counts: dict[str, int], conflicts: list[dict]):
    actions = [ImportJob.cursor.set(int(job.cursor) + rows), ImportJob.updated_at.set(now),
               ImportJob.failures.set(0)]
    actions += [getattr(ImportJob, name).add(value) for name, value in counts.items() if value]
    if conflicts:
        actions.append(ImportJob.conflicts.set((list(job.conflicts or []) + conflicts)[:MAX_CONFLICTS]))
    condition = (ImportJob.status == "running") & (ImportJob.cursor == int(job.cursor))
    return actions, condition


def _advanced(job: ImportJob, now: str, rows: int, counts: dict[str, int], conflicts: list[dict]) -> bool:
    """Mirror a committed progress update on the job in hand."""
    job.cursor, job.updated_at, job.failures = int(job.cursor) + rows, now, 0
    for name, value in counts.items():
        setattr(job, name, int(getattr(job, name) or 0) + value)
    if conflicts:
        job.conflicts = (list(job.conflicts or []) + conflicts)[:MAX_CONFLICTS]
    return True


def _race(error: TransactWriteError) -> bool:
    codes = {reason.code for reason in (error.cancellation_reasons or []) if reason}
    return bool(codes & RACE_CODES) or error.cause_response_code == "TransactionConflictException"


def _moved(job: ImportJob) -> bool:
    stored = ImportJob.get(job.id, consistent_read=True)
    return stored.status != "running" or int(stored.cursor) != int(job.cursor)


def _create(job: ImportJob, rows: list[dict]) -> bool:
    now = clock.now_iso()
    counts = {"imported": len(rows)}
    actions, condition = _progress(job, now, len(rows), counts, [])
    try:
        with RetryingTransactWrite(connection=transaction_connection()) as writer:  # counters are hot items
            entries = []
            for row in rows:
                loan = build_loan(row, job.created_by)
                record = import_record(loan, job.created_by, now, f"导入任务 {job.id}，文件第 {row['line']} 行")
                writer.save(loan, condition=Loan.id.does_not_exist())
                writer.save(record, condition=Record.subject.does_not_exist())
                entries += ledger.loan_entries(loan, row["owner_department_id"])
            ledger.add_all(writer, entries)  # once: the rows' counter cells merged (one item each)
            writer.update(ImportJob(job.id), actions=actions, condition=condition)
    except TransactWriteError as error:
        if _race(error):
            return False
        raise
    return _advanced(job, now, len(rows), counts, [])


def _settle(job: ImportJob, row: dict) -> bool:
    """A row whose loan may be stored: the same loan complete -> already imported; the same loan with
    parts missing -> repaired; another loan under that id -> skipped (reported on the job)."""
    try:
        stored = Loan.get(row["id"], consistent_read=True)
    except Loan.DoesNotExist:
        if _create(job, [row]):
            return True
        if _moved(job):
            return False
        raise RuntimeError(f"import job {job.id}: line {row['line']} could be neither created nor found")
    now = clock.now_iso()
    same = (stored.status, stored.device_id, stored.handed_over_at, stored.returned_at) == (
        "returned", row["device_id"], row["handed_over_at"], row["returned_at"])
    if not same:
        conflict = {"line": row["line"], "reason": f"已有不同的借用记录 {stored.id}（{stored.status}），本行未导入"}
        return _update(job, now, {"skipped": 1}, [conflict])
    entries = ledger.loan_entries(stored, row["owner_department_id"])
    present = {(e.month, e.entry) for e in LedgerEntry.batch_get([(e.month, e.entry) for e in entries])}
    missing = [e for e in entries if (e.month, e.entry) not in present]
    recorded = any(r.action == IMPORT_ACTION for r in Record.query(f"loan#{stored.id}"))
    if not missing and recorded:
        return _update(job, now, {"already_imported": 1}, [])
    counts = {"repaired": 1}
    actions, condition = _progress(job, now, 1, counts, [])
    try:
        with RetryingTransactWrite(connection=transaction_connection()) as writer:  # counters are hot items
            ledger.add_all(writer, missing)
            if not recorded:  # chained onto the loan, written back as read (its version checked)
                record = import_record(stored, job.created_by, now,
                                       f"导入任务 {job.id}，文件第 {row['line']} 行（补写缺失的记录与台账）")
                writer.save(stored)
                writer.save(record, condition=Record.subject.does_not_exist())
            else:
                writer.condition_check(Loan, stored.id, condition=Loan.version == stored.version)
            writer.update(ImportJob(job.id), actions=actions, condition=condition)
    except TransactWriteError as error:
        if _race(error) and _moved(job):
            return False
        raise
    return _advanced(job, now, 1, counts, [])


def _update(job: ImportJob, now: str, counts: dict[str, int], conflicts: list[dict]) -> bool:
    actions, condition = _progress(job, now, 1, counts, conflicts)
    try:
        ImportJob(job.id).update(actions=actions, condition=condition)
    except UpdateError as error:
        if is_condition_failure(error):
            return False
        raise
    return _advanced(job, now, 1, counts, conflicts)
