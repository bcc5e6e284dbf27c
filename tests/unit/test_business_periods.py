"""Business periods are Beijing time (Asia/Shanghai, UTC+8): billing months, ledger partitions,
statistics days and the records feed's day, tested at 23:30 and 00:30 Beijing time around a month end
(2024-01-31/02-01) and a year end (2024-12-31/2025-01-01). Stored times stay UTC."""
from datetime import date, datetime, timedelta, timezone
from io import BytesIO

import pytest
from openpyxl import Workbook

from medpool import clock
from medpool.models.device import Device
from medpool.models.ledger import LedgerEntry
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import loan_flow, loans, stats
from medpool.services.tabular import read_table
from tests.support import label_scene


def utc(text: str) -> datetime:
    return clock.parse_iso(text)


@pytest.mark.parametrize("moment, day, month", [
    ("2024-01-31T15:30:00Z", "2024-01-31", "2024-01"),  # 23:30 Beijing
    ("2024-01-31T16:30:00Z", "2024-02-01", "2024-02"),  # 00:30 Beijing: already February
    ("2024-12-31T15:30:00Z", "2024-12-31", "2024-12"),
    ("2024-12-31T16:30:00Z", "2025-01-01", "2025-01"),  # 00:30 Beijing: already next year
])
def test_the_business_day_and_month_of_a_moment(moment, day, month):
    assert (clock.business_day(utc(moment)), clock.business_month(utc(moment))) == (day, month)
    assert clock.business_day_of(moment) == day


def test_periods_start_at_midnight_beijing_time():
    assert clock.day_start(date(2024, 2, 1)) == utc("2024-01-31T16:00:00Z")
    assert stats.window_of(date(2025, 1, 1), date(2025, 1, 1)).start == utc("2024-12-31T16:00:00Z")
    assert stats.pool_start(Device("X", purchase_date="2024-02-01")) == utc("2024-01-31T16:00:00Z")


def lend(device_id: str, key: str, handed: str, returned: str) -> str:
    """A monitor loan of ICU (600 fen/h) handed over and returned at the given UTC times."""
    nurse, manager = User.get("demo-nurse-icu"), User.get("demo-manager")
    start = utc(handed) - timedelta(minutes=30)
    clock.freeze(start)
    request = loans.LoanRequest("monitor", None, "urgent", "夜间抢救", clock.to_iso(start + timedelta(hours=24)))
    loan, _ = loans.create_loan(nurse, request, key)
    clock.freeze(start + timedelta(minutes=10))
    loan_flow.approve(manager, loan.id, device_id)
    clock.freeze(utc(handed))
    loan_flow.hand_over(nurse, loan.id, scan=label_scene(device_id))
    clock.freeze(utc(returned))
    loan_flow.confirm_return(manager, loan.id, "ok", device_id=device_id)
    return loan.id


@pytest.fixture
def boundary_loans(api):
    """Four one-unit loans, each returned 25 min after hand-over:
      jan  returned 2024-01-31 23:30 Beijing (15:30Z)   feb  returned 2024-02-01 00:30 Beijing (16:30Z)
      dec  returned 2024-12-31 23:30 Beijing (15:30Z)   new  returned 2025-01-01 00:30 Beijing (16:30Z)
    Under UTC all four belonged to the earlier month."""
    token = api.login("demo-manager")  # before freezing: the session token is checked against real time
    try:
        ids = {"jan": lend("MON-001", "bp-jan-0001", "2024-01-31T15:05:00Z", "2024-01-31T15:30:00Z"),
               "feb": lend("MON-002", "bp-feb-0001", "2024-01-31T16:05:00Z", "2024-01-31T16:30:00Z"),
               "dec": lend("MON-003", "bp-dec-0001", "2024-12-31T15:05:00Z", "2024-12-31T15:30:00Z"),
               "new": lend("MON-004", "bp-new-0001", "2024-12-31T16:05:00Z", "2024-12-31T16:30:00Z")}
        clock.freeze(utc("2025-02-10T00:00:00Z"))
        yield api, token, ids
    finally:
        clock.freeze(None)


def billed(api, token, month: str) -> set[str]:
    body = api.get(f"/billing?month={month}", token).body
    return {line["loan_id"] for d in body["departments"] if d["department_id"] == "ICU" for line in d["charges"]}


def test_ledger_partitions_are_beijing_months(boundary_loans):
    _, _, ids = boundary_loans
    months = {name: sorted(e.month for m in ("2024-01", "2024-02", "2024-12", "2025-01")
                           for e in LedgerEntry.query(m) if e.loan_id == loan_id) for name, loan_id in ids.items()}
    assert months == {"jan": ["2024-01"], "feb": ["2024-02"], "dec": ["2024-12"], "new": ["2025-01"]}
    # stored times stay UTC
    assert {e.end for e in LedgerEntry.query("2024-02")} == {"2024-01-31T16:30:00.000Z"}


def test_billing_months_are_beijing_months(boundary_loans):
    api, token, ids = boundary_loans
    assert billed(api, token, "2024-01") == {ids["jan"]}
    assert billed(api, token, "2024-02") == {ids["feb"]}
    assert billed(api, token, "2024-12") == {ids["dec"]}
    assert billed(api, token, "2025-01") == {ids["new"]}
    body = api.get("/billing?month=2024-02", token).body
    lines = [line for d in body["departments"] for line in d["charges"]]
    assert [line["handed_over_at"] for line in lines] == ["2024-01-31T16:05:00.000Z"]  # the API's times stay UTC


def test_the_billing_sheet_shows_beijing_time(boundary_loans):
    api, token, ids = boundary_loans
    text = api.get("/billing?month=2024-02&format=csv", token).body
    text = text.decode("utf-8-sig") if isinstance(text, bytes) else text.lstrip("\ufeff")
    rows = [line.split(",") for line in text.strip().splitlines()]
    assert rows[0][9:11] == ["交接时间(北京时间)", "归还时间(北京时间)"]
    assert {(row[4], row[9], row[10]) for row in rows[1:]} == {(ids["feb"], "2024-02-01 00:05:00", "2024-02-01 00:30:00")}


@pytest.mark.parametrize("day, expected", [("2024-01-31", "jan"), ("2024-02-01", "feb"),
                                           ("2024-12-31", "dec"), ("2025-01-01", "new")])
def test_statistics_days_are_beijing_days(boundary_loans, day, expected):
    api, token, ids = boundary_loans
    body = api.get(f"/stats?from={day}&to={day}", token).body
    monitor = next(row for row in body["categories"] if row["category_id"] == "monitor")
    assert (monitor["loans"], monitor["returns"], monitor["revenue_fen"]) == (1, 1, 600)
    assert monitor["device_seconds"] == 25 * 60
    assert body["as_of"] == clock.to_iso(clock.day_start(date.fromisoformat(day) + timedelta(days=1)))


def return_records(api, token, day: str | None) -> set[str]:
    page = api.get("/records" + (f"?day={day}" if day else ""), token).body
    return {r["subject"] for r in page["items"] if r["action"] == "loan.confirm_return"}


def test_the_records_feed_day_is_the_beijing_day(boundary_loans):
    api, token, ids = boundary_loans
    assert return_records(api, token, "2024-01-31") == {f"loan#{ids['jan']}"}
    assert return_records(api, token, "2024-02-01") == {f"loan#{ids['feb']}"}
    assert return_records(api, token, "2024-12-31") == {f"loan#{ids['dec']}"}
    assert return_records(api, token, "2025-01-01") == {f"loan#{ids['new']}"}
    record = next(r for r in Record.query(f"loan#{ids['feb']}") if r.action == "loan.confirm_return")
    assert (record.day, record.at) == ("2024-02-01", "2024-01-31T16:30:00.000Z")


def test_the_records_feed_defaults_to_today_in_beijing(boundary_loans):
    api, token, ids = boundary_loans
    clock.freeze(utc("2024-12-31T16:40:00Z"))  # 2025-01-01 00:40 Beijing; still 12-31 in UTC
    assert return_records(api, token, None) == {f"loan#{ids['new']}"}


def test_a_naive_xlsx_date_time_is_beijing_time():
    book = Workbook()
    book.active.append(["handed_over_at"])
    book.active.append([datetime(2024, 2, 1, 0, 30)])  # Excel keeps no offset: the hospital's wall time
    out = BytesIO()
    book.save(out)
    _, body = read_table(out.getvalue(), "xlsx")
    assert body == [(2, ["2024-02-01T00:30:00+08:00"])]
    assert clock.parse_iso(body[0][1][0]) == datetime(2024, 1, 31, 16, 30, tzinfo=timezone.utc)


def legacy_entry(month: str, loan_id: str, start: str, end: str) -> LedgerEntry:
    return LedgerEntry(month, f"loan#{loan_id}", kind="loan", device_id="MON-001", category_id="monitor",
                       start=start, end=end, loan_id=loan_id, department_id="ICU", owner_department_id="SBK",
                       requested_at=start, approved_at=start, condition="ok", rate_fen=600, rate_unit="hour",
                       charge_fen=600)


def test_rekey_moves_utc_periods_to_beijing_periods(seeded):
    """Data written under the UTC rule: a loan of 00:05-00:30 on 1 February (Beijing) in January's
    partition, one across the UTC month end in both, one of 01:00-02:00 on 1 March in February's; a
    record of 00:30 on 1 February under the day 01-31."""
    from medpool.services import billing
    from medpool.services.period_keys import rekey_periods

    for entry in (legacy_entry("2024-01", "LFEB", "2024-01-31T16:05:00.000Z", "2024-01-31T16:30:00.000Z"),
                  legacy_entry("2024-01", "LSPAN", "2024-01-31T10:00:00.000Z", "2024-02-01T10:00:00.000Z"),
                  legacy_entry("2024-02", "LSPAN", "2024-01-31T10:00:00.000Z", "2024-02-01T10:00:00.000Z"),
                  legacy_entry("2024-02", "LMAR", "2024-02-29T17:00:00.000Z", "2024-02-29T17:30:00.000Z")):
        entry.save()
    Record("loan#LFEB", "2024-01-31T16:30:00.000Z#abcd", at="2024-01-31T16:30:00.000Z", day="2024-01-31",
           actor="demo-manager", action="loan.confirm_return").save()
    assert rekey_periods() == {"records_rekeyed": 1, "ledger_entries_written": 2, "ledger_entries_deleted": 2}
    months = sorted((e.loan_id, e.month) for m in ("2024-01", "2024-02", "2024-03") for e in LedgerEntry.query(m))
    assert months == [("LFEB", "2024-02"), ("LMAR", "2024-03"), ("LSPAN", "2024-01"), ("LSPAN", "2024-02")]
    assert [r.subject for r in Record.by_day.query("2024-02-01")] == ["loan#LFEB"]
    assert list(Record.by_day.query("2024-01-31")) == []
    clock.freeze(utc("2024-04-01T00:00:00Z"))
    try:
        february = billing.monthly_billing("2024-02")
    finally:
        clock.freeze(None)
    assert sorted(line["loan_id"] for d in february["departments"] if d["department_id"] == "ICU"
                  for line in d["charges"]) == ["LFEB", "LSPAN"]
    assert rekey_periods() == {"records_rekeyed": 0, "ledger_entries_written": 0, "ledger_entries_deleted": 0}


def test_an_xlsx_purchase_date_cell_is_a_beijing_date(api):
    import base64

    book = Workbook()
    book.active.append(["id", "category_id", "name", "owner_department_id", "purchase_date"])
    book.active.append(["MON-D1", "monitor", "监护仪 D1", "SBK", datetime(2023, 6, 1)])  # an Excel date cell
    out = BytesIO()
    book.save(out)
    token = api.login("demo-manager")
    reply = api.post("/imports/devices", {"content": base64.b64encode(out.getvalue()).decode(), "format": "xlsx"}, token)
    assert reply.status == 200, reply.body
    assert Device.get("MON-D1").purchase_date == "2023-06-01"
    assert stats.pool_start(Device.get("MON-D1")) == utc("2023-05-31T16:00:00Z")
