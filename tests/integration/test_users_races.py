"""Concurrent writers on DynamoDB Local: optimistic locking and conditional creates hold."""
from medpool.demo import SYSTEM
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import departments, sessions, users
from medpool.tables import create_tables
from tests.integration.race import race as race_all


def race(n, action):
    """Run action(i) for i in range(n) at once; return (results, conflicts)."""
    return race_all([lambda i=i: action(i) for i in range(n)])


def test_tables_are_created_idempotently():
    assert create_tables() == []


def test_concurrent_edits_of_one_user_do_not_lose_updates():
    manager = User.get("demo-manager")
    won, lost = race(10, lambda i: users.update_user(manager, "demo-nurse-em", {"name": f"护士长{i}"}))
    assert len(won) >= 1 and len(won) + len(lost) == 10
    assert all(error.code == "concurrent_modification" for error in lost)
    stored = User.get("demo-nurse-em")
    updates = [r for r in Record.query("user#demo-nurse-em") if r.action == "user.update"]
    # every successful write has its record; the stored name is the last recorded one
    assert len(updates) == len(won) and stored.name == updates[-1].after["name"]


def test_concurrent_registrations_of_one_openid_create_one_user():
    token = sessions.issue_registration("racer", None).token
    won, lost = race(8, lambda i: users.register(token, f"用户{i}", "ICU", "13900000000", "E1", "applicant"))
    names = {user.name for user in won}
    assert len(names) == 1 and User.get("racer").name in names
    assert len([r for r in Record.query("user#racer")]) == 1


def test_concurrent_department_creation_creates_one():
    won, lost = race(8, lambda i: departments.create_department(SYSTEM, "RACE", f"科室{i}", False))
    assert len(won) == 1 and len(lost) == 7
    assert departments.get_department("RACE").name == won[0].name
