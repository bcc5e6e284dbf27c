"""Issue 16 part 2 on DynamoDB Local: no record of a device, loan, disinfection, maintenance or user is deleted
through the API. Every DELETE route is called, as a manager, and must make no DeleteItem (nor a transaction's
Delete) and leave its item in place, soft-deleted or retired, with the records it had and one more."""
import pytest

from local.dynamodb_counter import count_dynamodb
from medpool.api.routing import ROUTES
from medpool.models.announcement import Announcement
from medpool.models.device import Device
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import announcements
from tests.support import make_loan

DELETES = {"deleteDevice", "deleteUser", "deleteAnnouncement"}  # a new one must be added to the test below


@pytest.fixture(scope="module")
def token(real_api):
    return real_api.login("demo-manager")


def _transact_deletes(usage_calls: list) -> int:
    return sum(1 for item in usage_calls for action in item.get("TransactItems", []) if "Delete" in action)


def test_every_delete_route_is_known_here():
    import app  # noqa: F401 - registers every function's routes

    assert {spec.operation_id for spec in ROUTES if spec.method == "DELETE"} == DELETES


def test_no_delete_route_deletes_an_item(real_api, token, monkeypatch):
    from pynamodb.connection.base import Connection

    loan = make_loan("returned", device_id="MON-004", key="retention-loan-0001")  # a device with a history
    item, _ = announcements.create_announcement(User.get("demo-manager"), {"title": "停电通知", "body": "周六检修"})
    sent = []
    original = Connection.dispatch

    def recording(self, operation, kwargs):
        sent.append(kwargs if operation == "TransactWriteItems" else {})
        return original(self, operation, kwargs)

    monkeypatch.setattr(Connection, "dispatch", recording)
    before = {subject: len(list(Record.query(subject))) for subject in
              ("device#MON-004", "user#demo-nurse-em", f"loan#{loan.id}")}
    with count_dynamodb() as usage:
        replies = {"deleteDevice": real_api.delete("/devices/MON-004?reason=报废测试", token),
                   "deleteUser": real_api.delete("/users/demo-nurse-em", token),
                   "deleteAnnouncement": real_api.delete(f"/announcements/{item.id}", token)}
    assert {name: reply.status for name, reply in replies.items()} == {
        "deleteDevice": 200, "deleteUser": 204, "deleteAnnouncement": 204}
    assert usage.calls["DeleteItem"] == 0 and usage.calls["BatchWriteItem"] == 0
    assert _transact_deletes(sent) == 0
    device = Device.get("MON-004", consistent_read=True)
    assert device.status == "retired" and device.serial_no  # retired, every field kept
    user = User.get("demo-nurse-em", consistent_read=True)
    assert user.deleted_at and user.status == "disabled" and user.name == "刘护士长"
    assert Announcement.get(item.id, consistent_read=True).deleted_at
    after = {subject: len(list(Record.query(subject, consistent_read=True))) for subject in before}
    assert after == {"device#MON-004": before["device#MON-004"] + 1, "user#demo-nurse-em": before[
        "user#demo-nurse-em"] + 1, f"loan#{loan.id}": before[f"loan#{loan.id}"]}
    # the retired device keeps its dossier, its loan included
    dossier = real_api.get("/devices/MON-004/dossier", token).body
    assert dossier["identity"]["status"] == "retired" and [r["loan_id"] for r in dossier["loans"]] == [loan.id]
    assert len(dossier["disinfections"]) == 1
