"""Import of historical loans and devices: validated whole, every bad row reported, nothing written
on error; imported loans count in statistics and billing exactly as live ones."""
import base64
import io

import pytest
from openpyxl import Workbook, load_workbook

from medpool.api.routing import XLSX
from medpool.cli import main as cli
from tests.support import table_counts

HEADER = "device_id,category_id,department_id,requested_at,approved_at,handed_over_at,returned_at,condition"
GOOD = [
    # 24.5 h -> 25 units x 600 (ICU), late against the default period? monitor max 336 h: not late
    "MON-001,monitor,ICU,2024-01-10T08:00:00Z,2024-01-10T08:30:00Z,2024-01-10T09:00:00Z,2024-01-11T09:30:00Z,ok",
    # crosses the (Beijing) month: 2 units in January, 3 in February
    "MON-002,monitor,EM,2024-01-31T20:00:00+08:00,2024-01-31T20:10:00+08:00,2024-01-31T22:00:00+08:00,"
    "2024-02-01T03:00:00+08:00,damaged",
]


def csv_of(*rows, header=HEADER):
    return "\n".join([header, *rows]) + "\n"


@pytest.fixture
def manager(api):
    return api.login("demo-manager")


def test_imported_loans_count_in_stats_and_billing(api, manager):
    reply = api.post("/imports/loans", {"content": csv_of(*GOOD)}, manager)
    assert reply.status == 200, reply.body
    assert (reply.body["rows"], reply.body["imported"], reply.body["already_imported"]) == (2, 2, 0)
    january = api.get("/billing?month=2024-01", manager).body
    assert january["total_fen"] == 25 * 600 + 2 * 600
    assert {d["department_id"]: d["charges_fen"] for d in january["departments"]} == {"ICU": 15000, "EM": 1200,
                                                                                      "SBK": 0}
    assert api.get("/billing?month=2024-02", manager).body["total_fen"] == 3 * 600
    stats = {row["category_id"]: row for row in api.get("/stats?from=2024-01-01&to=2024-02-29", manager).body["categories"]}
    monitor = stats["monitor"]
    assert (monitor["loans"], monitor["device_hours"], monitor["returns"], monitor["damaged_returns"]) == (2, 29.5, 2, 1)
    assert (monitor["revenue_fen"], monitor["median_minutes_to_approval"]) == (30 * 600, 20.0)
    loan = api.get(f"/loans/{reply.body['loan_ids'][1]}", manager).body
    assert (loan["status"], loan["condition"], loan["charge_fen"]) == ("returned", "damaged", 3000)


def test_reimporting_the_same_file_imports_nothing_twice(api, manager):
    assert api.post("/imports/loans", {"content": csv_of(*GOOD)}, manager).body["imported"] == 2
    before = table_counts()
    again = api.post("/imports/loans", {"content": csv_of(*GOOD)}, manager).body
    assert (again["imported"], again["already_imported"], again["status"]) == (0, 2, "done")
    after = table_counts()
    assert after.pop("import_jobs") == before.pop("import_jobs") + 1  # the job that checked them
    assert after == before


def test_a_bad_file_reports_every_bad_row_and_writes_nothing(api, manager):
    bad = csv_of(
        GOOD[0],
        "MON-999,monitor,ICU,2024-01-10T08:00:00Z,2024-01-10T08:30:00Z,2024-01-10T09:00:00Z,2024-01-11T09:30:00Z,ok",
        "MON-003,ventilator,XXX,2024-01-10T08:00:00,2024-01-10T07:30:00Z,2024-01-10T09:00:00Z,2024-01-11T09:30:00Z,lost",
        "MON-001,monitor,ICU,2024-01-11T08:00:00Z,2024-01-11T08:30:00Z,2024-01-11T09:00:00Z,2024-01-12T09:30:00Z,ok",
        "MON-004,monitor,ICU,2024-01-10T08:00:00Z,2024-01-10T08:30:00Z,2024-01-10T09:00:00Z,2099-01-01T00:00:00Z,ok",
        "MON-004,monitor,ICU,2021-01-10T08:00:00Z,2021-01-10T08:30:00Z,2021-01-10T09:00:00Z,2021-01-11T09:30:00Z,ok",
    )
    before = table_counts()
    reply = api.post("/imports/loans", {"content": bad}, manager)
    assert (reply.status, reply.error_code) == (422, "invalid_import_file")
    found = {(p["line"], p["column"]) for p in reply.body["error"]["details"]}
    assert found == {(3, "device_id"), (4, "category_id"), (4, "department_id"), (4, "requested_at"),
                     (4, "condition"), (5, "handed_over_at"), (6, "returned_at"), (7, "handed_over_at")}
    assert table_counts() == before


def test_header_problems_and_overlap_with_stored_loans(api, manager):
    reply = api.post("/imports/loans", {"content": "device_id,colour\nMON-001,red\n"}, manager)
    problems = {(p["line"], p["column"], p["reason"]) for p in reply.body["error"]["details"]}
    assert (1, "colour", "未知的列") in problems and (1, "returned_at", "缺少必需的列") in problems
    assert api.post("/imports/loans", {"content": csv_of(GOOD[0])}, manager).status == 200
    shifted = GOOD[0].replace("2024-01-10T09:00:00Z", "2024-01-10T09:30:00Z")
    reply = api.post("/imports/loans", {"content": csv_of(shifted)}, manager)
    assert reply.status == 422 and "重叠" in reply.body["error"]["details"][0]["reason"]


def test_xlsx_import_and_dry_run(api, manager):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for row in GOOD:
        sheet.append(row.split(","))
    out = io.BytesIO()
    book.save(out)
    content = base64.b64encode(out.getvalue()).decode()
    before = table_counts()
    dry = api.post("/imports/loans", {"content": content, "format": "xlsx", "dry_run": True}, manager).body
    assert (dry["rows"], dry["imported"], dry["dry_run"]) == (2, 0, True) and table_counts() == before
    assert api.post("/imports/loans", {"content": content, "format": "xlsx"}, manager).body["imported"] == 2
    garbage = api.post("/imports/loans", {"content": "bm90IGEgd29ya2Jvb2s=", "format": "xlsx"}, manager)
    assert (garbage.status, garbage.error_code) == (422, "unreadable_file")
    assert api.post("/imports/loans", {"content": "%%%", "format": "xlsx"}, manager).error_code == "invalid_base64"


def test_cli_import_loans(seeded, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_of(GOOD[0].replace(",ok", ",broken")), encoding="utf-8")
    before = table_counts()
    assert cli(["import-loans", str(bad)]) == 1
    assert "line 2, column condition" in capsys.readouterr().err and table_counts() == before
    good = tmp_path / "good.csv"
    good.write_text(csv_of(*GOOD), encoding="utf-8")
    assert cli(["import-loans", str(good)]) == 0
    assert "2 imported" in capsys.readouterr().out


DEVICES = "id,category_id,name,owner_department_id,purchase_price_fen,purchase_date\n"


def test_device_import_validates_everything_first(api, manager):
    bad = DEVICES + "MON-101,monitor,监护仪 101,SBK,4500000,2023-01-01\nMON-001,monitor,重复,SBK,,\n" \
                    "MON-102,toaster,烤面包机,NOPE,-5,yesterday\nMON-101,monitor,又一台,SBK,,\n"
    before = table_counts()
    reply = api.post("/imports/devices", {"content": bad}, manager)
    assert reply.status == 422
    found = {(p["line"], p["column"]) for p in reply.body["error"]["details"]}
    assert found == {(3, "id"), (4, "category_id"), (4, "owner_department_id"), (4, "purchase_price_fen"),
                     (4, "purchase_date"), (5, "id")}
    assert table_counts() == before
    good = DEVICES + "MON-101,monitor,监护仪 101,SBK,4500000,2023-01-01\nMON-102,monitor,监护仪 102,ICU,,\n"
    reply = api.post("/imports/devices", {"content": good}, manager)
    assert reply.body == {"rows": 2, "imported": 2, "dry_run": False, "device_ids": ["MON-101", "MON-102"]}
    assert api.get("/devices/MON-102", manager).body["owner_department_id"] == "ICU"


def test_device_export_round_trips(api, manager):
    csv_reply = api.get("/exports/devices", manager)
    text = csv_reply.body.decode("utf-8-sig") if isinstance(csv_reply.body, bytes) else csv_reply.body.lstrip("\ufeff")
    lines = text.strip().splitlines()
    assert lines[0].startswith("id,category_id,name,owner_department_id") and len(lines) == 1 + 16
    xlsx = api.get("/exports/devices?format=xlsx", manager, headers={"Accept": XLSX})
    rows = list(load_workbook(io.BytesIO(xlsx.body)).active.iter_rows(values_only=True))
    assert rows[1][0] == "HFNC-001" and len(rows) == 17
    renamed = "\n".join([lines[0]] + [line.replace("MON-", "NEW-", 1) for line in lines[1:] if line.startswith("MON-")])
    reply = api.post("/imports/devices", {"content": renamed, "dry_run": True}, manager)
    assert reply.status == 200 and reply.body["rows"] == 4


def test_import_cells_whose_conversion_overflows_are_bad_rows_not_500(api, manager):
    """9999-12-31T23:00:00-01:00 is year 10000 in UTC; 0001-01-01T00:00:00+14:00 is year 0: each a bad
    cell (422, its line and column), as is any year outside the accepted bounds."""
    cells = GOOD[0].split(",")
    rows = []
    for column, value in ((3, "9999-12-31T23:00:00-01:00"), (4, "0001-01-01T00:00:00+14:00"),
                          (5, "1999-12-31T23:00:00Z"), (6, "2100-12-31T23:30:00-01:00")):
        row = list(cells)
        row[column] = value
        rows.append(",".join(row))
    before = table_counts()
    reply = api.post("/imports/loans", {"content": csv_of(*rows)}, manager)
    assert (reply.status, reply.error_code) == (422, "invalid_import_file"), reply.body
    found = {(p["line"], p["column"], p["reason"]) for p in reply.body["error"]["details"]}
    assert {(2, "requested_at"), (3, "approved_at"), (4, "handed_over_at"), (5, "returned_at")} <= {
        (line, column) for line, column, _ in found}
    assert all("2000-2100" in reason for line, column, reason in found
               if (line, column) in {(2, "requested_at"), (3, "approved_at"), (4, "handed_over_at"), (5, "returned_at")})
    assert table_counts() == before


def test_a_job_reports_its_progress_and_the_cli_draws_a_bar(api, manager, tmp_path, capsys, monkeypatch):
    from tests.support import reconfigure

    monkeypatch.setenv("MEDPOOL_IMPORT_WORKER", "schedule")
    reconfigure()
    bad = api.post("/imports", {"content": csv_of(GOOD[0].replace(",ok", ",lost"))}, manager)
    assert (bad.status, bad.error_code) == (422, "invalid_import_file")  # validated whole, no job
    reply = api.post("/imports", {"content": csv_of(*GOOD)}, manager)
    assert reply.status == 202, reply.body
    job = api.get(f"/imports/{reply.body['id']}", manager).body
    assert (job["status"], job["total"], job["written"], job["imported"]) == ("done", 2, 2, 2)
    assert api.get(f"/imports/{reply.body['id']}", api.login("demo-nurse-icu")).status == 403

    other = tmp_path / "other.csv"
    other.write_text(csv_of(GOOD[0].replace("MON-001", "MON-003")), encoding="utf-8")
    assert cli(["import-loans", str(other)]) == 0
    captured = capsys.readouterr()
    assert "[##############################] 1/1 rows" in captured.err
    assert "1 imported" in captured.out
    assert cli(["import-resume"]) == 0 and "no running import job" in capsys.readouterr().out


def test_urgency_and_the_waiting_list_are_imported(api, manager):
    """Optional columns: `urgency` (default routine) and `queued_at` (between request and approval)."""
    from medpool.models.loan import Loan

    header = HEADER + ",urgency,queued_at"
    queued = GOOD[0] + ",emergency,2024-01-10T08:00:00Z"
    bad = [GOOD[1] + ",soon,", "MON-003,monitor,ICU,2024-01-10T08:00:00Z,2024-01-10T08:30:00Z,2024-01-10T09:00:00Z,"
           "2024-01-11T09:30:00Z,ok,urgent,2024-01-10T08:40:00Z"]
    reply = api.post("/imports/loans", {"content": csv_of(*bad, header=header)}, manager)
    assert (reply.status, reply.error_code) == (422, "invalid_import_file")
    assert {(p["line"], p["column"]) for p in reply.body["error"]["details"]} == {(2, "urgency"), (3, "queued_at")}
    reply = api.post("/imports/loans", {"content": csv_of(queued, GOOD[1] + ",,", header=header)}, manager)
    assert reply.status == 200, reply.body
    first, second = (Loan.get(loan_id) for loan_id in reply.body["loan_ids"])
    assert (first.urgency, first.queued_at, first.queue_key[:2]) == ("emergency", "2024-01-10T08:00:00.000Z", "0#")
    assert (second.urgency, second.queued_at) == ("routine", None)
