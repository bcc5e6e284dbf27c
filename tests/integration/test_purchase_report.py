"""On DynamoDB Local: GET /stats/purchase (getPurchaseReport) reads a period's requests by key and answers the
hand-computed figures of a pool of 2 and 5 requests (+1 cancelled while waiting); xlsx; errors; the demo year."""
from datetime import datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from local.dynamodb_counter import count_dynamodb
from medpool import clock
from medpool.api.routing import XLSX
from medpool.demo import SYSTEM, seed_demo
from medpool.models.loan import URGENCY_RANK, Loan
from medpool.services import categories, devices
from medpool.services.reports import purchase

DAY = datetime(2025, 6, 2, 8, 0, tzinfo=clock.SHANGHAI)  # a Monday, 08:00 Beijing time
CATEGORY = "purchase_case"


def _at(minutes: float | None) -> str | None:
    return None if minutes is None else clock.to_iso(DAY + timedelta(minutes=minutes))


def _save(loan_id, urgency, requested, queued, approved=None, returned=None, cancelled=None, device=None):
    status = "returned" if returned is not None else "cancelled" if cancelled is not None else "pending"
    Loan(loan_id, status=status, department_id="ICU", applicant_openid="demo-nurse-icu", category_id=CATEGORY,
         device_id=device, urgency=urgency, queue_key=f"{URGENCY_RANK[urgency]}#{_at(requested)}#{loan_id}",
         reason="测试", expected_return_at=_at(24 * 60), idempotency_key=loan_id, request_fingerprint="t",
         requested_at=_at(requested), queued_at=_at(requested) if queued else None, approved_at=_at(approved),
         handed_over_at=_at(approved), returned_at=_at(returned), cancelled_at=_at(cancelled),
         rate_fen=100, rate_unit="hour").save()


@pytest.fixture(scope="module")
def case(real_tables):
    """A category of 2 devices and the five requests of tests/unit/test_purchase.py as they really went with
    2 devices (a, b at once; c gets a's at 10:00; e and d at 11:00), plus f, cancelled after 30 min waiting."""
    clock.freeze(DAY - timedelta(days=200))
    categories.create_category(SYSTEM, CATEGORY, {"name": "测试类别", "rate_fen": 100, "rate_unit": "hour",
                                                  "max_loan_hours": 72})
    for n in (1, 2):
        devices.create_device(SYSTEM, f"PC-{n}", {"category_id": CATEGORY, "name": f"测试 {n}",
                                                  "owner_department_id": "SBK", "purchase_date": "2025-01-01"})
    clock.freeze(None)
    _save("a", "routine", 0, False, 0, 120, device="PC-1")
    _save("b", "routine", 0, False, 0, 180, device="PC-2")
    _save("c", "emergency", 10, True, 120, 180, device="PC-1")
    _save("d", "routine", 20, True, 180, 240, device="PC-2")
    _save("e", "urgent", 30, True, 180, 240, device="PC-1")
    _save("f", "routine", 60, True, cancelled=90)


def test_the_route_answers_the_hand_computed_case(real_api, case):
    token = real_api.login("demo-manager")
    with count_dynamodb() as usage:
        reply = real_api.get(f"/stats/purchase?from=2025-06-02&to=2025-06-02&category={CATEGORY}", token)
    assert reply.status == 200, reply.body
    assert usage.calls["Scan"] == 0
    (row,) = reply.body["categories"]
    assert (row["requests"], row["queued_requests"], row["cancelled_while_waiting"]) == (6, 4, 1)
    assert row["current_devices"] == 2 and row["peak_in_use"] == 2 and row["peak_at"] == _at(0)
    assert row["hours_none_available"] == 4.0  # both held 08:00-12:00
    waits = row["waits"]
    assert waits["emergency"] == {"count": 1, "median_minutes": 110.0, "p90_minutes": 110.0}
    assert waits["urgent"] == {"count": 1, "median_minutes": 150.0, "p90_minutes": 150.0}
    assert waits["routine"] == {"count": 2, "median_minutes": 95.0, "p90_minutes": 160.0}  # d 160, f 30 (cancelled)
    assert waits["total"] == {"count": 4, "median_minutes": 130.0, "p90_minutes": 160.0}
    # replay: 5 devices serve the emergency at once and f within 10 min; with 4, e waits 40 min (80 % < 95 %)
    recommendation = row["recommendation"]
    assert recommendation["devices"] == 5
    assert [(o["devices"], o["meets_target"]) for o in recommendation["options"]] == [(4, False), (5, True),
                                                                                    (6, True)]
    assert recommendation["options"][0]["other_within_target"] == 0.8
    # the pool as it is, replayed: c waits 110 min; of the others only a and b within 30 min (f: 180 min)
    current = recommendation["current"]
    assert (current["devices"], current["emergency_within_target"], current["other_within_target"]) == (2, 0.0, 0.4)
    assert current["max_wait_minutes"] == 180.0
    assert row["heatmap"][0][8] == 2.0 and row["heatmap"][0][11] == 2.0 and row["heatmap"][0][12] == 0.0
    assert row["sentence"].startswith("测试类别：建议 5 台（现有 2 台）")
    assert reply.body["target"] == {"emergency_minutes": 0.0, "emergency_share": 1.0, "other_minutes": 30.0,
                                    "other_share": 0.95}


def test_it_reads_the_category_and_period_by_key(real_api, case):
    """What it reads is the period's requests of the category (+ the look-back), not history."""
    with count_dynamodb() as usage:
        purchase.purchase_report(DAY.date(), DAY.date(), CATEGORY)
    assert usage.calls["Scan"] == 0 and usage.calls["Query"] >= 1


def test_xlsx_and_errors(real_api, case):
    token = real_api.login("demo-manager")
    path = f"/stats/purchase?from=2025-06-02&to=2025-06-02&category={CATEGORY}&format=xlsx"
    assert real_api.get(path, token).status == 400  # without Accept: accept_header_required
    reply = real_api.get(path, token, headers={"Accept": XLSX})
    assert reply.status == 200
    book = load_workbook(BytesIO(reply.body))
    assert book.sheetnames == ["购置依据", "使用热力图", "分类统计"]
    rows = list(book["购置依据"].values)
    assert rows[1][2:6] == (CATEGORY, "测试类别", 2, 5)
    assert real_api.get("/stats/purchase?from=2025-06-02&to=2025-06-02&category=nope", token).status == 404
    assert real_api.get("/stats/purchase?from=2025-06-03&to=2025-06-02", token).status == 422
    nurse = real_api.login("demo-nurse-icu")
    assert real_api.get("/stats/purchase?from=2025-06-02&to=2025-06-02", nurse).status == 403


def test_the_demo_year_through_the_report(real_api, case):
    assert seed_demo(demo_year=True)["demo-year loans"] == 664
    report = purchase.purchase_report(datetime(2023, 4, 1).date(), datetime(2024, 3, 31).date())
    rows = {row["category_id"]: row for row in report["categories"] if row["category_id"] != CATEGORY}
    assert {c: row["requests"] for c, row in rows.items()} == {
        "ventilator": 128, "hfnc": 181, "syringe_pump": 90, "monitor": 197, "infusion_pump": 68}
    # the demo's waits are what its real pool made them: requests queued only when every device was out
    for row in rows.values():
        assert row["waits"]["total"]["count"] == row["queued_requests"]
        assert row["hours_none_available"] > 0 or row["queued_requests"] == 0
        assert row["peak_in_use"] <= row["current_devices"]
        # replayed against the pool as it is, the year's requests wait about as often as they really did (the
        # replay leaves out the turnaround between loans and the approval delays)
        assert abs(row["recommendation"]["current"]["waited"] - row["queued_requests"]) <= 2
    assert rows["hfnc"]["queued_requests"] > 0 and rows["hfnc"]["waits"]["total"]["median_minutes"] > 0
