"""Bookings (预约) through the API on DynamoDB Local: the ward books, managers decide, the scheduled run makes
the loan; the answers, the 409 when full, what each caller sees, and what each booking action costs
(DynamoDB calls, as asserted for the loan actions in test_action_costs.py)."""
import pytest

from local.dynamodb_counter import count_dynamodb
from medpool import clock
from medpool.services.bookings import conversion
from tests.support import iso_in, table_counts


@pytest.fixture(scope="module")
def people(real_api):
    api, manager = real_api, real_api.login("demo-manager")
    assert api.post("/categories", {"id": "ecmo", "name": "ECMO", "rate_fen": 5000, "rate_unit": "hour",
                                    "max_loan_hours": 72}, manager).status == 201
    for n in (1, 2):
        assert api.post("/devices", {"id": f"ECMO-{n}", "category_id": "ecmo", "name": f"ECMO {n}",
                                     "owner_department_id": "SBK"}, manager).status == 201
    return api, real_api.login("demo-nurse-icu"), real_api.login("demo-nurse-em"), manager


def cost(call):
    with count_dynamodb() as usage:
        reply = call()
    assert reply.status in (200, 201), reply.body
    return reply, dict(usage.calls)


def book(api, token, key, start_h, end_h, **extra):
    body = {"category_id": "ecmo", "start_at": iso_in(start_h), "end_at": iso_in(end_h), "reason": "择期手术",
            **extra}
    return api.post("/bookings", body, token, headers={"Idempotency-Key": key})


def test_a_booking_through_the_api_and_what_each_action_costs(people):
    api, nurse, other, manager = people
    costs = {}
    body = {"category_id": "ecmo", "start_at": iso_in(30), "end_at": iso_in(36), "reason": "择期手术"}
    send = lambda: api.post("/bookings", body, nurse, headers={"Idempotency-Key": "api-book-0001"})  # noqa: E731
    reply, costs["create"] = cost(send)
    booking = reply.body
    assert (reply.status, booking["status"], booking["department_id"], booking["conflict"]) == (
        201, "requested", "ICU", None)
    assert send().body["id"] == booking["id"]  # a retry: the same booking
    second = book(api, other, "api-book-0002", 31, 35).body
    before = table_counts()
    full = book(api, other, "api-book-0003", 32, 34)
    assert (full.status, full.error_code) == (409, "booking_full") and table_counts() == before
    _, costs["approve"] = cost(lambda: api.post(f"/bookings/{booking['id']}/approve", None, manager))
    _, costs["reject"] = cost(lambda: api.post(f"/bookings/{second['id']}/reject", {"reason": "设备检修"}, manager))
    reply, costs["move"] = cost(lambda: api.post(f"/bookings/{booking['id']}/move",
                                                 {"start_at": iso_in(40), "end_at": iso_in(44)}, manager))
    assert reply.body["start_at"] == clock.to_iso(clock.parse_iso(reply.body["start_at"]))
    third = book(api, other, "api-book-0004", 50, 52).body
    _, costs["cancel"] = cost(lambda: api.post(f"/bookings/{third['id']}/cancel", None, other))
    _, costs["list"] = cost(lambda: api.get("/bookings?category_id=ecmo", manager))
    assert costs["create"] == {"GetItem": 1, "BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1}
    for action in ("approve", "reject", "cancel"):
        assert costs[action] == {"GetItem": 2, "TransactWriteItems": 1}, (action, costs[action])
    assert costs["move"] == {"GetItem": 2, "BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1}
    assert costs["list"] == {"GetItem": 1, "Query": 1}
    detail = api.get(f"/bookings/{booking['id']}", nurse).body
    assert [r["action"] for r in detail["timeline"]] == ["booking.create", "booking.approve", "booking.move"]
    assert api.get(f"/bookings/{booking['id']}", other).error_code == "other_department"
    assert api.post(f"/bookings/{booking['id']}/approve", None, nurse).status == 403
    mine = {b["id"] for b in api.get("/bookings", other).body["items"]}
    assert booking["id"] not in mine and third["id"] in mine
    day = clock.business_day(clock.parse_iso(detail["start_at"]))
    on_day = api.get(f"/bookings?day={day}&category_id=ecmo", manager).body["items"]
    assert booking["id"] in {b["id"] for b in on_day}
    assert {clock.business_day(clock.parse_iso(b["start_at"])) for b in on_day} == {day}


def test_bad_booking_requests_are_refused_and_write_nothing(people):
    api, nurse, _, manager = people
    before = table_counts()
    assert api.post("/bookings", {"category_id": "ecmo", "start_at": iso_in(3), "end_at": iso_in(4),
                                  "reason": "x"}, nurse).error_code == "missing_idempotency_key"
    assert book(api, nurse, "api-bad-0001", 5, 4).error_code == "booking_window_invalid"
    assert book(api, nurse, "api-bad-0002", -2, 4).error_code == "booking_in_past"
    assert book(api, nurse, "api-bad-0003", 5, 100).error_code == "booking_too_long"
    assert book(api, nurse, "api-bad-0004", 5, 6, device_id="MON-001").error_code == "wrong_category"
    assert api.post("/bookings", {"category_id": "nope", "start_at": iso_in(3), "end_at": iso_in(4), "reason": "x"},
                    nurse, headers={"Idempotency-Key": "api-bad-0005"}).error_code == "unknown_category"
    assert api.get("/bookings?department_id=EM", nurse).error_code == "other_department"
    assert api.post("/bookings/B0000000000000000000/approve", None, manager).status == 404
    assert table_counts() == before


def test_the_run_makes_the_loan_and_the_ward_sees_it(people):
    api, nurse, _, manager = people
    booking = book(api, nurse, "api-run-0001", 1, 3).body
    api.post(f"/bookings/{booking['id']}/approve", None, manager)
    result = conversion.run()
    assert booking["id"] in result.fulfilled
    stored = api.get(f"/bookings/{booking['id']}", nurse).body
    loan = api.get(f"/loans/{stored['loan_id']}", nurse).body
    assert (stored["status"], loan["status"], loan["booking_id"], loan["expected_return_at"]) == (
        "fulfilled", "approved", booking["id"], booking["end_at"])
    assert api.post(f"/bookings/{booking['id']}/cancel", None, nurse).error_code == "booking_fulfilled"


def test_a_manager_does_not_approve_their_own_booking(people):
    api, _, _, manager = people
    own = book(api, manager, "api-own-0001", 60, 62).body
    assert api.post(f"/bookings/{own['id']}/approve", None, manager).error_code == "own_request"
    admin = api.login("demo-admin")
    assert api.post(f"/bookings/{own['id']}/approve", None, admin).body["status"] == "approved"
