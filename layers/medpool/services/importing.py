"""Import of historical loans (CSV or xlsx): the whole file is validated first and every bad row is
reported (line, column, reason); only a clean file is written, through the same ledger as live
returns, so imported loans count in statistics and billing exactly as live ones do."""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from medpool import clock
from medpool.errors import Unprocessable
from medpool.models.device import Device
from medpool.models.loan import URGENCY_RANK, Loan
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import audit_chain, categories, departments
from medpool.services.charges import charge_fen
from medpool.services.loans import snapshot
from medpool.services.stats import pool_start
from medpool.services.tabular import read_table

REQUIRED = ("device_id", "category_id", "department_id", "requested_at", "approved_at", "handed_over_at",
            "returned_at", "condition")
OPTIONAL = ("expected_return_at", "urgency", "queued_at")
TIMES = ("requested_at", "approved_at", "handed_over_at", "returned_at", "expected_return_at", "queued_at")
OPTIONAL_TIMES = ("expected_return_at", "queued_at")
CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_REPORTED = 1000
IMPORT_ACTION = "loan.import"
YEARS = (clock.FIRST_YEAR, clock.LAST_YEAR)  # accepted years of an imported time


class YearOutOfRange(ValueError):
    pass


@dataclass
class ImportResult:
    rows: int
    imported: int
    already_imported: int
    dry_run: bool
    loan_ids: list[str]
    repaired: int = 0
    job_id: str | None = None
    status: str = "done"


class Problems:
    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, line: int, column: str, reason: str) -> None:
        self.items.append({"line": line, "column": column, "reason": reason})

    def raise_if_any(self, what: str) -> None:
        if self.items:
            count = len(self.items)
            raise Unprocessable(f"{what}有 {count} 处错误，未导入任何记录", code="invalid_import_file",
                                details=sorted(self.items, key=lambda p: (p["line"], p["column"]))[:MAX_REPORTED])


def check_header(header: list[str], required: tuple, optional: tuple, ignored: tuple = ()) -> Problems:
    problems = Problems()
    for name in required:
        if name not in header:
            problems.add(1, name, "缺少必需的列")
    for name in header:
        if name not in required + optional + ignored:
            problems.add(1, name or "(空)", "未知的列")
        elif header.count(name) > 1:
            problems.add(1, name, "列重复")
    return problems


def imported_loan_id(device_id: str, handed_over_at: str) -> str:
    """Deterministic: re-importing the same loan finds it instead of duplicating it."""
    return "H" + hashlib.sha256(f"{device_id}\n{handed_over_at}".encode()).hexdigest()[:19].upper()


def _parse_time(value: str) -> datetime:
    """A time with its UTC offset, its year within YEARS both as written and in UTC (so the
    conversion cannot overflow: 9999-12-31T23:00:00-01:00 is refused, not a crash)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})", value):
        raise ValueError
    if not YEARS[0] <= int(value[:4]) <= YEARS[1]:
        raise YearOutOfRange
    moment = clock.parse_iso(value.replace(" ", "T"))
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise YearOutOfRange
    return moment


def _parse_row(line: int, cells: dict[str, str], refs: dict, problems: Problems, now: datetime) -> dict | None:
    before = len(problems.items)
    device = refs["devices"].get(cells["device_id"]) if CODE.match(cells["device_id"]) else None
    if device is None:
        problems.add(line, "device_id", "设备不存在（请先登记设备）")
    category = refs["categories"].get(cells["category_id"])
    if category is None:
        problems.add(line, "category_id", "设备类别不存在")
    elif device is not None and device.category_id != category.id:
        problems.add(line, "category_id", f"与设备的类别 {device.category_id} 不一致")
    if cells["department_id"] not in refs["departments"]:
        problems.add(line, "department_id", "科室不存在")
    if cells["condition"] not in ("ok", "damaged"):
        problems.add(line, "condition", "须为 ok 或 damaged")
    times: dict[str, datetime] = {}
    for column in TIMES:
        value = cells.get(column, "")
        if not value and column in OPTIONAL_TIMES:
            continue
        try:
            times[column] = _parse_time(value)
        except YearOutOfRange:
            problems.add(line, column, f"年份须在 {YEARS[0]}-{YEARS[1]} 之间")
        except ValueError:
            problems.add(line, column, "须为带时区的 ISO 8601 时间，如 2024-01-31T08:00:00Z" if value else "不能为空")
    order = ("requested_at", "approved_at", "handed_over_at", "returned_at")
    for earlier, later in zip(order, order[1:]):
        if earlier in times and later in times and times[later] < times[earlier]:
            problems.add(line, later, f"早于 {earlier}")
    if "queued_at" in times and not (times.get("requested_at", times["queued_at"]) <= times["queued_at"]
                                     <= times.get("approved_at", times["queued_at"])):
        problems.add(line, "queued_at", "须在 requested_at 与 approved_at 之间（申请时进入排队）")
    urgency = cells.get("urgency", "") or "routine"
    if urgency not in URGENCY_RANK:
        problems.add(line, "urgency", "须为 emergency、urgent 或 routine")
    if "returned_at" in times and times["returned_at"] > now:
        problems.add(line, "returned_at", "晚于当前时间（只能导入已归还的借用）")
    if device is not None and "handed_over_at" in times and times["handed_over_at"] < refs["pool_start"](device):
        problems.add(line, "handed_over_at", "早于设备的购置日期（或登记时间）")
    if len(problems.items) > before:
        return None
    return {"line": line, "device": device, "category": category, "department_id": cells["department_id"],
            "condition": cells["condition"], "urgency": urgency, **times}


def _check_overlaps(rows: list[dict], problems: Problems) -> set[str]:
    """A device is on one loan at a time: against the other rows and the loans already stored.
    Returns the ids of rows already imported (identical loan found)."""
    already: set[str] = set()
    by_device = defaultdict(list)
    for row in rows:
        by_device[row["device"].id].append(row)
    for device_id, device_rows in by_device.items():
        device_rows.sort(key=lambda r: r["handed_over_at"])
        for previous, row in zip(device_rows, device_rows[1:]):
            if row["handed_over_at"] < previous["returned_at"]:
                problems.add(row["line"], "handed_over_at", f"与第 {previous['line']} 行同一设备的借用时间重叠")
        for loan in Loan.by_device.query(device_id):
            if not loan.handed_over_at:
                continue
            start = clock.parse_iso(loan.handed_over_at)
            end = clock.parse_iso(loan.returned_at) if loan.returned_at else datetime.max.replace(tzinfo=start.tzinfo)
            for row in device_rows:
                if loan.id == row["id"] and loan.returned_at == clock.to_iso(row["returned_at"]):
                    already.add(loan.id)
                elif row["handed_over_at"] < end and start < row["returned_at"]:
                    problems.add(row["line"], "handed_over_at", f"与已有借用 {loan.id} 的时间重叠")
    return already


def _references(device_ids: set[str]) -> dict:
    found = {d.id: d for d in Device.batch_get(sorted(device_ids))} if device_ids else {}
    return {"devices": found, "categories": {c.id: c for c in categories.list_categories()},
            "departments": {d.id for d in departments.list_departments()}, "pool_start": pool_start}


def row_out(row: dict, already: bool) -> dict:
    """A validated row as stored in an import job (JSON): everything the write needs, fixed at validation
    (the category's rate and loan period, the device's owner), so a long job bills the file consistently."""
    category, device = row["category"], row["device"]
    iso = {column: clock.to_iso(row[column]) for column in TIMES if column in row}
    expected = iso.get("expected_return_at") or clock.to_iso(
        row["handed_over_at"] + timedelta(hours=int(category.max_loan_hours)))
    return {"line": row["line"], "id": row["id"], "device_id": device.id,
            "owner_department_id": device.owner_department_id, "category_id": category.id,
            "department_id": row["department_id"], "condition": row["condition"], "urgency": row.get("urgency", "routine"), **iso,
            "expected_return_at": expected, "rate_fen": int(category.rate_fen), "rate_unit": category.rate_unit,
            "already": already}


def build_loan(row: dict, actor_openid: str) -> Loan:
    """The returned loan of a validated row (no version: written only if absent)."""
    urgency = row.get("urgency") or "routine"  # rows stored by a job before urgency was carried: routine
    loan = Loan(row["id"], status="returned", department_id=row["department_id"], applicant_openid=actor_openid,
                category_id=row["category_id"], device_id=row["device_id"], urgency=urgency,
                queue_key=f"{URGENCY_RANK[urgency]}#{row['requested_at']}#{row['id']}", reason="历史记录导入",
                expected_return_at=row["expected_return_at"], overdue=row["returned_at"] > row["expected_return_at"],
                idempotency_key=f"import-{row['id']}", request_fingerprint="import",
                requested_at=row["requested_at"], queued_at=row.get("queued_at"), approved_at=row["approved_at"],
                approved_by=actor_openid,
                handed_over_at=row["handed_over_at"], returned_at=row["returned_at"], condition=row["condition"],
                rate_fen=row["rate_fen"], rate_unit=row["rate_unit"])
    loan.charge_fen = charge_fen(loan.rate_fen, loan.rate_unit, loan.handed_over_at, loan.returned_at)
    return loan


def import_record(loan: Loan, actor_openid: str, now: str, note: str) -> Record:
    """The import's record of a loan, chained onto the loan item (which the caller then saves)."""
    record = Record(f"loan#{loan.id}", f"{now}#import", at=now, day=clock.business_day_of(now), actor=actor_openid,
                    action=IMPORT_ACTION, after=snapshot(loan), note=note)
    audit_chain.link(record, loan)
    return record


def validate_loans(content: bytes, fmt: str) -> list[dict]:
    """Every row of the file checked (references, times, overlaps with each other and with stored loans);
    every problem raised at once. Returns the rows to write, `already` set on loans stored before."""
    header, body = read_table(content, fmt)
    check_header(header, REQUIRED, OPTIONAL).raise_if_any("表头")
    rows_cells = [(line, {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)})
                  for line, row in body]
    if not rows_cells:
        raise Unprocessable("文件中没有借用记录", code="empty_file")
    refs = _references({cells["device_id"] for _, cells in rows_cells if CODE.match(cells["device_id"])})
    problems, rows, now = Problems(), [], clock.now()
    for line, cells in rows_cells:
        row = _parse_row(line, cells, refs, problems, now)
        if row is not None:
            row["id"] = imported_loan_id(row["device"].id, clock.to_iso(row["handed_over_at"]))
            rows.append(row)
    already = _check_overlaps(rows, problems)
    problems.raise_if_any("文件")
    return [row_out(row, row["id"] in already) for row in rows]


def import_loans(actor: User, content: bytes, fmt: str = "csv", dry_run: bool = False) -> ImportResult:
    """A small import in one call: validated whole, then written as a job (one transaction per group of
    loans) for at most the inline time budget; a file that does not finish in it goes on in the background
    (`status` running, progress from GET /imports/{job_id})."""
    from medpool.services.imports import jobs

    rows = validate_loans(content, fmt)
    fresh = [row["id"] for row in rows if not row["already"]]
    if dry_run:
        return ImportResult(rows=len(rows), imported=0, already_imported=len(rows) - len(fresh), dry_run=True,
                            loan_ids=fresh)
    job = jobs.start(actor.openid, rows, fmt)
    return ImportResult(rows=len(rows), imported=int(job.imported), already_imported=int(job.already_imported),
                        dry_run=False, loan_ids=fresh, repaired=int(job.repaired), job_id=job.id, status=job.status)
