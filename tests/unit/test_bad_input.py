"""Bad input gets a clear 4xx in the API's error shape and writes nothing (issue 10 item 2): cursors that
no server wrote, dates whose conversion to UTC would overflow, years outside the accepted range."""
import pytest

import app  # noqa: F401 - registers every route
from medpool.api.routing import ROUTES
from medpool.api.schemas.common import PageQuery
from medpool.errors import BadRequest
from medpool.policy import Access
from medpool.services.pages import decode_cursor, encode_cursor
from medpool.clock import FIRST_YEAR, LAST_YEAR
from tests.support import iso_in, make_loan, table_counts

LIST_ROUTES = sorted((spec.path, spec.access) for spec in ROUTES
                     if spec.query is not None and issubclass(spec.query, PageQuery))
BAD_CURSORS = ["abc.%C3%A9", "%C3%A9", "abc.%E2%80%AE0123456789abcdef", "x" * 3000, "abc.def", "."]
OVERFLOWING = ["9999-12-31T23:00:00-01:00", "0001-01-01T00:00:00+14:00"]
OUT_OF_RANGE = [f"{FIRST_YEAR - 1}-12-31T23:00:00Z", f"{LAST_YEAR + 1}-01-01T00:00:00Z", "2026-02-30T08:00:00Z",
                "2026-12-01T08:00:00", "2026-12-01 08:00:00Z", "\uff12\uff10\uff12\uff16-12-01T08:00:00Z"]


def test_every_list_route_is_covered():
    assert {path for path, _ in LIST_ROUTES} == {"/announcements", "/notifications", "/loans", "/devices",
                                                "/outbox", "/records", "/users", "/bookings", "/access"}


@pytest.mark.parametrize("path,access", LIST_ROUTES, ids=[path for path, _ in LIST_ROUTES])
@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_a_cursor_no_server_wrote_is_400_invalid_cursor(api, path, access, cursor):
    callers = ["demo-manager", "demo-admin"] + (["demo-nurse-icu"] if access is Access.ACTIVE else [])
    for openid in callers:
        reply = api.get(f"{path}?cursor={cursor}", api.login(openid))
        assert (reply.status, reply.error_code) == (400, "invalid_cursor"), (openid, reply)
        assert reply.body["error"]["message"].startswith("分页参数无效")


def test_decode_cursor_refuses_non_ascii_and_non_objects(tables):
    for cursor in ["abc.\u00e9", "\u00e9.\u00e9", encode_cursor({"k": 1}, "s").split(".")[0] + ".\u00e9"]:
        with pytest.raises(BadRequest) as refused:
            decode_cursor(cursor, "s")
        assert refused.value.code == "invalid_cursor"
    with pytest.raises(BadRequest):
        decode_cursor(encode_cursor([1], "s"), "s")
    assert decode_cursor(encode_cursor({"k": 1}, "s"), "s") == {"k": 1}


def _refused(reply, before):
    assert (reply.status, reply.error_code) == (400, "validation_error"), reply
    assert reply.body["error"]["message"].startswith("请求内容不符合要求")
    assert table_counts() == before


@pytest.mark.parametrize("moment", OVERFLOWING + OUT_OF_RANGE)
def test_create_loan_refuses_times_out_of_range(api, moment):
    nurse = api.login("demo-nurse-icu")
    before = table_counts()
    body = {"category_id": "monitor", "urgency": "routine", "reason": "术后监护", "expected_return_at": moment}
    _refused(api.post("/loans", body, nurse, headers={"Idempotency-Key": "bad-time-0001"}), before)


@pytest.mark.parametrize("moment", OVERFLOWING + OUT_OF_RANGE)
def test_create_and_move_booking_refuse_times_out_of_range(api, moment):
    nurse, manager = api.login("demo-nurse-icu"), api.login("demo-manager")
    good = {"category_id": "monitor", "start_at": iso_in(30), "end_at": iso_in(34), "reason": "择期手术"}
    created = api.post("/bookings", good, nurse, headers={"Idempotency-Key": "bad-booking-0001"})
    assert created.status == 201, created
    before = table_counts()
    for field in ("start_at", "end_at"):
        _refused(api.post("/bookings", {**good, field: moment}, nurse, headers={"Idempotency-Key": "bad-time-0002"}),
                 before)
        _refused(api.post(f"/bookings/{created.body['id']}/move", {"start_at": iso_in(40), "end_at": iso_in(44),
                                                                   field: moment}, manager), before)


@pytest.mark.parametrize("moment", OVERFLOWING + OUT_OF_RANGE)
def test_extend_refuses_times_out_of_range(api, moment):
    loan = make_loan("in_use")
    manager = api.login("demo-manager")
    before = table_counts()
    _refused(api.post(f"/loans/{loan.id}/extend", {"expected_return_at": moment, "reason": "病情需要"}, manager),
             before)


@pytest.mark.parametrize("moment", OVERFLOWING + OUT_OF_RANGE)
def test_announcement_expiry_refuses_times_out_of_range(api, moment):
    manager = api.login("demo-manager")
    created = api.post("/announcements", {"title": "通知", "body": "内容"}, manager)
    before = table_counts()
    _refused(api.post("/announcements", {"title": "通知", "body": "内容", "expires_at": moment}, manager), before)
    _refused(api.put(f"/announcements/{created.body['id']}", {"expires_at": moment}, manager), before)


def test_the_year_bounds_are_inclusive(api):
    manager = api.login("demo-manager")
    last = api.post("/announcements", {"title": "通知", "body": "内容", "expires_at": f"{LAST_YEAR}-12-31T23:59:59+08:00"},
                    manager)
    assert last.status == 201 and last.body["expires_at"] == f"{LAST_YEAR}-12-31T15:59:59.000Z"
    # the first year is in the past: a business rule (422), not a malformed time (400)
    first = api.post("/announcements", {"title": "通知", "body": "内容", "expires_at": f"{FIRST_YEAR}-01-01T00:00:00Z"},
                     manager)
    assert (first.status, first.error_code) == (422, "expires_in_past")
    nurse = api.login("demo-nurse-icu")
    loan = api.post("/loans", {"category_id": "monitor", "urgency": "routine", "reason": "术后监护",
                               "expected_return_at": iso_in(24).replace("Z", "+00:00")}, nurse,
                    headers={"Idempotency-Key": "good-time-0001"})
    assert loan.status == 201


@pytest.mark.parametrize("query", ["month=0000-01", f"month={FIRST_YEAR - 1}-12", f"month={LAST_YEAR + 1}-01",
                                   "month=2026-13"])
def test_billing_month_out_of_range_is_400(api, query):
    reply = api.get(f"/billing?{query}", api.login("demo-manager"))
    assert (reply.status, reply.error_code) == (400, "validation_error"), reply


@pytest.mark.parametrize("query", ["from=0001-01-01&to=0001-01-02", f"from={FIRST_YEAR - 1}-12-31&to={FIRST_YEAR}-01-02",
                                   f"from={LAST_YEAR}-12-31&to={LAST_YEAR + 1}-01-01", "from=2026-02-30&to=2026-03-01"])
def test_stats_days_out_of_range_are_400(api, query):
    reply = api.get(f"/stats?{query}", api.login("demo-manager"))
    assert (reply.status, reply.error_code) == (400, "validation_error"), reply


def test_records_day_out_of_range_is_400(api):
    manager = api.login("demo-manager")
    for day in ["0001-01-01", "9999-12-31", "2026-02-30"]:
        assert api.get(f"/records?day={day}", manager).error_code == "validation_error"
    assert api.get("/records?day=2026-02-28", manager).status == 200
