"""Statistics and billing compared exactly with figures computed by hand (docs/statistics.md).

Every time below is Beijing time (the business calendar), as are the periods asked for.
Dataset (rates: monitor 600 fen/h, ventilator 1500 fen/h; 4 devices per category, in the pool since 2022):
  A  MON-001  ICU  req 01-10 08:00, appr 08:30, out 09:00, back 01-11 09:30 ok      24.5 h -> 25 units, late
  B  MON-002  EM   req 01-31 20:00, appr 20:10, out 22:00, back 02-01 03:00 damaged  5 h: 2 units Jan + 3 Feb
     MON-002 then in maintenance 02-01 03:00 .. 02-03 03:00 (48 h)
  C  VENT-001 ICU  req 01-20 00:00, appr 01:00, out 02:00, still in use (due 01-21 00:00)
  MON-003 in maintenance 01-05 00:00 .. 01-08 00:00 (72 h)
  now = 2024-02-10 00:30
"""
from datetime import datetime, timedelta

import pytest

from medpool import clock
from medpool.api.routing import XLSX
from medpool.models.user import User
from medpool.services import devices, loan_flow, loans
from tests.support import label_scene, table_counts

def at(text: str) -> datetime:
    """A Beijing wall time."""
    return datetime.fromisoformat(text).replace(tzinfo=clock.SHANGHAI)


def lend(device_id, category_id, openid, key, requested, approved, handed, returned=None, condition="ok",
         return_requested=None):
    applicant, manager = User.get(openid), User.get("demo-manager")
    clock.freeze(at(requested))
    due = clock.to_iso(at(requested) + timedelta(hours=24))
    loan, _ = loans.create_loan(applicant, loans.LoanRequest(category_id, None, "urgent", "抢救", due), key)
    clock.freeze(at(approved))
    loan_flow.approve(manager, loan.id, device_id)
    clock.freeze(at(handed))
    loan_flow.hand_over(applicant, loan.id, scan=label_scene(device_id))
    if return_requested:
        clock.freeze(at(return_requested))
        loan_flow.request_return(applicant, loan.id)
    if returned:
        clock.freeze(at(returned))
        loan_flow.confirm_return(manager, loan.id, condition, "外壳裂纹" if condition == "damaged" else None,
                                 device_id=device_id)
    return loan.id


def set_status(device_id, status, when):
    clock.freeze(at(when))
    devices.update_device(User.get("demo-manager"), device_id, {"status": status, "status_reason": "校准"})


@pytest.fixture
def dataset(api):
    token = api.login("demo-manager")  # before freezing: the session token is checked against real time
    try:
        set_status("MON-003", "maintenance", "2024-01-05T00:00:00")
        set_status("MON-003", "available", "2024-01-08T00:00:00")
        ids = {"A": lend("MON-001", "monitor", "demo-nurse-icu", "stats-loan-A", "2024-01-10T08:00:00",
                         "2024-01-10T08:30:00", "2024-01-10T09:00:00", "2024-01-11T09:30:00"),
               "B": lend("MON-002", "monitor", "demo-nurse-em", "stats-loan-B", "2024-01-31T20:00:00",
                         "2024-01-31T20:10:00", "2024-01-31T22:00:00", "2024-02-01T03:00:00", "damaged"),
               "C": lend("VENT-001", "ventilator", "demo-nurse-icu", "stats-loan-C", "2024-01-20T00:00:00",
                         "2024-01-20T01:00:00", "2024-01-20T02:00:00")}
        set_status("MON-002", "available", "2024-02-03T03:00:00")
        clock.freeze(at("2024-02-10T00:30:00"))
        yield api, token, ids
    finally:
        clock.freeze(None)


def by_category(body):
    return {row["category_id"]: row for row in body["categories"]}


def test_january_statistics_by_hand(dataset):
    api, token, ids = dataset
    reply = api.get("/stats?from=2024-01-01&to=2024-01-31", token)
    assert reply.status == 200, reply.body
    body = reply.body
    assert (body["from"], body["to"], body["as_of"]) == ("2024-01-01", "2024-01-31", "2024-01-31T16:00:00.000Z")
    monitor = by_category(body)["monitor"]
    # pool: 4 devices x 744 h - MON-003's 72 h of maintenance; lent: A 24.5 h + B 2 h (22:00-24:00)
    assert monitor | {"top_departments": None} == {
        "category_id": "monitor", "name": "监护仪", "loans": 2, "device_hours": 26.5, "device_seconds": 95400,
        "pool_device_hours": 2904.0, "utilization": round(26.5 / 2904, 4), "returns": 1, "damaged_returns": 0,
        "damage_rate": 0.0, "open_at_end": 1, "overdue_loans": 1, "overdue_rate": 0.5,
        "revenue_fen": 25 * 600 + 2 * 600, "purchase_value_fen": 4 * 4_500_000,
        "benefit_rate": round(16200 * 365 / (18_000_000 * 31), 4),
        "median_minutes_to_approval": 20.0, "median_minutes_to_handover": 70.0, "top_departments": None}
    ventilator = by_category(body)["ventilator"]
    # C: out 01-20 02:00 .. end of January = 286 h, 286 started hours at 1500
    assert ventilator["loans"] == 1 and ventilator["device_hours"] == 286.0
    assert ventilator["pool_device_hours"] == 2976.0 and ventilator["utilization"] == round(286 / 2976, 4)
    assert (ventilator["returns"], ventilator["damage_rate"], ventilator["open_at_end"]) == (0, None, 1)
    assert (ventilator["overdue_loans"], ventilator["overdue_rate"]) == (1, 1.0)
    assert ventilator["revenue_fen"] == 286 * 1500
    assert ventilator["benefit_rate"] == round(429000 * 365 / (112_000_000 * 31), 4)
    assert by_category(body)["hfnc"]["utilization"] == 0.0 and by_category(body)["hfnc"]["loans"] == 0
    total = body["total"]
    assert (total["loans"], total["device_hours"], total["pool_device_hours"]) == (3, 312.5, 2904.0 + 3 * 2976)
    assert total["utilization"] == round(312.5 / 11832, 4)
    assert (total["returns"], total["open_at_end"], total["overdue_loans"], total["overdue_rate"]) == (1, 2, 2, 0.6667)
    assert total["revenue_fen"] == 445200 and total["purchase_value_fen"] == 159_200_000
    assert (total["median_minutes_to_approval"], total["median_minutes_to_handover"]) == (30.0, 60.0)
    assert body["top_departments"] == [
        {"department_id": "ICU", "loans": 2, "device_hours": 310.5, "revenue_fen": 444000},
        {"department_id": "EM", "loans": 1, "device_hours": 2.0, "revenue_fen": 1200}]


def test_february_counts_the_damage_the_repair_and_the_open_loan(dataset):
    api, token, _ = dataset
    body = api.get("/stats?from=2024-02-01&to=2024-02-29", token).body
    monitor = by_category(body)["monitor"]
    # as of 02-10 00:30: 9 days 0.5 h = 216.5 h per device; MON-002 out of the pool 48 h
    assert monitor["pool_device_hours"] == 4 * 216.5 - 48
    assert (monitor["loans"], monitor["device_hours"], monitor["returns"]) == (0, 3.0, 1)
    assert (monitor["damaged_returns"], monitor["damage_rate"], monitor["revenue_fen"]) == (1, 1.0, 3 * 600)
    ventilator = by_category(body)["ventilator"]
    # C as of now: out 502.5 h = 286 h (January) + 216.5 h; 503 started units - 286 in January = 217
    assert ventilator["device_hours"] == 216.5 and ventilator["revenue_fen"] == 217 * 1500


def test_billing_january_by_hand(dataset):
    api, token, ids = dataset
    body = api.get("/billing?month=2024-01", token).body
    assert body["final"] is True and body["total_fen"] == 445200
    departments = {row["department_id"]: row for row in body["departments"]}
    assert {d: (r["charges_fen"], r["credits_fen"], r["net_fen"]) for d, r in departments.items()} == {
        "ICU": (444000, 0, -444000), "EM": (1200, 0, -1200), "SBK": (0, 445200, 445200)}
    lines = {line["loan_id"]: line for line in departments["ICU"]["charges"]}
    assert (lines[ids["A"]]["units"], lines[ids["A"]]["amount_fen"]) == (25, 15000)
    assert (lines[ids["C"]]["units"], lines[ids["C"]]["returned_at"]) == (286, None)
    assert [(line["loan_id"], line["units"]) for line in departments["EM"]["charges"]] == [(ids["B"], 2)]
    assert sorted(line["loan_id"] for line in departments["SBK"]["credits"]) == sorted(ids.values())


def test_a_loan_split_at_the_month_boundary_adds_up_to_its_charge(dataset):
    api, token, ids = dataset
    january = api.get("/billing?month=2024-01", token).body
    february = api.get("/billing?month=2024-02", token).body
    assert february["final"] is False and february["total_fen"] == 3 * 600 + 217 * 1500

    def em_units(body):
        return sum(line["units"] for d in body["departments"] if d["department_id"] == "EM" for line in d["charges"])

    loan_b = api.get(f"/loans/{ids['B']}", token).body
    assert (em_units(january), em_units(february)) == (2, 3)
    assert (em_units(january) + em_units(february)) * 600 == loan_b["charge_fen"] == 3000


def test_billing_files_for_the_finance_office(dataset):
    api, token, ids = dataset
    csv_reply = api.get("/billing?month=2024-01&format=csv", token)
    assert csv_reply.status == 200 and csv_reply.headers["Content-Type"].startswith("text/csv")
    assert "billing-2024-01.csv" in csv_reply.headers["Content-Disposition"]
    text = csv_reply.body.decode("utf-8-sig") if isinstance(csv_reply.body, bytes) else csv_reply.body.lstrip("\ufeff")
    rows = [line.split(",") for line in text.strip().splitlines()]
    assert rows[0][:4] == ["月份", "科室编码", "科室名称", "类型"]
    assert sum(int(row[14]) for row in rows[1:] if row[3] == "借用扣费") == 445200
    refused = api.get("/billing?month=2024-01&format=xlsx", token)
    assert (refused.status, refused.error_code) == (400, "accept_header_required")
    xlsx = api.get("/billing?month=2024-01&format=xlsx", token, headers={"Accept": XLSX})
    assert xlsx.status == 200 and xlsx.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(xlsx.body))
    assert book.sheetnames == ["明细", "汇总"]
    summary = {row[1]: row[5] for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary == {"EM": -1200, "ICU": -444000, "SBK": 445200}


@pytest.mark.parametrize("query, status, code", [
    ("from=2024-02-01&to=2024-01-01", 422, "invalid_period"),
    ("from=2023-01-01&to=2024-12-31", 422, "period_too_long"),
    ("from=1999-12-31&to=2000-01-01", 400, "validation_error"),  # years outside 2000..2100: the schema
    ("from=2024-02-30&to=2024-03-01", 400, "validation_error"),
    ("from=2024-01-01", 400, "validation_error"),
    ("from=2024-01-01&to=2024-01-02&x=1", 400, "validation_error"),
])
def test_bad_stats_periods_are_refused(api, query, status, code):
    token = api.login("demo-manager")
    reply = api.get(f"/stats?{query}", token)
    assert (reply.status, reply.error_code) == (status, code)


@pytest.mark.parametrize("query, status", [("month=2024-13", 400), ("month=1999-12", 400), ("month=2024-01&format=pdf", 400),
                                           ("", 400)])
def test_bad_billing_months_are_refused(api, query, status):
    token = api.login("demo-manager")
    before = table_counts()
    assert api.get(f"/billing?{query}", token).status == status
    assert table_counts() == before


def test_stats_read_no_scan(dataset):
    from local.dynamodb_counter import count_dynamodb

    api, token, _ = dataset
    with count_dynamodb() as usage:
        assert api.get("/stats?from=2024-01-01&to=2024-01-31", token).status == 200
    assert "Scan" not in usage.calls


@pytest.fixture
def return_requests(api):
    """HFNC loans (800 fen/h) in June 2024, each due 24 h after its request; now = 2024-07-02 00:00 (Beijing time, as are the others):
      D  HFNC-001 ICU out 06-03 08:30, due 06-04 08:00, return requested 06-04 07:00 (on time),
         collected 06-04 12:00 (late)                          -> given back 07:00: not overdue
      E  HFNC-002 EM  out 06-10 09:00, due 06-11 08:00, requested 06-11 10:00 (late), collected 11:00
                                                               -> given back 10:00: overdue
      F  HFNC-003 ICU out 06-28 09:00, due 06-29 08:00, requested 06-29 07:00 (on time), still
         return_requested now (open loan, from the loans table) -> not overdue
      G  HFNC-004 EM  out 06-29 09:00, due 06-30 08:00, requested 06-30 20:00 (late), collected 07-01
         09:00 (open at the end of June, from the ledger)     -> overdue in June and July
    The old rule (returned after due / out past due at the end) counted all four."""
    token = api.login("demo-manager")
    try:
        ids = {"D": lend("HFNC-001", "hfnc", "demo-nurse-icu", "stats-rr-D", "2024-06-03T08:00:00",
                         "2024-06-03T08:10:00", "2024-06-03T08:30:00", "2024-06-04T12:00:00",
                         return_requested="2024-06-04T07:00:00"),
               "E": lend("HFNC-002", "hfnc", "demo-nurse-em", "stats-rr-E", "2024-06-10T08:00:00",
                         "2024-06-10T08:30:00", "2024-06-10T09:00:00", "2024-06-11T11:00:00",
                         return_requested="2024-06-11T10:00:00"),
               "F": lend("HFNC-003", "hfnc", "demo-nurse-icu", "stats-rr-F", "2024-06-28T08:00:00",
                         "2024-06-28T08:30:00", "2024-06-28T09:00:00", return_requested="2024-06-29T07:00:00"),
               "G": lend("HFNC-004", "hfnc", "demo-nurse-em", "stats-rr-G", "2024-06-29T08:00:00",
                         "2024-06-29T08:30:00", "2024-06-29T09:00:00", "2024-07-01T09:00:00",
                         return_requested="2024-06-30T20:00:00")}
        clock.freeze(at("2024-07-02T00:00:00"))
        yield api, token, ids
    finally:
        clock.freeze(None)


def test_a_timely_return_request_is_not_overdue(return_requests):
    api, token, ids = return_requests
    assert api.get(f"/loans/{ids['F']}", token).body["status"] == "return_requested"
    june = by_category(api.get("/stats?from=2024-06-01&to=2024-06-30", token).body)["hfnc"]
    # returns D (on time: requested 07:00 < due 08:00) and E (late); open at the end F (requested on
    # time, waiting) and G (requested late, collected in July): overdue E + G = 2 of 4
    assert (june["loans"], june["returns"], june["open_at_end"]) == (4, 2, 2)
    assert (june["overdue_loans"], june["overdue_rate"]) == (2, 0.5)
    july = by_category(api.get("/stats?from=2024-07-01&to=2024-07-31", token).body)["hfnc"]
    # G returned in July, given back 06-30 20:00 after its due time; F still out, requested on time
    assert (july["returns"], july["open_at_end"], july["overdue_loans"], july["overdue_rate"]) == (1, 1, 1, 0.5)


def test_a_request_before_the_due_time_counts_at_the_end_of_a_shorter_period(return_requests):
    api, token, _ = return_requests
    # to 06-29 (end 06-30 00:00): F requested 06-29 07:00, before its due 08:00 -> not overdue although
    # due < end; G in use, due 06-30 08:00 not yet passed; returns D (on time) and E (late)
    hfnc = by_category(api.get("/stats?from=2024-06-01&to=2024-06-29", token).body)["hfnc"]
    assert (hfnc["returns"], hfnc["open_at_end"], hfnc["overdue_loans"], hfnc["overdue_rate"]) == (2, 2, 1, 0.25)
