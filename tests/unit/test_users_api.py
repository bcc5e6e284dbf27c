"""User and department management rules."""
from medpool.models.record import Record
from tests.support import table_counts


def test_only_an_admin_may_make_a_manager(api):
    api.register("wants-manager", "SBK", role="manager")
    manager, admin = api.login("demo-manager"), api.login("demo-admin")
    refused = api.put("/users/wants-manager", {"status": "active"}, manager)
    assert (refused.status, refused.error_code) == (403, "admin_required")
    api.register("plain", "ICU")
    assert api.put("/users/plain", {"status": "active"}, manager).status == 200
    assert api.put("/users/plain", {"role": "manager"}, manager).error_code == "admin_required"
    assert api.put("/users/wants-manager", {"status": "active"}, admin).body["role"] == "manager"
    assert api.put("/users/plain", {"role": "admin"}, admin).body["role"] == "admin"


def test_a_manager_cannot_touch_another_manager_or_themselves(api):
    manager, admin = api.login("demo-manager"), api.login("demo-admin")
    assert api.put("/users/demo-admin", {"status": "disabled"}, manager).error_code == "admin_required"
    assert api.delete("/users/demo-admin", manager).error_code == "admin_required"
    assert api.put("/users/demo-admin", {"status": "disabled"}, admin).error_code == "cannot_modify_self"


def test_status_transitions_follow_the_registration_flow(api):
    manager = api.login("demo-manager")
    refused = api.put("/users/demo-pending", {"status": "disabled"}, manager)
    assert (refused.status, refused.error_code) == (409, "invalid_status_transition")
    assert api.put("/users/demo-pending", {"status": "active"}, manager).status == 200
    assert api.put("/users/demo-pending", {"status": "pending"}, manager).error_code == "invalid_status_transition"
    assert api.put("/users/demo-pending", {"status": "disabled"}, manager).status == 200
    assert api.put("/users/demo-pending", {"status": "active"}, manager).status == 200


def test_repeated_update_changes_and_records_nothing(api):
    manager = api.login("demo-manager")
    api.put("/users/demo-nurse-icu", {"department_id": "EM"}, manager)
    before = table_counts()
    again = api.put("/users/demo-nurse-icu", {"department_id": "EM"}, manager)
    assert again.status == 200 and again.body["department_id"] == "EM"
    assert table_counts() == before
    changes = [(r.action, r.before, r.after) for r in Record.query("user#demo-nurse-icu")]
    assert changes[-1] == ("user.update", {"department_id": "ICU"}, {"department_id": "EM"})


def test_moving_a_user_to_an_unknown_department_is_422(api):
    manager = api.login("demo-manager")
    reply = api.put("/users/demo-nurse-icu", {"department_id": "NOPE"}, manager)
    assert (reply.status, reply.error_code) == (422, "unknown_department")


def test_missing_user_is_404(api):
    assert api.put("/users/nobody", {"name": "x"}, api.login("demo-manager")).error_code == "user_not_found"


def test_users_of_a_department_and_pagination(api):
    manager = api.login("demo-manager")
    for n in range(5):
        api.register(f"icu-{n}", "ICU")
    first = api.get("/users?status=pending&limit=2", manager)
    assert len(first.body["items"]) == 2 and first.body["next_cursor"]
    seen = [u["openid"] for u in first.body["items"]]
    cursor = first.body["next_cursor"]
    while cursor:
        page = api.get(f"/users?status=pending&limit=2&cursor={cursor}", manager)
        seen += [u["openid"] for u in page.body["items"]]
        cursor = page.body["next_cursor"]
    assert sorted(seen) == sorted(["demo-pending"] + [f"icu-{n}" for n in range(5)])
    by_department = api.get("/users?department_id=ICU", manager)
    assert {u["openid"] for u in by_department.body["items"]} >= {"demo-nurse-icu", "icu-0"}
    assert api.get("/users?cursor=tampered.cursor", manager).error_code == "invalid_cursor"


def test_departments_are_public_to_list_and_managed_by_managers(api):
    assert "ICU" in [d["id"] for d in api.get("/departments").body["items"]]
    manager = api.login("demo-manager")
    created = api.post("/departments", {"id": "NICU", "name": "新生儿重症监护室"}, manager)
    assert created.status == 201 and created.body == {"id": "NICU", "name": "新生儿重症监护室",
                                                      "is_equipment_department": False}
    assert api.post("/departments", {"id": "NICU", "name": "重复"}, manager).error_code == "department_exists"
    renamed = api.put("/departments/NICU", {"name": "新生儿科"}, manager)
    assert renamed.body["name"] == "新生儿科"
    assert api.put("/departments/NOPE", {"name": "x"}, manager).status == 404
    assert [r.action for r in Record.query("department#NICU")] == ["department.create", "department.update"]
    assert api.post("/departments", {"id": "bad id!", "name": "x"}, manager).status == 400
