"""What each loan action costs on DynamoDB Local, through the API: the session check (1 GetItem), one read
(the loan with the device the request names: 1 BatchGetItem, or 1 GetItem of the loan alone) and one
TransactWriteItems, whose outbox event is all a request does about notifications (the notifier resolves
recipients and pushes off the request path). The board (GET /categories) is one Query of the categories
partition."""
import pytest

from local.dynamodb_counter import count_dynamodb
from tests.support import iso_in, label_scene

ONE_READ = ({"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1},  # the loan and a device, or
            {"GetItem": 2, "TransactWriteItems": 1})  # the loan alone
# an approval or extension holds a device until the loan's due time: after the commit, one GetItem of the
# category's booking book says whether a booking starting before then is left short (more reads only then)
BOOK_CHECKED = tuple({**calls, "GetItem": calls["GetItem"] + 1} for calls in ONE_READ)


@pytest.fixture(scope="module")
def people(real_api):
    return real_api, real_api.login("demo-nurse-icu"), real_api.login("demo-manager")


def cost(call):
    """(reply, calls by operation) of one API call."""
    with count_dynamodb() as usage:
        reply = call()
    assert reply.status in (200, 201), reply.body
    return reply, dict(usage.calls)


def apply(api, nurse, key, urgency="routine", due=None, **target):
    body = {"urgency": urgency, "reason": "费用测试", "expected_return_at": due or iso_in(24), **target}
    return cost(lambda: api.post("/loans", body, nurse, headers={"Idempotency-Key": key}))


def test_the_loan_loop_costs_three_calls_per_action(people):
    api, nurse, manager = people
    scene = label_scene("MON-001")
    costs = {}
    reply, costs["apply"] = apply(api, nurse, "cost-loop-0001", category_id="monitor")
    loan = reply.body["id"]
    assert reply.body["rate_fen"] == 600  # the category's rate, fixed at application
    _, costs["approve"] = cost(lambda: api.post(f"/loans/{loan}/approve", {"device_id": "MON-001"}, manager))
    _, costs["hand over"] = cost(lambda: api.post(f"/loans/{loan}/handover", {"scan": scene}, nurse))
    _, costs["extend"] = cost(lambda: api.post(f"/loans/{loan}/extend", {"expected_return_at": iso_in(48),
                                                                          "reason": "患者仍需"}, manager))
    _, costs["request return"] = cost(lambda: api.post(f"/loans/{loan}/return-request", None, nurse))
    reply, costs["confirm return"] = cost(lambda: api.post(f"/loans/{loan}/confirm-return",
                                                           {"condition": "ok", "scan": scene}, manager))
    assert reply.body["status"] == "returned" and reply.body["charge_fen"] == 600
    for action, calls in costs.items():
        assert calls in (BOOK_CHECKED if action in ("approve", "extend") else ONE_READ), (action, calls)


def test_reject_and_cancel_cost_three_calls(people):
    api, nurse, manager = people
    costs = {}
    rejected = apply(api, nurse, "cost-reject-01", category_id="monitor")[0].body["id"]
    _, costs["reject"] = cost(lambda: api.post(f"/loans/{rejected}/reject", {"reason": "无可用设备"}, manager))
    pending = apply(api, nurse, "cost-cancel-01", category_id="monitor")[0].body["id"]
    _, costs["cancel pending"] = cost(lambda: api.post(f"/loans/{pending}/cancel", None, nurse))
    approved = apply(api, nurse, "cost-cancel-02", category_id="monitor")[0].body["id"]
    api.post(f"/loans/{approved}/approve", {"device_id": "MON-002"}, manager)
    reply, costs["cancel approved"] = cost(lambda: api.post(f"/loans/{approved}/cancel", None, nurse))
    assert reply.body["status"] == "cancelled"
    assert api.get("/devices/MON-002", manager).body["status"] == "available"
    for action, calls in costs.items():
        assert calls in ONE_READ, (action, calls)


def test_a_specific_device_is_applied_for_and_approved_in_three_calls(people):
    api, nurse, manager = people
    reply, applied = apply(api, nurse, "cost-device-01", category_id="monitor", device_id="MON-003")
    assert applied in ONE_READ
    # approved without naming the device: the one the ward asked for, written without being read
    approved, calls = cost(lambda: api.post(f"/loans/{reply.body['id']}/approve", {}, manager))
    assert calls in BOOK_CHECKED and approved.body["device_id"] == "MON-003"
    assert api.get("/devices/MON-003", manager).body["status"] == "reserved"
    assert api.post(f"/loans/{reply.body['id']}/cancel", None, nurse).status == 200


def test_a_device_named_alone_costs_one_more_read_for_its_category(people):
    """Documented: the category is known only from the device (the mini program sends both)."""
    api, nurse, _ = people
    reply, calls = apply(api, nurse, "cost-device-02", device_id="MON-004")
    assert calls == {"GetItem": 2, "BatchGetItem": 1, "TransactWriteItems": 1}
    assert reply.body["category_id"] == "monitor" and reply.body["rate_fen"] == 600


def test_an_emergency_application_costs_three_calls_however_many_managers_are_told(people):
    """The managers are told by the notifier: the request only puts the outbox event in its transaction."""
    api, nurse, _ = people
    reply, calls = apply(api, nurse, "cost-urgent-1", urgency="emergency", category_id="monitor")
    assert reply.status == 201 and calls in ONE_READ


def test_a_repeated_application_is_answered_from_the_same_read(people):
    api, nurse, _ = people
    due = iso_in(24)
    first, _ = apply(api, nurse, "cost-repeat-01", due=due, category_id="monitor")
    again, calls = apply(api, nurse, "cost-repeat-01", due=due, category_id="monitor")
    assert again.body["id"] == first.body["id"] and calls == {"GetItem": 1, "BatchGetItem": 1}


def test_the_availability_board_reads_the_categories_only(people):
    api, nurse, _ = people
    reply, calls = cost(lambda: api.get("/categories", nurse))
    assert calls == {"GetItem": 1, "Query": 1}
    assert {c["id"] for c in reply.body["items"]} >= {"monitor", "ventilator"}


def test_a_recall_and_its_answer_cost_three_calls_each(people):
    """Recall (调回): the loan read, the loan + record + outbox event written, like the other actions."""
    api, nurse, manager = people
    loan = apply(api, nurse, "cost-recall-01", category_id="monitor")[0].body["id"]
    api.post(f"/loans/{loan}/approve", {"device_id": "MON-005"}, manager)
    assert api.post(f"/loans/{loan}/handover", {"scan": label_scene("MON-005")}, nurse).status == 200
    costs = {}
    recalled, costs["recall"] = cost(lambda: api.post(f"/loans/{loan}/recall",
                                                      {"reason": "急诊抢救需要", "return_by": iso_in(3)}, manager))
    answered, costs["answer recall"] = cost(lambda: api.post(f"/loans/{loan}/recall-answer",
                                                             {"accept": False, "reason": "患者仍在使用"}, nurse))
    assert recalled.body["recall_state"] == "requested" and answered.body["recall_state"] == "refused"
    listed, costs["list recalls"] = cost(lambda: api.get("/loans?recall=open", manager))
    assert loan in [item["id"] for item in listed.body["items"]]
    listed_calls = {"GetItem": 1, "Query": 2, "BatchGetItem": 1}  # the session, the two recall partitions, the names
    for action, calls in costs.items():
        assert calls in ONE_READ + (listed_calls,), (action, calls)
    assert costs["list recalls"] == listed_calls
    assert api.get("/loans?recall=open", nurse).status == 403
    assert api.get("/loans?recall=open&status=in_use", manager).status == 400
    detail = api.get(f"/loans/{loan}", manager).body
    assert [r["action"] for r in detail["timeline"]][-2:] == ["loan.recall", "loan.recall_answer"]
    assert detail["recall_answer_reason"] == "患者仍在使用" and detail["recall_reason"] == "急诊抢救需要"


def test_disinfection_and_maintenance_records_cost_three_calls(people):
    """Issue 12: the session check, one read of the device (BatchGetItem) and one TransactWriteItems; a
    maintenance record whose next date is left to the category's interval reads the category too."""
    api, nurse, manager = people
    loan = apply(api, nurse, "cost-clean-0001", category_id="monitor")[0].body["id"]
    scene = label_scene("MON-004")
    api.post(f"/loans/{loan}/approve", {"device_id": "MON-004"}, manager)
    api.post(f"/loans/{loan}/handover", {"scan": scene}, nurse)
    api.post(f"/loans/{loan}/confirm-return", {"condition": "ok", "scan": scene}, manager)
    reply, disinfection = cost(lambda: api.post("/devices/MON-004/disinfection", {"method": "uv", "scan": scene},
                                                manager))
    assert reply.body["status"] == "available" and disinfection in ONE_READ
    _, given = cost(lambda: api.post("/devices/MON-004/maintenance-records",
                                     {"kind": "calibration", "result": "pass", "next_due": "2099-01-01"}, manager))
    assert given in ONE_READ
    api.put("/categories/monitor", {"maintenance_interval_days": 180}, manager)  # the next date from the interval
    _, defaulted = cost(lambda: api.post("/devices/MON-004/maintenance-records",
                                         {"kind": "maintenance", "result": "pass"}, manager))
    assert defaulted == {"GetItem": 1, "BatchGetItem": 2, "TransactWriteItems": 1}
    for query in ("status=cleaning", "due_within_days=30"):
        _, listed = cost(lambda: api.get(f"/devices?{query}", manager))
        assert listed == {"GetItem": 1, "Query": 1}
