"""On DynamoDB Local: a loan extended (续借) any number of times is flagged, recorded and notified once per
due time, and reminded once per due time; a flag or reminder is conditioned on the due time it read, so a
stale read of the due index after an extension changes nothing."""
from collections import Counter
from datetime import timedelta


from medpool import clock
from medpool.models.loan import Loan
from medpool.models.notification import Notification
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import loan_flow, overdue
from tests.support import iso_in, make_loan

RECIPIENTS = {"demo-nurse-icu", "demo-manager", "demo-admin"}  # the ward's user and the managers


def _at(hours: float) -> None:
    clock.freeze(clock.now() + timedelta(hours=hours))


def _records(loan_id: str, action: str) -> list[Record]:
    return [r for r in Record.query(f"loan#{loan_id}", consistent_read=True) if r.action == action]


def _notices(loan_id: str, event: str) -> list[Notification]:
    return [n for openid in RECIPIENTS for n in Notification.by_user.query(openid) if n.loan_id == loan_id
            and n.event == event]


def _pushes(wx, loan_id: str, phrase: str) -> Counter:
    return Counter(m["touser"] for m in wx.sent if m["data"]["character_string1"]["value"] == loan_id
                   and m["data"].get("phrase4", {}).get("value") == phrase)


def _extend(loan_id: str, hours: float) -> Loan:
    return loan_flow.extend(User.get("demo-manager"), loan_id, iso_in(hours), "患者仍需使用")


def test_overdue_again_after_an_extension_is_flagged_recorded_and_notified_again(wx):
    clock.freeze(clock.now())
    loan = make_loan("in_use", device_id="MON-001", key="ext-overdue-0001")  # due in 24 h
    _at(25)
    assert overdue.run()["flagged"] == [loan.id]
    extended = _extend(loan.id, 24)
    assert extended.overdue is False and extended.overdue_at is None
    _at(25)
    runs = [overdue.run() for _ in range(3)]
    assert [run["flagged"] for run in runs] == [[loan.id], [], []]
    flagged = Loan.get(loan.id, consistent_read=True)
    assert flagged.overdue is True and flagged.overdue_at == runs[0]["started_at"]
    records = _records(loan.id, "loan.overdue")
    assert len(records) == 2
    assert records[0].after["expected_return_at"] != records[1].after["expected_return_at"]
    assert records[1].after["expected_return_at"] == extended.expected_return_at
    notices = Counter(n.openid for n in _notices(loan.id, "loan_overdue"))
    assert notices == Counter({openid: 2 for openid in RECIPIENTS})
    assert _pushes(wx, loan.id, "已逾期") == Counter({openid: 2 for openid in RECIPIENTS})


def test_each_due_time_gets_one_due_soon_reminder(wx):
    clock.freeze(clock.now())
    loan = make_loan("in_use", device_id="MON-002", key="ext-remind-0001")  # due in 24 h
    _at(23)
    assert overdue.run()["reminded"] == [loan.id]
    _extend(loan.id, 10)
    _at(9)
    assert [overdue.run()["reminded"] for _ in range(2)] == [[loan.id], []]
    assert len(_records(loan.id, "loan.due_soon")) == 2
    assert _pushes(wx, loan.id, "即将到期") == Counter({"demo-nurse-icu": 2})


def _stale_due_index(monkeypatch, stale: Loan) -> None:
    """The due index still answers with the loan as it was before the extension (eventual consistency)."""
    def query(status, condition=None, **_):
        bounds = [value.value["S"] for value in condition.values[1:]]
        due = stale.expected_return_at
        hit = due < bounds[0] if condition.operator == "<" else bounds[0] <= due <= bounds[1]
        return iter([Loan.from_raw_data(stale.serialize())] if hit else [])
    monkeypatch.setattr(Loan.by_due, "query", query)


def test_a_stale_read_after_an_extension_flags_nothing(wx, monkeypatch):
    clock.freeze(clock.now())
    loan = make_loan("in_use", device_id="MON-003", key="ext-stale-0001")  # due in 24 h
    _at(25)
    stale = Loan.get(loan.id, consistent_read=True)  # past due, not flagged yet
    extended = _extend(loan.id, 72)
    _stale_due_index(monkeypatch, stale)
    result = overdue.run()
    assert result["flagged"] == [] and result["skipped"] == 1
    fresh = Loan.get(loan.id, consistent_read=True)
    assert fresh.overdue is False and fresh.expected_return_at == extended.expected_return_at
    assert _records(loan.id, "loan.overdue") == []
    assert _notices(loan.id, "loan_overdue") == [] and not _pushes(wx, loan.id, "已逾期")


def test_a_stale_read_after_an_extension_reminds_nobody(wx, monkeypatch):
    clock.freeze(clock.now())
    loan = make_loan("in_use", device_id="MON-004", key="ext-stale-0002")  # due in 24 h
    _at(23)
    stale = Loan.get(loan.id, consistent_read=True)  # due within the lead time
    _extend(loan.id, 72)
    _stale_due_index(monkeypatch, stale)
    assert overdue.check().reminded == []
    assert _records(loan.id, "loan.due_soon") == []
    assert _notices(loan.id, "loan_due_soon") == []
