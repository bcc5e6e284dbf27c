"""On DynamoDB Local: recall (调回). A recall moves the due time at once (the overdue check chases it, once per due
time), a refusal restores the earlier one and lists the recall for managers, a return closes it in its own
transaction; a recall racing a return request leaves one consistent state; two managers recalling -> one recall."""
from collections import Counter
from datetime import timedelta

import pytest

from medpool import clock
from medpool.errors import Conflict, Unprocessable
from medpool.models.loan import Loan
from medpool.models.notify_event import NotifyEvent
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import loan_flow, overdue, recall
from medpool.services.notify import outbox
from tests.integration.race import race
from tests.support import disinfect, iso_in, label_scene, make_loan


def _manager(openid: str = "demo-manager") -> User:
    return User.get(openid)


def _nurse() -> User:
    return User.get("demo-nurse-icu")


def _stored(loan_id: str) -> Loan:
    return Loan.get(loan_id, consistent_read=True)


def _actions(loan_id: str) -> list[str]:
    return [r.action for r in Record.query(f"loan#{loan_id}", consistent_read=True)]


def _listed() -> list[str]:
    return [loan.id for loan in recall.list_open(_manager(), limit=100).items]


@pytest.fixture(autouse=True)
def _unfreeze():
    yield
    clock.freeze(None)


def test_a_recall_moves_the_due_time_notifies_the_ward_and_an_acceptance_keeps_it():
    loan = make_loan("in_use", device_id="MON-001", key="recall-accept-01")  # due in 24 h
    return_by = iso_in(3)
    recalled = recall.recall(_manager(), loan.id, "急诊抢救需要", return_by)
    assert (recalled.recall_state, recalled.recall_return_by, recalled.expected_return_at) == (
        "requested", return_by, return_by)
    stored = _stored(loan.id)
    assert stored.recall_previous_due == loan.expected_return_at and stored.recall_open == "requested"
    assert stored.recalled_by == "demo-manager" and stored.recall_reason == "急诊抢救需要"
    event = NotifyEvent.get(outbox.event_id(loan.id, "loan_recalled", stored.recalled_at), consistent_read=True)
    assert event.loan["recall_return_by"] == return_by
    earlier = iso_in(2)
    accepted = recall.answer(_nurse(), loan.id, True, return_by=earlier)
    assert (accepted.recall_state, accepted.expected_return_at, accepted.recall_answered_by) == (
        "accepted", earlier, "demo-nurse-icu")
    assert _stored(loan.id).recall_open is None  # accepted: nothing for managers to chase (the due time does)
    assert NotifyEvent.get(outbox.event_id(loan.id, "recall_answered", stored.recalled_at), consistent_read=True)
    assert recall.answer(_nurse(), loan.id, True, return_by=earlier).version == accepted.version  # a retry
    assert _actions(loan.id).count("loan.recall") == 1 and _actions(loan.id).count("loan.recall_answer") == 1


def test_bad_recalls_are_refused_and_write_nothing():
    loan = make_loan("in_use", device_id="MON-002", key="recall-bad-0001")
    with pytest.raises(Unprocessable) as late:
        recall.recall(_manager(), loan.id, "急诊", iso_in(30))
    assert late.value.code == "recall_return_by_late"
    with pytest.raises(Unprocessable) as past:
        recall.recall(_manager(), loan.id, "急诊", iso_in(-1))
    assert past.value.code == "recall_return_by_past"
    with pytest.raises(Conflict) as no_recall:
        recall.answer(_nurse(), loan.id, True)
    assert no_recall.value.code == "no_open_recall"
    assert _stored(loan.id).version == loan.version
    recall.recall(_manager(), loan.id, "急诊", iso_in(2))
    with pytest.raises(Conflict) as second:
        recall.recall(_manager("demo-admin"), loan.id, "另一个急诊", iso_in(1))
    assert second.value.code == "recall_open"
    with pytest.raises(Unprocessable) as reasonless:
        recall.answer(_nurse(), loan.id, False)
    assert reasonless.value.code == "recall_reason_required"
    pending = make_loan("pending", key="recall-bad-0002")
    with pytest.raises(Conflict) as not_in_use:
        recall.recall(_manager(), pending.id, "急诊", iso_in(2))
    assert not_in_use.value.code == "loan_not_in_use"


def test_a_refusal_restores_the_due_time_and_lists_the_recall_until_the_return_closes_it():
    loan = make_loan("in_use", device_id="MON-003", key="recall-refuse-01")
    recall.recall(_manager(), loan.id, "急诊抢救需要", iso_in(2))
    refused = recall.answer(_nurse(), loan.id, False, reason="患者仍在使用")
    assert (refused.recall_state, refused.expected_return_at) == ("refused", loan.expected_return_at)
    assert refused.recall_answer_reason == "患者仍在使用"
    assert loan.id in _listed() and _stored(loan.id).recall_open == "refused"
    returned = loan_flow.request_return(_nurse(), loan.id)
    assert returned.recall_state == "returned"
    assert loan.id not in _listed() and _stored(loan.id).recall_open is None
    record = [r for r in Record.query(f"loan#{loan.id}", consistent_read=True) if r.action == "loan.request_return"]
    assert record[0].after["recall_state"] == "returned"


def test_an_unanswered_recall_is_listed_after_the_setting_and_chased_by_the_overdue_check():
    clock.freeze(clock.now())
    loan = make_loan("in_use", device_id="MON-004", key="recall-silent-01")
    recall.recall(_manager(), loan.id, "急诊抢救需要", iso_in(3))
    assert loan.id not in _listed()  # asked for 0 h ago: the ward has MEDPOOL_RECALL_ANSWER_HOURS (2) to answer
    clock.freeze(clock.now() + timedelta(hours=2, minutes=1))
    assert loan.id in _listed()
    clock.freeze(clock.now() + timedelta(hours=1))
    runs = [overdue.check() for _ in range(2)]
    assert [loan.id in run.flagged for run in runs] == [True, False]  # late against the recall, flagged once
    flagged = _stored(loan.id)
    assert flagged.overdue and flagged.expected_return_at == flagged.recall_return_by
    assert NotifyEvent.get(outbox.event_id(loan.id, "loan_overdue", flagged.recall_return_by), consistent_read=True)
    # taken back late: the take-back closes the recall in its transaction
    done = loan_flow.confirm_return(_manager(), loan.id, "ok", None, scan=label_scene("MON-004"))
    assert (done.status, done.recall_state, done.overdue) == ("returned", "returned", True)
    assert loan.id not in _listed()


def test_an_extension_withdraws_a_recall():
    loan = make_loan("in_use", device_id="MON-005", key="recall-extend-01")
    recall.recall(_manager(), loan.id, "急诊", iso_in(2))
    extended = loan_flow.extend(_manager(), loan.id, iso_in(30), "患者仍需使用")
    assert extended.recall_state == "withdrawn" and _stored(loan.id).recall_open is None
    assert recall.recall(_manager(), loan.id, "又一个急诊", iso_in(4)).recall_state == "requested"  # a new one


def test_a_recall_racing_a_return_request_leaves_one_consistent_state():
    outcomes = Counter()
    for round_ in range(6):
        loan = make_loan("in_use", device_id="MON-006", key=f"recall-race-{round_:04d}")
        results, conflicts = race([lambda: recall.recall(_manager(), loan.id, "急诊", iso_in(2)),
                                   lambda: loan_flow.request_return(_nurse(), loan.id)])
        stored = _stored(loan.id)
        assert stored.status == "return_requested" and stored.recall_open is None
        if conflicts:  # the return came first: the recall is refused, nothing recorded
            assert [c.code for c in conflicts] == ["loan_not_in_use"] and stored.recall_state is None
            assert "loan.recall" not in _actions(loan.id)
            outcomes["refused"] += 1
        else:  # the recall came first: the return closed it
            assert stored.recall_state == "returned" and "loan.recall" in _actions(loan.id)
            outcomes["closed"] += 1
        loan_flow.confirm_return(_manager(), loan.id, "ok", None, scan=label_scene("MON-006"))
        disinfect("MON-006")  # back in the pool for the next round
    assert sum(outcomes.values()) == 6


def test_two_managers_recalling_at_once_make_one_recall():
    loan = make_loan("in_use", device_id="MON-007", key="recall-twice-01")
    results, conflicts = race([lambda: recall.recall(_manager(), loan.id, "急诊一", iso_in(2)),
                               lambda: recall.recall(_manager("demo-admin"), loan.id, "急诊二", iso_in(3))])
    assert len(results) == 1 and [c.code for c in conflicts] == ["recall_open"]
    stored = _stored(loan.id)
    assert stored.recall_reason == results[0].recall_reason and _actions(loan.id).count("loan.recall") == 1
    assert stored.expected_return_at == results[0].recall_return_by


def test_the_ward_is_told_of_a_recall_and_the_managers_of_the_answer():
    from medpool.services.notify import fanout

    loan = make_loan("in_use", device_id="MON-008", key="recall-notify-01")
    recalled = recall.recall(_manager(), loan.id, "急诊抢救需要", iso_in(3))
    asked = fanout.prepare(NotifyEvent.get(outbox.event_id(loan.id, "loan_recalled", recalled.recalled_at)))
    ward = set(fanout.department_users("ICU")) | {"demo-nurse-icu"}
    assert {n.openid for n in asked} == ward and "demo-manager" not in ward
    assert asked[0].data["phrase4"] == "调回" and "急诊抢救需要" in asked[0].body
    recall.answer(_nurse(), loan.id, False, reason="患者仍在使用")
    answered = fanout.prepare(NotifyEvent.get(outbox.event_id(loan.id, "recall_answered", recalled.recalled_at)))
    assert {n.openid for n in answered} == set(fanout.managers()) >= {"demo-manager", "demo-admin"}
    assert "无法归还：患者仍在使用" in answered[0].body


def _stale_first_read(monkeypatch, module, stale: Loan) -> None:
    """The module's first read of the loan answers it as it was before the other writer (then fresh reads)."""
    from medpool.services import loans

    reads = iter([stale])
    monkeypatch.setattr(module, "get_loan_record", lambda loan_id: next(reads, None) or loans.get_loan_record(loan_id))


def test_a_recall_read_before_a_return_request_is_refused_on_its_second_run(monkeypatch):
    loan = make_loan("in_use", device_id="MON-009", key="recall-stale-001")
    stale = _stored(loan.id)
    loan_flow.request_return(_nurse(), loan.id)
    _stale_first_read(monkeypatch, recall, stale)
    with pytest.raises(Conflict) as refused:
        recall.recall(_manager(), loan.id, "急诊", iso_in(2))  # its write fails (status, version), its rerun refuses
    assert refused.value.code == "loan_not_in_use"
    stored = _stored(loan.id)
    assert stored.recall_state is None and stored.recall_open is None and "loan.recall" not in _actions(loan.id)


def test_a_return_request_read_before_a_recall_closes_it_on_its_second_run(monkeypatch):
    loan = make_loan("in_use", device_id="MON-010", key="recall-stale-002")
    stale = _stored(loan.id)
    recall.recall(_manager(), loan.id, "急诊", iso_in(2))
    _stale_first_read(monkeypatch, loan_flow, stale)
    returned = loan_flow.request_return(_nurse(), loan.id)  # its write fails (version), its rerun closes the recall
    assert (returned.status, returned.recall_state) == ("return_requested", "returned")
    assert _stored(loan.id).recall_open is None and _actions(loan.id)[-2:] == ["loan.recall", "loan.request_return"]


def test_a_late_refusal_lifts_the_flag_raised_against_the_recall_time():
    clock.freeze(clock.now())
    loan = make_loan("in_use", device_id="MON-006", key="recall-late-no-01")  # due in 24 h (MON-006: back and disinfected after the race)
    recall.recall(_manager(), loan.id, "急诊", iso_in(1))
    clock.freeze(clock.now() + timedelta(hours=2))
    assert loan.id in overdue.check().flagged
    refused = recall.answer(_nurse(), loan.id, False, reason="患者仍在使用")
    assert (refused.overdue, refused.overdue_at, refused.expected_return_at) == (False, None, loan.expected_return_at)
    answer = [r for r in Record.query(f"loan#{loan.id}", consistent_read=True) if r.action == "loan.recall_answer"][0]
    assert answer.before["overdue"] is True and answer.after["recall_state"] == "refused"
    assert loan.id not in overdue.check().flagged  # due again only at the restored time
