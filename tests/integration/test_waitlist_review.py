"""On DynamoDB Local: the waiting list and the emergency reserve as an adversarial review tried them (docs/
data-and-loans.md, "Waiting list"): the counts agree with a recount after every path in and out of `pending`;
racing routine approvals never take the reserve; the system's reservation of a freed device never claims a
manager's approval, serves two emergencies when two devices come back at once, and ignores an event about a
device that has moved to another category."""
import pytest

from medpool import clock
from medpool.errors import Conflict
from medpool.models.booking import Booking
from medpool.models.category import SCOPE, Category
from medpool.models.device import Device
from medpool.models.loan import Loan
from medpool.services import availability, devices, loan_flow
from medpool.services.bookings import conversion
from tests.integration.review_helpers import EM, ICU, MANAGER
from tests.integration.review_helpers import apply as _apply, booking as _booking
from tests.integration.review_helpers import category as _category, user as _user


def test_the_system_does_not_claim_an_approval_a_manager_made_while_it_was_reserving(monkeypatch):
    from medpool.services import waitlist
    from medpool.services.notify import freed, outbox

    # Given a freed device, an emergency heading the queue and the automatic reservation on
    [device_id] = _category("rvaut", 1, auto_reserve_emergency=True)
    emergency = _apply("rvaut", "emergency", "rvaut-emer-01", openid=EM)
    event = outbox.device_freed(Device.get(device_id, consistent_read=True), clock.now_iso())
    # When a manager approves it with that device between the notifier's read and its own approval
    read_head = waitlist.head

    def head_then_manager(category_id):
        found = read_head(category_id)
        loan_flow.approve(_user(MANAGER), emergency.id, device_id)
        return found

    monkeypatch.setattr(waitlist, "head", head_then_manager)
    told = freed.resolve(event)
    # Then the managers are not told "系统已为抢救申请自动预留设备" about the manager's own approval
    stored = Loan.get(emergency.id, consistent_read=True)
    assert stored.approved_by == MANAGER and not stored.auto_reserved
    assert told is None or told[0] != freed.AUTO_RESERVED, f"told {told[0]} for an approval by {stored.approved_by}"


def test_the_queue_and_device_counts_agree_with_a_recount_after_every_path_in_and_out_of_pending():
    # Given a category of 2 devices (1 in reserve) and requests taking every path out of `pending`
    _category("rvcnt", 2, emergency_reserve=1)
    manager, icu = _user(MANAGER), _user(ICU)
    keys = iter(f"rvcnt-{n:04d}-x" for n in range(100))
    approved = _apply("rvcnt", "routine", next(keys))
    loan_flow.approve(manager, approved.id, None)
    loan_flow.reject(manager, _apply("rvcnt", "urgent", next(keys)).id, "不需要")
    loan_flow.cancel(icu, _apply("rvcnt", "routine", next(keys)).id)
    waiting = _apply("rvcnt", "routine", next(keys))
    with pytest.raises(Conflict):
        loan_flow.approve(manager, waiting.id, None)  # the reserve
    loan_flow.cancel(icu, approved.id)  # an approved loan's device comes back
    booking = _booking("rvcnt", 1.5, 6, "rvcnt-book-01")
    conversion.run()
    held = Loan.get(Booking.get(booking.id, consistent_read=True).loan_id, consistent_read=True).device_id
    loan_flow.approve(manager, _apply("rvcnt", "emergency", next(keys), openid=EM).id, held)  # preemption
    loan_flow.approve(manager, _apply("rvcnt", "emergency", next(keys), openid=EM).id, None)
    # Then the counts kept by the transactions are what a recount finds
    [report] = [r for r in availability.recount(dry_run=True) if r["category_id"] == "rvcnt"]
    assert not report["changed"], report


def test_a_freed_device_event_names_the_head_of_the_devices_category_not_the_one_it_left():
    from medpool.services.notify import freed, outbox

    # Given a device freed in one category of 2 (its event not yet processed), then moved to another
    device_id, _ = _category("rvfra", 2)
    _category("rvfrb", 0)
    stale = outbox.device_freed(Device.get(device_id, consistent_read=True), clock.now_iso())
    lent = _apply("rvfra", "routine", "rvfra-lent-01")
    loan_flow.approve(_user(MANAGER), lent.id, device_id)
    loan_flow.cancel(_user(ICU), lent.id)
    devices.update_device(_user(MANAGER), device_id, {"category_id": "rvfrb"})
    for n in (1, 2):
        _apply("rvfra", "urgent", f"rvfra-wait-0{n}")
    # When the old event is processed
    told = freed.resolve(stale)
    # Then the managers are not told to give the device to a request of the category it no longer belongs to
    assert told is None or told[1].category_id == Device.get(device_id).category_id, (
        f"{told[0]} names {told[1].id} of rvfra for {device_id}, now in rvfrb")


def test_routine_approvals_racing_for_the_devices_beyond_the_reserve_never_take_it():
    from tests.integration.race import race

    # Given 3 devices, 1 held in reserve, and 8 routine requests approved at once (the system picks devices)
    _category("rvrac", 3, emergency_reserve=1)
    requests = [_apply("rvrac", "routine", f"rvrac-rout-{n:02d}") for n in range(8)]
    manager, admin = _user(MANAGER), _user("demo-admin")
    done, refused = race([lambda loan=loan, n=n: loan_flow.approve(manager if n % 2 else admin, loan.id, None)
                          for n, loan in enumerate(requests)])
    # Then exactly 2 are approved, the others refused with a clear reason, and the reserve still holds
    assert len(done) == 2 and len(refused) == 6
    assert {e.code for e in refused} <= {"emergency_reserve_held", "no_device_available"}
    counts = Category.get(SCOPE, "rvrac", consistent_read=True)
    assert (counts.count_available, counts.count_reserved, counts.queue_routine) == (1, 2, 6)


def test_two_devices_freed_at_once_serve_the_two_emergencies_waiting(monkeypatch):
    from medpool.services import waitlist
    from medpool.services.notify import freed, outbox

    # Given 2 devices lent, 2 emergencies waiting and the automatic reservation on
    ids = _category("rvtwo", 2, auto_reserve_emergency=True)
    lent = [_apply("rvtwo", "routine", f"rvtwo-lent-0{n}") for n in (1, 2)]
    for loan, device_id in zip(lent, ids):
        loan_flow.approve(_user(MANAGER), loan.id, device_id)
    waiting = [_apply("rvtwo", "emergency", f"rvtwo-emer-0{n}", openid=EM) for n in (1, 2)]
    # When both devices come back at once (released here) and the notifier (stream shards, or the stream and the
    # scheduled sweep) resolves their two events side by side: the second runs while the first holds its head
    for loan in lent:
        loan_flow.cancel(_user(ICU), loan.id)
    events = [outbox.device_freed(Device.get(device_id, consistent_read=True), clock.now_iso()) for device_id in ids]
    read_head, inner = waitlist.head, []

    def head_then_the_other_event(category_id):
        found = read_head(category_id)
        if not inner:
            inner.append("running")  # the other event's resolve reads the head too: once only
            inner[0] = freed.resolve(events[1])
        return found

    monkeypatch.setattr(waitlist, "head", head_then_the_other_event)
    outer = freed.resolve(events[0])
    # Then each device went to one of the emergencies (or, failing that, the managers were told it is free)
    states = sorted(Loan.get(loan.id, consistent_read=True).status for loan in waiting)
    assert states == ["approved", "approved"] or outer is not None, (
        f"{ids[0]} stays available, {states}: nobody is told (resolve answered {outer})")
