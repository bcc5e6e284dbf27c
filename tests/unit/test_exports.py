"""Formula injection (OWASP CSV injection): user-entered text that a spreadsheet would run as a formula
is neutralized in every CSV and xlsx the system writes (a leading apostrophe; xlsx cells written as
text), while numbers stay numbers. Each export is parsed back and checked cell by cell."""
import base64
import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from medpool.api.routing import XLSX
from medpool.services import tabular
from medpool.services.device_io import COLUMNS
from medpool.services.tabular import safe_cell, write_table
from tests.support import make_loan

TRIGGERS = tabular.FORMULA_START
# what a user can type into the fields that exports show (the API strips surrounding blanks)
DANGEROUS = {"name": '=HYPERLINK("http://e.cn","点我")', "brand": "+SUM(1,2)",
             "model": "-2+3+cmd|' /C calc'!A0", "serial_no": "@SUM(A1:A9)", "location": "＝1+1"}


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1-1", "'+1-1"), ("-A1", "'-A1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"), ("\n=1", "'\n=1"), ("  =1+1", "'  =1+1"),
    ("＝1+1", "'＝1+1"), ("－1", "'－1"),
    ("ICU", "ICU"), ("a=b", "a=b"), ("", ""), (None, ""),
    (-1200, -1200), (0, 0), (12.5, 12.5), ("-12.50", "-12.50"), ("+3", "+3"),  # numbers stay numbers
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def csv_rows(content) -> list[list[str]]:
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def assert_csv_is_inert(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            if cell.lstrip(tabular._BLANKS).startswith(TRIGGERS):
                assert tabular._NUMBER.fullmatch(cell), f"formula-like cell {cell!r}"


def xlsx_cells(content: bytes) -> dict[str, list[list]]:
    """Every sheet's values; fails if any cell is a formula, in openpyxl's reading or in the raw XML."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    book = load_workbook(io.BytesIO(content))  # not data_only: formulas would show as data_type "f"
    sheets = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
        sheets[sheet.title] = [list(row) for row in sheet.iter_rows(values_only=True)]
    return sheets


def test_write_table_neutralizes_every_kind_of_cell():
    rows = [["\t=cmd", "\r+cmd", "=1+1", -5, 3.5, "-7", None]]
    content = write_table([("表", ["列1", "列2", "列3", "列4", "列5", "列6", "列7"], rows)], "xlsx")
    # (XML reads a carriage return back as a line feed)
    assert xlsx_cells(content)["表"][1] == ["'\t=cmd", "'\n+cmd", "'=1+1", -5, 3.5, "-7", None]
    parsed = csv_rows(write_table([("表", ["a"] * 7, rows)], "csv"))
    assert parsed[1] == ["'\t=cmd", "'\r+cmd", "'=1+1", "-5", "3.5", "-7", ""]
    assert_csv_is_inert(parsed)
    # control characters a workbook cannot hold are dropped first: what remains is checked, not the original
    assert xlsx_cells(write_table([("表", ["a"], [["\x01=1+1"]])], "xlsx"))["表"][1] == ["'=1+1"]


@pytest.fixture
def manager(api):
    return api.login("demo-manager")


def test_device_export_neutralizes_user_text(api, manager):
    created = api.post("/devices", {"id": "MON-EVIL", "category_id": "monitor", "owner_department_id": "SBK",
                                    "purchase_price_fen": 4_500_000, **DANGEROUS}, manager)
    assert created.status == 201, created.body
    assert api.put("/devices/MON-EVIL", {"status": "maintenance", "status_reason": "=WEBSERVICE(\"http://x\")"},
                   manager).status == 200
    # an imported device's cells too (the import strips blanks, as the API does)
    imported = "id,category_id,name,owner_department_id,location\nMON-IMP,monitor,@cmd,SBK,-1+1\n"
    assert api.post("/imports/devices", {"content": imported, "format": "csv"}, manager).status == 200
    columns = list(COLUMNS)

    reply = api.get("/exports/devices?format=csv", manager)
    assert reply.status == 200
    rows = csv_rows(reply.body)
    assert_csv_is_inert(rows)
    evil = dict(zip(rows[0], next(row for row in rows if row[0] == "MON-EVIL")))
    assert {key: evil[key] for key in DANGEROUS} == {key: "'" + value for key, value in DANGEROUS.items()}
    assert evil["status_reason"] == "'=WEBSERVICE(\"http://x\")" and evil["purchase_price_fen"] == "4500000"
    imp = dict(zip(rows[0], next(row for row in rows if row[0] == "MON-IMP")))
    assert (imp["name"], imp["location"]) == ("'@cmd", "'-1+1")

    xlsx = api.get("/exports/devices?format=xlsx", manager, headers={"Accept": XLSX})
    assert xlsx.status == 200
    sheet = xlsx_cells(xlsx.body)["设备"]
    assert sheet[0] == columns
    evil = dict(zip(columns, next(row for row in sheet if row[0] == "MON-EVIL")))
    assert {key: evil[key] for key in DANGEROUS} == {key: "'" + value for key, value in DANGEROUS.items()}
    assert evil["purchase_price_fen"] == 4_500_000  # a number stays a number
    imp = dict(zip(columns, next(row for row in sheet if row[0] == "MON-IMP")))
    assert (imp["name"], imp["location"]) == ("'@cmd", "'-1+1")


def test_formula_text_imported_from_xlsx_is_exported_as_text(api, manager):
    book = Workbook()
    book.active.append(["id", "category_id", "name", "owner_department_id", "brand"])
    book.active.append(["MON-XF", "monitor", "监护仪 X", "SBK", "=1+1"])
    book.active["E2"].data_type = "s"  # a text cell holding formula-like text (as a spreadsheet user may type)
    out = io.BytesIO()
    book.save(out)
    body = {"content": base64.b64encode(out.getvalue()).decode(), "format": "xlsx"}
    assert api.post("/imports/devices", body, manager).status == 200
    sheet = xlsx_cells(api.get("/exports/devices?format=xlsx", manager, headers={"Accept": XLSX}).body)["设备"]
    row = dict(zip(COLUMNS, next(r for r in sheet if r[0] == "MON-XF")))
    assert row["brand"] == "'=1+1"


def test_billing_exports_neutralize_department_names_and_keep_money_numeric(api, manager):
    assert api.put("/departments/ICU", {"name": "=HYPERLINK(\"http://x\")"}, manager).status == 200
    make_loan("returned")  # ICU borrows MON-001 for an hour or less: 600 fen
    from medpool import clock

    month = clock.business_month(clock.now())
    rows = csv_rows(api.get(f"/billing?month={month}&format=csv", manager).body)
    assert_csv_is_inert(rows)
    icu = next(row for row in rows[1:] if row[1] == "ICU")
    assert icu[2] == "'=HYPERLINK(\"http://x\")" and icu[14] == "600"

    xlsx = api.get(f"/billing?month={month}&format=xlsx", manager, headers={"Accept": XLSX})
    sheets = xlsx_cells(xlsx.body)
    detail = next(row for row in sheets["明细"][1:] if row[1] == "ICU")
    assert detail[2] == "'=HYPERLINK(\"http://x\")" and detail[14] == 600
    summary = {row[1]: row for row in sheets["汇总"][1:]}
    assert summary["ICU"][2] == "'=HYPERLINK(\"http://x\")"
    assert summary["ICU"][5] == -600 and isinstance(summary["ICU"][5], int)  # negative money stays a number
