"""On DynamoDB Local: concurrent creates with one Idempotency-Key (a client retrying while its first request
is still in flight) create one item with one record, and every caller gets that item, never a 409."""
from medpool.errors import MedpoolError
from medpool.models.announcement import Announcement
from medpool.models.loan import Loan
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import announcements, loans
from tests.integration.race import race
from tests.support import iso_in

N = 8


def test_concurrent_announcements_with_one_key_create_one_and_answer_it_to_all():
    manager = User.get("demo-manager")
    fields = {"title": "设备盘点通知", "body": "本周五下午盘点监护仪", "pinned": False, "expires_at": None}
    won, lost = race([lambda: announcements.create_announcement(manager, fields, "race-announce-0001")] * N)
    assert lost == []  # before the fix: the losers got 409 announcement_exists
    assert len({item.id for item, _ in won}) == 1 and len(won) == N
    assert sorted(created for _, created in won) == [False] * (N - 1) + [True]
    [item_id] = {item.id for item, _ in won}
    assert Announcement.get(item_id, consistent_read=True).title == "设备盘点通知"
    assert [r.action for r in Record.query(f"announcement#{item_id}", consistent_read=True)] == ["announcement.create"]


def test_concurrent_loan_requests_with_one_key_create_one_and_answer_it_to_all():
    nurse = User.get("demo-nurse-icu")
    request = loans.LoanRequest("monitor", None, "urgent", "术后监护", iso_in(24))
    won, lost = race([lambda: loans.create_loan(nurse, request, "race-loan-key-0001")] * N)
    assert lost == [] and len(won) == N
    assert sorted(created for _, created in won) == [False] * (N - 1) + [True]
    [loan_id] = {loan.id for loan, _ in won}
    assert Loan.get(loan_id, consistent_read=True).status == "pending"
    assert [r.action for r in Record.query(f"loan#{loan_id}", consistent_read=True)] == ["loan.create"]


def test_a_concurrent_create_with_another_body_under_the_same_key_is_refused_as_reused():
    manager = User.get("demo-manager")
    first = {"title": "第一条", "body": "内容", "pinned": False, "expires_at": None}
    second = {**first, "title": "第二条"}
    outcomes, _ = race([lambda fields=fields: _code_of(
        lambda: announcements.create_announcement(manager, fields, "race-announce-0002")) for fields in (first, second)])
    created = [o for o in outcomes if not isinstance(o, str)]
    assert len(created) == 1 and created[0][1] is True
    assert [o for o in outcomes if isinstance(o, str)] == ["idempotency_key_reused"]


def _code_of(action):
    """The action's result, or the code of the domain error it raised."""
    try:
        return action()
    except MedpoolError as error:
        return error.code
