"""On DynamoDB Local, through the API: the waiting list (排队) and the emergency reserve (docs/data-and-loans.md,
"Waiting list"). A category of 2 devices and 4 requests: 2 approved, 2 waiting with their positions; a return
-> disinfection -> the emergency heading the queue gets the device (the system reserves it); managers are told
who heads the queue; routine requests cannot take the emergency reserve; two managers approving the head of
the queue for one freed device -> exactly one wins; a device being disinfected is never assigned."""
from collections import Counter

import pytest

from medpool.models.category import SCOPE, Category
from medpool.models.loan import Loan
from medpool.models.notification import Notification
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import categories, devices, loan_flow
from tests.integration.race import race
from tests.support import iso_in, label_scene

MANAGER, ICU, EM = "demo-manager", "demo-nurse-icu", "demo-nurse-em"


@pytest.fixture(scope="module")
def api(real_api):
    return real_api


@pytest.fixture(scope="module")
def tokens(api):
    return {openid: api.login(openid) for openid in (MANAGER, ICU, EM, "demo-admin")}


def new_category(category_id: str, count: int, **settings) -> list[str]:
    manager = User.get(MANAGER)
    categories.create_category(manager, category_id, {"name": f"排队测试{category_id}", "rate_fen": 100,
                                                      "rate_unit": "hour", "max_loan_hours": 72, **settings})
    ids = [f"{category_id.upper()}-{n:03d}" for n in range(1, count + 1)]
    for device_id in ids:
        devices.create_device(manager, device_id, {"category_id": category_id, "name": "测试设备",
                                                   "owner_department_id": "SBK"})
    return ids


def request(api, tokens, nurse, category_id, urgency, key):
    reply = api.post("/loans", {"category_id": category_id, "urgency": urgency, "reason": "病人需要",
                                "expected_return_at": iso_in(24)}, tokens[nurse], headers={"Idempotency-Key": key})
    assert reply.status == 201, reply.body
    return reply.body


def place(api, tokens, loan_id, nurse=ICU):
    return api.get(f"/loans/{loan_id}", tokens[nurse]).body["queue"]


def board(api, tokens, category_id):
    return next(c for c in api.get("/categories", tokens[ICU]).body["items"] if c["id"] == category_id)


def manager_notices(loan_id):
    return [n for n in Notification.by_user.query(MANAGER) if n.loan_id == loan_id]


def test_two_devices_four_requests_two_approved_two_waiting_then_the_emergency_gets_the_freed_device(
        api, tokens, notifier):
    # Given a category of 2 devices whose freed devices go to an emergency heading the queue by themselves
    first, second = new_category("wla", 2)
    api.put("/categories/wla", {"auto_reserve_emergency": True}, tokens[MANAGER])
    # When two routine requests come in and are approved (the system picks the devices)
    r1 = request(api, tokens, ICU, "wla", "routine", "wla-r1-000001")
    r2 = request(api, tokens, EM, "wla", "routine", "wla-r2-000001")
    assert (r1["queue"], r1["queued_at"]) == ({"position": 1, "length": 1, "free": 2, "waiting": False}, None)
    assert r2["queue"] == {"position": 2, "length": 2, "free": 2, "waiting": False}
    for loan in (r1, r2):
        approved = api.post(f"/loans/{loan['id']}/approve", {}, tokens[MANAGER])
        assert approved.status == 200 and approved.body["device_id"] in (first, second)
    # And two more arrive at 0 free: a routine one, then an emergency, which goes ahead of it
    r3 = request(api, tokens, ICU, "wla", "routine", "wla-r3-000001")
    emergency = request(api, tokens, EM, "wla", "emergency", "wla-e1-000001")
    assert r3["queue"]["waiting"] and r3["queued_at"]
    assert emergency["queue"] == {"position": 1, "length": 2, "free": 0, "waiting": True}
    # Then: 2 approved, 2 waiting, the ward sees its position change
    assert place(api, tokens, r3["id"]) == {"position": 2, "length": 2, "free": 0, "waiting": True}
    assert place(api, tokens, emergency["id"], EM)["position"] == 1
    listed = api.get("/loans?status=pending", tokens[MANAGER]).body["items"]
    assert [(loan["id"], loan["queue"]["position"]) for loan in listed if loan["category_id"] == "wla"] == [
        (emergency["id"], 1), (r3["id"], 2)]
    assert board(api, tokens, "wla")["queue_length"] == 2
    # When the first device comes back and is disinfected
    held = api.get(f"/loans/{r1['id']}", tokens[ICU]).body["device_id"]
    api.post(f"/loans/{r1['id']}/handover", {"scan": label_scene(held)}, tokens[ICU])
    api.post(f"/loans/{r1['id']}/confirm-return", {"condition": "ok", "scan": label_scene(held)}, tokens[MANAGER])
    assert api.get(f"/devices/{held}", tokens[MANAGER]).body["status"] == "cleaning"
    disinfected = api.post(f"/devices/{held}/disinfection", {"method": "alcohol_75", "scan": label_scene(held)},
                           tokens[MANAGER])
    assert disinfected.status == 200, disinfected.body
    notifier.drain()
    # Then the system reserved it for the emergency heading the queue, recorded as done by the system
    got = api.get(f"/loans/{emergency['id']}", tokens[EM]).body
    assert (got["status"], got["device_id"], got["approved_by"], got["auto_reserved"]) == (
        "approved", held, "system", True)
    assert [r.actor for r in Record.query(f"loan#{emergency['id']}") if r.action == "loan.approve"] == ["system"]
    assert {n.event for n in manager_notices(emergency["id"])} == {"new_request", "loan_auto_reserved"}
    assert place(api, tokens, r3["id"]) == {"position": 1, "length": 1, "free": 0, "waiting": True}
    assert board(api, tokens, "wla")["queue_length"] == 1


def test_managers_are_told_who_heads_the_queue_and_approve_it_in_one_action(api, tokens, notifier):
    # Given a category of 1 device, lent, and a routine request waiting (no automatic reservation)
    [device] = new_category("wlb", 1)
    lent = request(api, tokens, ICU, "wlb", "routine", "wlb-lent-00001")
    api.post(f"/loans/{lent['id']}/approve", {}, tokens[MANAGER])
    waiting = request(api, tokens, EM, "wlb", "urgent", "wlb-wait-00001")
    assert waiting["queue"]["waiting"]
    # When the device is released (the ward cancels before pickup)
    api.post(f"/loans/{lent['id']}/cancel", None, tokens[ICU])
    notifier.drain()
    # Then the managers are told, naming the head of the queue, and approve it in one action
    [notice] = [n for n in manager_notices(waiting["id"]) if n.event == "device_freed"]
    assert device in notice.body and "排队首位" in notice.body and "急诊科" in notice.body
    approved = api.post(f"/loans/{waiting['id']}/approve", {}, tokens[MANAGER])
    assert (approved.status, approved.body["device_id"], approved.body["queued_at"] is not None) == (200, device, True)
    # And a device freed with nobody waiting announces nothing
    announced = Counter(n.event for n in Notification.by_user.query(MANAGER))
    api.post(f"/loans/{waiting['id']}/cancel", None, tokens[EM])
    notifier.drain()
    assert Counter(n.event for n in Notification.by_user.query(MANAGER)) == announced


def test_routine_and_urgent_requests_cannot_take_the_emergency_reserve(api, tokens):
    # Given 2 devices with 1 held in reserve for emergencies
    new_category("wlc", 2, emergency_reserve=1)
    shown = board(api, tokens, "wlc")
    assert (shown["emergency_reserve"], shown["available_to_routine"]) == (1, 1)
    routine = [request(api, tokens, ICU, "wlc", "routine", f"wlc-rou-{n:05d}") for n in range(2)]
    assert [loan["queue"]["waiting"] for loan in routine] == [False, True]
    assert api.post(f"/loans/{routine[0]['id']}/approve", {}, tokens[MANAGER]).status == 200
    # When a manager tries to give the reserved device to the second routine request
    before = Category.get(SCOPE, "wlc", consistent_read=True).count_available
    refused = api.post(f"/loans/{routine[1]['id']}/approve", {}, tokens[MANAGER])
    # Then it is refused (and nothing moved), but an emergency takes it
    assert (refused.status, refused.error_code) == (409, "emergency_reserve_held")
    assert "抢救预留" in refused.body["error"]["message"]
    assert Category.get(SCOPE, "wlc", consistent_read=True).count_available == before == 1
    assert Loan.get(routine[1]["id"], consistent_read=True).status == "pending"
    emergency = request(api, tokens, EM, "wlc", "emergency", "wlc-eme-00001")
    assert emergency["queue"] == {"position": 1, "length": 2, "free": 1, "waiting": False}
    assert api.post(f"/loans/{emergency['id']}/approve", {}, tokens[MANAGER]).status == 200
    assert board(api, tokens, "wlc")["availability"]["available"] == 0


def test_two_managers_approving_the_head_of_the_queue_for_one_freed_device_one_wins(api, tokens):
    # Given one device of the category free and two requests waiting for it
    [device] = new_category("wld", 1)
    loans = [request(api, tokens, ICU, "wld", "urgent", f"wld-race-{n:05d}") for n in range(2)]
    manager, admin = User.get(MANAGER), User.get("demo-admin")
    # When two managers approve at once: both the head, and each a different request
    done, refused = race([lambda: loan_flow.approve(manager, loans[0]["id"], device),
                          lambda: loan_flow.approve(admin, loans[1]["id"], device)] * 3)
    # Then exactly one request holds the device; the others were refused with a clear reason
    states = Counter(Loan.get(loan["id"], consistent_read=True).status for loan in loans)
    assert states == Counter({"approved": 1, "pending": 1})
    assert {loan.id for loan in done} == {loan["id"] for loan in loans
                                         if Loan.get(loan["id"], consistent_read=True).status == "approved"}
    assert refused and {error.code for error in refused} <= {"device_unavailable"}
    assert Category.get(SCOPE, "wld", consistent_read=True).count_reserved == 1


def test_a_device_waiting_for_disinfection_is_never_assigned(api, tokens):
    [device] = new_category("wle", 1)
    lent = request(api, tokens, ICU, "wle", "routine", "wle-lent-00001")
    api.post(f"/loans/{lent['id']}/approve", {}, tokens[MANAGER])
    api.post(f"/loans/{lent['id']}/handover", {"scan": label_scene(device)}, tokens[ICU])
    api.post(f"/loans/{lent['id']}/confirm-return", {"condition": "ok", "scan": label_scene(device)}, tokens[MANAGER])
    waiting = request(api, tokens, EM, "wle", "emergency", "wle-wait-00001")
    assert waiting["queue"]["waiting"]  # an emergency too: the device is still being disinfected
    for body in ({}, {"device_id": device}):
        refused = api.post(f"/loans/{waiting['id']}/approve", body, tokens[MANAGER])
        assert (refused.status, refused.error_code) in ((409, "no_device_available"), (409, "device_unavailable"))
    assert api.get(f"/devices/{device}", tokens[MANAGER]).body["status"] == "cleaning"
