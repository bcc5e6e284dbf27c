"""An extension (续借) within the category's `max_loan_hours` (counted from hand-over) needs the usual reason;
past it, a manager or an admin must also give `over_limit_reason`, recorded in the extension's audit record;
without it the extension is `422 extension_too_long` and writes nothing."""
import pytest

from medpool.models.loan import Loan
from tests.support import iso_in, label_scene, table_counts

MONITOR_MAX_HOURS = 336  # the demo monitor category


@pytest.fixture
def loan_in_use(api):
    nurse, manager = api.login("demo-nurse-icu"), api.login("demo-manager")
    body = {"category_id": "monitor", "urgency": "routine", "reason": "术后监护", "expected_return_at": iso_in(24)}
    loan_id = api.post("/loans", body, nurse, headers={"Idempotency-Key": "limit-key-0001"}).body["id"]
    api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager)
    assert api.post(f"/loans/{loan_id}/handover", {"scan": label_scene("MON-001")}, nurse).body["status"] == "in_use"
    return loan_id


def _extend(api, token, loan_id, hours, **extra):
    return api.post(f"/loans/{loan_id}/extend", {"expected_return_at": iso_in(hours), "reason": "患者仍需监护",
                                                 **extra}, token)


def _extensions(api, token, loan_id):
    return [r for r in api.get(f"/loans/{loan_id}", token).body["timeline"] if r["action"] == "loan.extend"]


def test_an_extension_within_the_limit_needs_only_its_reason(api, loan_in_use):
    manager = api.login("demo-manager")
    reply = _extend(api, manager, loan_in_use, MONITOR_MAX_HOURS - 2)
    assert reply.status == 200
    [record] = _extensions(api, manager, loan_in_use)
    assert "over_limit" not in record["after"]


@pytest.mark.parametrize("who", ["demo-manager", "demo-admin"])
def test_past_the_limit_an_extension_without_an_over_limit_reason_is_refused(api, loan_in_use, who):
    token = api.login(who)
    before, due = table_counts(), Loan.get(loan_in_use).expected_return_at
    refused = _extend(api, token, loan_in_use, MONITOR_MAX_HOURS + 24)
    assert (refused.status, refused.error_code) == (422, "extension_too_long")  # before: 200, no bound at all
    assert f"{MONITOR_MAX_HOURS} 小时" in refused.body["error"]["message"]
    assert table_counts() == before and Loan.get(loan_in_use).expected_return_at == due


@pytest.mark.parametrize("who", ["demo-manager", "demo-admin"])
def test_past_the_limit_the_over_limit_reason_is_recorded(api, loan_in_use, who):
    token = api.login(who)
    reply = _extend(api, token, loan_in_use, MONITOR_MAX_HOURS + 24, over_limit_reason="科室无替代设备，院长同意")
    assert reply.status == 200
    [record] = _extensions(api, token, loan_in_use)
    assert record["actor"] == who
    over = record["after"]["over_limit"]
    assert over["max_loan_hours"] == MONITOR_MAX_HOURS and over["reason"] == "科室无替代设备，院长同意"
    assert MONITOR_MAX_HOURS + 23 <= over["loan_hours"] <= MONITOR_MAX_HOURS + 25
    assert "科室无替代设备" in record["note"]


def test_an_approved_loan_counts_from_now(api):
    nurse, manager = api.login("demo-nurse-icu"), api.login("demo-manager")
    body = {"category_id": "monitor", "urgency": "routine", "reason": "术后监护", "expected_return_at": iso_in(24)}
    loan_id = api.post("/loans", body, nurse, headers={"Idempotency-Key": "limit-key-0002"}).body["id"]
    api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-002"}, manager)
    assert _extend(api, manager, loan_id, MONITOR_MAX_HOURS - 1).status == 200
    assert _extend(api, manager, loan_id, MONITOR_MAX_HOURS + 1).error_code == "extension_too_long"
