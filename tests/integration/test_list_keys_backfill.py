"""`medpool backfill-list-keys` and the local index upgrade (DynamoDB Local): items written before lists were
read by key get their keys once, a rerun changes nothing, and a local table lacking an index gets it."""
import time
from datetime import timedelta

from local import loan_history
from medpool import clock
from medpool.models.announcement import Announcement
from medpool.models.loan import Loan
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import announcements, loans
from medpool.services.list_keys import backfill_list_keys
from medpool.tables import create_tables

KEYS = ("status_key", "department_status", "device_status", "department_device_status", "department_in_use",
        "recall_open", "category_pending")


def _put_raw(model, item, drop):
    """Write an item as code from before the upgrade did: without the given attributes."""
    data = item.serialize()
    for name in drop:
        data.pop(name, None)
    hash_key = data.pop(model._hash_keyname)
    range_key = data.pop(model._range_keyname) if model._range_keyname else None
    model._get_connection().put_item(hash_key[next(iter(hash_key))],
                                     range_key[next(iter(range_key))] if range_key else None, attributes=data)


def test_backfill_gives_old_items_their_keys_once(real_tables):
    old = list(loan_history.closed_loans(30, seed=3, prefix="OLD")) + loan_history.open_loans(seed=4, prefix="OLO")
    for loan in old:
        _put_raw(Loan, loan, KEYS)
    now = clock.now()
    expiring = Announcement("AOLDX", title="t", body="b", pinned=False, published_at=clock.to_iso(now),
                            author_openid="demo-manager", expires_at=clock.to_iso(now - timedelta(hours=1)), version=1)
    _put_raw(Announcement, expiring, ())
    raw = Announcement._get_connection()
    raw.update_item("AOLDX", actions=[Announcement.feed.set("live"), Announcement.feed_key.set(f"0#{now}#AOLDX")])
    assert "AOLDX" in [a.id for a in announcements.list_announcements(100).items]  # expired, still in the old feed
    manager = User("demo-manager", role="manager", status="active", department_id="SBK", name="m", registered_at="")
    assert not {loan.id for loan in loans.list_loans(manager, "returned", None, None, None, 100).items} & \
        {loan.id for loan in old}

    first = backfill_list_keys()
    assert first["loans"]["updated"] == len(old)
    assert first["announcements"]["updated"] == 1 and first["records"]["updated"] == 0
    listed = {loan.id for loan in loans.list_loans(manager, "returned", None, None, None, 100).items}
    assert listed >= {loan.id for loan in old if loan.status == "returned"}
    assert "AOLDX" not in [a.id for a in announcements.list_announcements(100).items]
    for loan in old:
        stored = Loan.get(loan.id)
        assert {name: getattr(stored, name) for name in KEYS} == stored.list_keys()
    again = backfill_list_keys()
    assert all(counts["updated"] == 0 for counts in again.values())


def test_records_written_without_subject_actor_are_backfilled(real_tables):
    at = clock.now_iso()
    _put_raw(Record, Record("device#OLD-1", f"{at}#old1", at=at, day=clock.business_day_of(at), actor="old-actor",
                            action="device.old"), ("subject_actor",))
    assert list(Record.by_subject_actor.query("device#OLD-1|old-actor")) == []
    assert backfill_list_keys()["records"]["updated"] == 1
    assert [r.record_key for r in Record.by_subject_actor.query("device#OLD-1|old-actor")] == [f"{at}#old1"]


def test_a_local_table_lacking_an_index_gets_it(real_tables):
    connection = Loan._get_connection().connection
    connection.client.update_table(TableName=Loan.Meta.table_name, GlobalSecondaryIndexUpdates=[
        {"Delete": {"IndexName": "department_in_use-expected_return_at"}}])
    names = lambda: {i["IndexName"] for i in connection.describe_table(Loan.Meta.table_name)["GlobalSecondaryIndexes"]}  # noqa: E731
    for _ in range(100):  # deleting takes a moment
        if "department_in_use-expected_return_at" not in names():
            break
        time.sleep(0.1)
    assert "department_in_use-expected_return_at" not in names()
    assert create_tables() == [f"{Loan.Meta.table_name}/department_in_use-expected_return_at"]
    assert "department_in_use-expected_return_at" in names()
    assert create_tables() == []
