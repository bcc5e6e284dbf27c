"""Monthly inter-department billing: each department is charged for the units its borrowed devices
started in the month and credited for the units of the devices it owns. A unit belongs to the month
in which it starts, so a loan's months add up to its charge; every line names its loan. Months are
Beijing calendar months (ledger.month_start); the finance sheet shows Beijing time too."""
from __future__ import annotations

from collections import defaultdict

from medpool import clock
from medpool.clock import FIRST_YEAR, LAST_YEAR
from medpool.errors import Unprocessable
from medpool.services import departments, ledger
from medpool.services.periods import Window, open_facts, read_period, units_in
from medpool.services.stat_counters import reads
from medpool.services.stat_counters.cells import NO_OWNER


def month_window(month: str) -> Window:
    if not FIRST_YEAR <= int(month[:4]) <= LAST_YEAR:
        raise Unprocessable(f"结算月份须在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间", code="invalid_month")
    return Window(ledger.month_start(month), ledger.month_start(ledger.next_month(month)), clock.now())


def _line(fact, units: int) -> dict:
    return {"loan_id": fact.loan_id, "category_id": fact.category_id, "device_id": fact.device_id,
            "borrower_department_id": fact.department_id, "owner_department_id": fact.owner_department_id,
            "handed_over_at": clock.to_iso(fact.handed_over_at),
            "returned_at": clock.to_iso(fact.returned_at) if fact.returned_at else None,
            "units": units, "rate_fen": fact.rate_fen, "rate_unit": fact.rate_unit, "amount_fen": units * fact.rate_fen}


def monthly_billing(month: str, lines: bool = True) -> dict:
    """The month's bill per department. With `lines` (the default, and the files) every department lists
    its loans: the lines come from the month's ledger partition (what the bill describes, one item per
    line) and the totals add up the lines. Without, only the totals, from the month's counter cells
    (services.stat_counters): a read of categories x departments items, whatever the month's loans."""
    window = month_window(month)
    names = {d.id: d.name for d in departments.list_departments()}
    if lines:
        charges, credits = _lines(window)
        charged = {d: sum(line["amount_fen"] for line in found) for d, found in charges.items()}
        credited = {d: sum(line["amount_fen"] for line in found) for d, found in credits.items()}
    else:
        charges, credits = defaultdict(list), defaultdict(list)
        charged, credited = _totals(month, window)
    rows = []
    for department_id in sorted(set(charged) | set(credited)):
        charged_fen, credited_fen = charged.get(department_id, 0), credited.get(department_id, 0)
        rows.append({"department_id": department_id, "name": names.get(department_id, department_id),
                     "charges_fen": charged_fen, "credits_fen": credited_fen, "net_fen": credited_fen - charged_fen,
                     "charges": charges[department_id], "credits": credits[department_id]})
    return {"month": month, "as_of": clock.to_iso(window.until),
            "final": window.now >= window.end,
            "total_fen": sum(row["charges_fen"] for row in rows), "departments": rows}


def _lines(window: Window) -> tuple[dict, dict]:
    charges, credits = defaultdict(list), defaultdict(list)
    for fact in read_period(window):
        units = units_in(fact, window.start, window.end, window.now)
        if units:
            line = _line(fact, units)
            charges[fact.department_id].append(line)
            credits[fact.owner_department_id or NO_OWNER].append(line)
    return charges, credits


def _totals(month: str, window: Window) -> tuple[dict, dict]:
    """Charges and credits per department from the month's counters and the open loans. A department is
    listed when it has a loan with units in the month (as the lines would list it), at any rate."""
    opened = open_facts(window)  # before the counters: a loan returned in between is then in the counters
    cells = reads.month_cells([month])
    opened = reads.settle(cells, opened, [month], ledger.month_of(window.now))
    charged, credited = defaultdict(int), defaultdict(int)
    for cell in cells.values():
        units = cell.units()
        if any(units.values()):
            charged[cell.department_id] += sum(cell.credits().values())
        for owner, fen in cell.credits().items():
            if units.get(owner):
                credited[owner] += fen
    for fact in opened:
        units = units_in(fact, window.start, window.end, window.now)
        if units:
            charged[fact.department_id] += units * fact.rate_fen
            credited[fact.owner_department_id or NO_OWNER] += units * fact.rate_fen
    return charged, credited


def _local(iso: str) -> str:
    """A stored UTC time as Beijing wall time for the sheet: 2024-01-31T16:30:00.000Z -> 2024-02-01 00:30:00."""
    return clock.parse_iso(iso).astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def billing_table(billing: dict) -> tuple[list[str], list[list]]:
    """One row per line per side, for the finance office (CSV / xlsx)."""
    header = ["月份", "科室编码", "科室名称", "类型", "借用单号", "设备编号", "设备类别", "借用科室", "设备所属科室",
              "交接时间(北京时间)", "归还时间(北京时间)", "计费单位数", "单价(分)", "计费单位", "金额(分)", "金额(元)"]
    rows = []
    for dept in billing["departments"]:
        for side, lines in (("借用扣费", dept["charges"]), ("出借收入", dept["credits"])):
            for line in lines:
                rows.append([billing["month"], dept["department_id"], dept["name"], side, line["loan_id"],
                             line["device_id"], line["category_id"], line["borrower_department_id"],
                             line["owner_department_id"], _local(line["handed_over_at"]),
                             _local(line["returned_at"]) if line["returned_at"] else "未归还",
                             line["units"], line["rate_fen"], {"hour": "小时", "day": "天"}[line["rate_unit"]],
                             line["amount_fen"], f"{line['amount_fen'] / 100:.2f}"])
    return header, rows


def summary_table(billing: dict) -> tuple[list[str], list[list]]:
    header = ["月份", "科室编码", "科室名称", "借用扣费(分)", "出借收入(分)", "净额(分)"]
    return header, [[billing["month"], d["department_id"], d["name"], d["charges_fen"], d["credits_fen"],
                     d["net_fen"]] for d in billing["departments"]]
