"""Names instead of openids (issue 14 item 5): loans name their applicant (phone for managers and the applicant
only), timelines and records name their actors with their department."""
import pytest

from medpool import clock
from medpool.models.notification import Notification
from medpool.models.user import User
from tests.support import iso_in


@pytest.fixture
def nurse(api):
    return api.login("demo-nurse-icu")


@pytest.fixture
def manager(api):
    return api.login("demo-manager")


@pytest.fixture
def colleague(api):
    """Another ward user of ICU: sees the department's loans, not the applicant's phone."""
    User("icu-colleague", name="赵护士", department_id="ICU", role="applicant", status="active", phone="13911112222",
         employee_no="N-2", registered_at=clock.now_iso()).save()
    return api.login("icu-colleague")


def apply(api, token):
    body = {"category_id": "monitor", "urgency": "emergency", "reason": "抢救", "expected_return_at": iso_in(24)}
    return api.post("/loans", body, token, headers={"Idempotency-Key": "names-key-0001"}).body["id"]


def test_a_manager_sees_the_applicant_by_name_and_phone_and_the_timeline_by_name(api, nurse, manager):
    loan_id = apply(api, nurse)
    api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager)
    loan = api.get(f"/loans/{loan_id}", manager).body
    assert loan["applicant_name"] == "张护士长" and loan["applicant_phone"] == "13800000000"
    assert [(r["action"], r["actor_name"], r["actor_department_id"]) for r in loan["timeline"]] == [
        ("loan.create", "张护士长", "ICU"), ("loan.approve", "李设备", "SBK")]
    listed = api.get("/loans?status=approved", manager).body["items"]
    assert [(x["id"], x["applicant_name"], x["applicant_phone"]) for x in listed] == [(loan_id, "张护士长", "13800000000")]


def test_the_phone_is_shown_to_the_applicant_but_not_to_a_colleague(api, nurse, colleague):
    loan_id = apply(api, nurse)
    own = api.get(f"/loans/{loan_id}", nurse).body
    assert own["applicant_name"] == "张护士长" and own["applicant_phone"] == "13800000000"
    seen = api.get(f"/loans/{loan_id}", colleague).body
    assert seen["applicant_name"] == "张护士长" and seen["applicant_phone"] is None
    listed = api.get("/loans?department_id=ICU", colleague).body["items"]
    assert [(x["applicant_name"], x["applicant_phone"]) for x in listed] == [("张护士长", None)]


def test_records_and_device_history_name_their_actors(api, nurse, manager):
    loan_id = apply(api, nurse)
    api.post(f"/loans/{loan_id}/approve", {"device_id": "MON-001"}, manager)
    records = api.get(f"/records?subject=loan%23{loan_id}", manager).body["items"]
    assert {(r["actor"], r["actor_name"]) for r in records} == {("demo-nurse-icu", "张护士长"), ("demo-manager", "李设备")}
    history = api.get("/devices/MON-001/history", manager).body
    assert [x["applicant_name"] for x in history["loans"]] == ["张护士长"]
    assert all(r["actor_name"] for r in history["records"] if r["actor"] != "system")


def test_the_outbox_names_each_recipient(api, manager):
    at = clock.now_iso()
    for openid, key in (("demo-nurse-icu", "N1"), ("gone-user", "N2")):
        Notification(key, openid=openid, created_key=f"{at}#{key}", event="loan_overdue", title="借用已逾期", body="请尽快归还",
                     template="loan_due", data={}, state="failed", attempts=5, created_at=at, queue="failed",
                     queue_at=f"{at}#{key}").save()
    items = api.get("/outbox?queue=failed", manager).body["items"]
    assert {(i["openid"], i["recipient_name"], i["recipient_department_id"]) for i in items} == {
        ("demo-nurse-icu", "张护士长", "ICU"), ("gone-user", None, None)}
