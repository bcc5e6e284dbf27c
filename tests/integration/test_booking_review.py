"""On DynamoDB Local: the bookings' defects found by the adversarial review (issue 12 part 3, issue 13 part 1),
each test failing on the code as reviewed and stating the behaviour docs/data-and-loans.md ("Bookings") promises."""
from datetime import timedelta

import pytest

from medpool import clock
from medpool.errors import Conflict
from medpool.models.booking import Booking
from medpool.models.category import SCOPE, Category
from medpool.models.device import Device
from medpool.models.loan import Loan
from medpool.services import categories, devices, loan_flow
from medpool.services.bookings import conversion, flow
from tests.support import iso_in
from tests.integration.review_helpers import EM, ICU, MANAGER
from tests.integration.review_helpers import actions as _actions, apply as _apply, booking as _booking
from tests.integration.review_helpers import category as _category, user as _user


def test_a_booking_whose_device_an_emergency_took_gets_another_device_at_the_next_run():
    # Given 2 devices and an approved booking the run turned into a loan holding one of them
    _category("rvpre", 2)
    booking = _booking("rvpre", 1.5, 6, "rvpre-book-01")
    assert conversion.run().fulfilled == [booking.id]
    held = Booking.get(booking.id, consistent_read=True)
    taken = Loan.get(held.loan_id, consistent_read=True).device_id
    # When an emergency takes the booked device before the window starts
    emergency = _apply("rvpre", "emergency", "rvpre-emer-01", openid=EM)
    assert loan_flow.approve(_user(MANAGER), emergency.id, taken).device_id == taken
    assert Booking.get(booking.id, consistent_read=True).conflict == "taken_by_emergency"
    # Then the next run reserves the other (available) device for the booking, as the docs promise
    # ("The next run reserves another device for the booking or tells the managers there is none")
    assert Category.get(SCOPE, "rvpre", consistent_read=True).count_available == 1
    again = conversion.run()
    after = Booking.get(booking.id, consistent_read=True)
    assert (again.fulfilled, after.status, after.conflict) == ([booking.id], "fulfilled", None), (
        f"run: {again}, booking {after.status}/{after.conflict}: the booking's derived loan id is already taken "
        f"by its cancelled loan, so every later conversion fails its put")


def test_cancelling_the_loan_of_a_fulfilled_booking_closes_the_booking():
    # Given a booking turned into a loan (the booking itself cannot be cancelled any more: 409 booking_fulfilled)
    _category("rvcan", 1)
    booking = _booking("rvcan", 1.5, 6, "rvcan-book-01")
    assert conversion.run().fulfilled == [booking.id]
    loan_id = Booking.get(booking.id, consistent_read=True).loan_id
    with pytest.raises(Conflict) as fulfilled:
        flow.cancel(_user(ICU), booking.id)
    assert fulfilled.value.code == "booking_fulfilled"
    # When the ward cancels its loan, as the 409 tells it to
    assert loan_flow.cancel(_user(ICU), loan_id).status == "cancelled"
    # Then the booking does not stay "fulfilled" (已转借用) for a loan that no longer exists, and says why
    after = Booking.get(booking.id, consistent_read=True)
    assert after.status != "fulfilled", "the booking still shows 已转借用 for a cancelled loan"
    assert _actions(f"booking#{booking.id}")[-1] != "booking.fulfil"


def test_approving_a_loan_that_takes_the_unit_a_booking_counts_on_is_refused_or_surfaces_the_conflict():
    # Given one device and an approved booking of it for tomorrow (the category had room: it was accepted)
    _category("rvbkl", 1)
    booking = _booking("rvbkl", 20, 24, "rvbkl-book-01")
    # When a routine loan due back after the booking starts is approved on that last unit
    loan = _apply("rvbkl", "routine", "rvbkl-loan-01", openid=EM, due_h=30)
    try:
        loan_flow.approve(_user(MANAGER), loan.id, None)
        approved = True
    except Conflict:
        approved = False
    # Then either the approval is refused, or the managers see the booking's conflict at once (as when a device
    # goes to maintenance), not 18 hours later when the run finds no device
    after = Booking.get(booking.id, consistent_read=True)
    assert not approved or after.conflict is not None, "the booking silently lost its only device"


def test_the_run_does_not_turn_a_booking_into_a_routine_loan_on_the_emergency_reserve():
    # Given a category whose only device is held in reserve for emergencies
    _category("rvres", 1, emergency_reserve=1)
    try:
        booking = _booking("rvres", 1.5, 6, "rvres-book-01")
    except Conflict as refused:  # refusing the booking (capacity less the reserve) is a fix too
        assert refused.code == "booking_full"
        return
    # When the scheduled run converts the booking (a routine loan, approved by the system)
    conversion.run()
    # Then the reserve still holds: routine requests cannot take the last N available devices
    counts = Category.get(SCOPE, "rvres", consistent_read=True)
    assert int(counts.count_available or 0) >= 1, (
        f"booking {Booking.get(booking.id).status}: its routine loan took the emergency reserve")


def _preempt_then(monkeypatch, other):
    """Run `other` (an approval) once, between an approval's read of the booked hold and its own write."""
    from medpool.services.bookings import preempt

    read_hold, done = preempt._booked_hold, []

    def hold_then_other(device):
        found = read_hold(device)
        if not done:
            done.append("running")  # the other approval reads the hold too: once only
            done[0] = other()
        return found

    monkeypatch.setattr(preempt, "_booked_hold", hold_then_other)
    return done


@pytest.mark.parametrize("same_loan", [True, False], ids=["double_tap", "two_emergencies"])
def test_an_emergency_approval_losing_the_booked_device_answers_the_loan_or_a_precise_reason(monkeypatch, same_loan):
    # Given a booking turned into a loan holding the only device, and two emergencies waiting
    cid = "rvprs" if same_loan else "rvprd"
    [device_id] = _category(cid, 1)
    booking = _booking(cid, 1.5, 6, f"{cid}-book-01")
    assert conversion.run().fulfilled == [booking.id]
    first = _apply(cid, "emergency", f"{cid}-emer-01", openid=EM)
    second = first if same_loan else _apply(cid, "emergency", f"{cid}-emer-02", openid=EM)
    # When another manager's approval (of the same emergency: a double tap; or of another) takes the booked
    # device between this approval's reads and its write (seen on DynamoDB Local with plain threads too)
    winner = _preempt_then(monkeypatch, lambda: loan_flow.approve(_user("demo-admin"), first.id, device_id))
    try:
        answer = loan_flow.approve(_user(MANAGER), second.id, device_id)
    except Conflict as refused:
        answer = refused
    assert winner and Device.get(device_id, consistent_read=True).current_loan_id == first.id
    # Then a repeat answers the loan (a completed action repeated is a no-op), and the loser of the device gets
    # the precise reason, never the generic "state_changed" of the preemption's own transaction
    if same_loan:
        assert isinstance(answer, Loan) and answer.id == first.id, getattr(answer, "code", answer)
    else:
        assert getattr(answer, "code", None) == "device_unavailable", getattr(answer, "code", answer)


def test_a_device_moved_to_another_category_surfaces_the_conflict_of_the_bookings_counting_on_it():
    # Given one device and an approved booking counting on it
    [device_id] = _category("rvmov", 1)
    _category("rvmo2", 0)
    booking = _booking("rvmov", 20, 24, "rvmov-book-01")
    # When a manager moves the device to another category (it leaves this category's pool)
    devices.update_device(_user(MANAGER), device_id, {"category_id": "rvmo2"})
    # Then the booking is marked at once, as when a device goes to maintenance or is retired
    after = Booking.get(booking.id, consistent_read=True)
    assert after.conflict == "device_maintenance", "the booking lost its only device without a word"


def test_a_department_blocked_for_long_overdue_loans_cannot_book_its_way_around_the_block():
    from tests.support import make_loan, reconfigure

    # Given escalation on (4 h) and ICU holding a loan overdue for 5 h: its routine requests are refused
    _category("rvesc", 2)
    lent = make_loan("in_use", category_id="rvesc", device_id="RVESC-1", key="rvesc-lent-01")
    Loan.get(lent.id, consistent_read=True).update(
        actions=[Loan.expected_return_at.set(clock.to_iso(clock.now() - timedelta(hours=5)))])
    reconfigure(MEDPOOL_ESCALATION_HOURS="4")
    try:
        with pytest.raises(Conflict) as blocked:
            _apply("rvesc", "routine", "rvesc-rout-01")
        assert blocked.value.code == "department_blocked"
        # When the same ward books the category for a window starting within the hour
        try:
            booked = flow.create(_user(ICU), flow.BookingRequest("rvesc", None, iso_in(0.5), iso_in(4), "择期"),
                                 "rvesc-book-01")[0]
        except Conflict as refused:
            booked = refused
    finally:
        reconfigure(MEDPOOL_ESCALATION_HOURS="0")
    # Then the booking is refused like the routine request it becomes (the run turns it into an approved loan)
    assert getattr(booked, "code", None) == "department_blocked", f"booked: {getattr(booked, 'status', booked)}"


@pytest.mark.parametrize("stale", [False, True], ids=["counts_read", "counts_read_stale"])
def test_a_reserve_set_after_the_booking_was_accepted_holds_at_the_run_and_the_managers_are_told(monkeypatch,
                                                                                                  stale):
    # Given an approved booking of a category of one device, accepted before the category kept a reserve
    cid = "rvrs3" if stale else "rvrs2"
    _category(cid, 1)
    booking = _booking(cid, 1.5, 6, f"{cid}-book-01")
    categories.update_category(_user(MANAGER), cid, {"emergency_reserve": 1})
    if stale:  # the run's read of the counts shows room: the condition on the counts must hold the reserve
        monkeypatch.setattr(conversion.waitlist, "free_for", lambda category, urgency: 1)
    # When the run comes to turn it into a routine loan
    result = conversion.run()
    # Then the reserve holds and the managers are told there is no device for the booking
    after = Booking.get(booking.id, consistent_read=True)
    counts = Category.get(SCOPE, cid, consistent_read=True)
    assert booking.id in result.conflicts and booking.id not in result.fulfilled
    assert (counts.count_available, int(counts.count_reserved or 0), after.status, after.conflict) == (
        1, 0, "approved", "no_device")
    assert "抢救预留" in after.conflict_note
