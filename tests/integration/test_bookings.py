"""On DynamoDB Local: bookings (预约). Capacity (devices less maintenance, due dates, open loans, overlapping
bookings), 20 racing bookings for the last unit -> one winner, the managers' decisions, the scheduled run
turning a booking into a loan (or telling the managers), a device going to maintenance surfacing the
conflict, an emergency taking a booked device."""
from datetime import timedelta

import pytest

from medpool import clock
from medpool.errors import Conflict, Forbidden, Unprocessable
from medpool.models.booking import Booking
from medpool.models.category import SCOPE, Category
from medpool.models.device import Device
from medpool.models.loan import Loan
from medpool.models.notify_event import NotifyEvent
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import categories, devices, loan_flow, loans
from medpool.services.bookings import book, capacity, conversion, flow, listing, preempt
from tests.integration.race import race
from tests.support import iso_in, label_scene

MANAGER, NURSE, OTHER = "demo-manager", "demo-nurse-icu", "demo-nurse-em"


def _user(openid: str) -> User:
    return User.get(openid)


def _category(category_id: str, count: int, **device_fields) -> list[str]:
    """A category of `count` devices (ids <category>-1..n)."""
    manager = _user(MANAGER)
    categories.create_category(manager, category_id, {"name": f"测试{category_id}", "rate_fen": 100,
                                                      "rate_unit": "hour", "max_loan_hours": 72})
    ids = [f"{category_id}-{n}" for n in range(1, count + 1)]
    for device_id in ids:
        devices.create_device(manager, device_id, {"category_id": category_id, "name": device_id,
                                                   "owner_department_id": "SBK", **device_fields})
    return ids


def _request(category_id: str, start_h: float, end_h: float, device_id: str | None = None) -> flow.BookingRequest:
    return flow.BookingRequest(category_id, device_id, iso_in(start_h), iso_in(end_h), "择期手术")


def _book(category_id: str, start_h: float, end_h: float, key: str, openid: str = NURSE,
          device_id: str | None = None) -> Booking:
    return flow.create(_user(openid), _request(category_id, start_h, end_h, device_id), key)[0]


def _actions(booking_id: str) -> list[str]:
    return [r.action for r in Record.query(f"booking#{booking_id}", consistent_read=True)]


def _events(name: str) -> list[NotifyEvent]:
    return [e for e in NotifyEvent.scan() if e.event == name]


def test_twenty_racing_bookings_for_the_last_unit_have_exactly_one_winner():
    _category("race", 2)
    _book("race", 30, 34, "race-first-0001")  # one of two units taken: the last one is raced for
    manager = _user(MANAGER)
    actions = [lambda n=n: flow.create(_user(NURSE if n % 2 else OTHER), _request("race", 31, 33),
                                       f"race-key-{n:04d}") for n in range(20)]
    winners, refused = race(actions)
    assert len(winners) == 1 and len(refused) == 19
    assert {error.code for error in refused} == {"booking_full"}
    entries = capacity.entries_of(book.read("race"))
    assert len(entries) == 2 and winners[0][0].id in {e.booking_id for e in entries}
    assert book.read("race").book_version == 2
    assert _actions(winners[0][0].id) == ["booking.create"]
    assert manager.is_manager


def test_capacity_counts_maintenance_due_dates_open_loans_and_overlapping_bookings():
    ids = _category("cap", 4)
    manager = _user(MANAGER)
    devices.update_device(manager, ids[0], {"status": "maintenance", "status_reason": "维修"})
    due = clock.business_day(clock.now() + timedelta(hours=27))  # falls due by the last day of every window below
    devices.update_device(manager, ids[1], {"next_calibration_due": due})
    loan, _ = loans.create_loan(_user(NURSE), loans.LoanRequest("cap", None, "routine", "监护", iso_in(28)), "cap-loan-01")
    loan_flow.approve(manager, loan.id, ids[2])  # expected back at +28 h
    first = _book("cap", 27, 31, "cap-book-0001")  # usable from +27 h: ids[3] only
    with pytest.raises(Conflict) as full:
        _book("cap", 27.5, 30, "cap-book-0002")  # ids[2] is not back yet, ids[3] is booked
    assert full.value.code == "booking_full"
    second = _book("cap", 29, 35, "cap-book-0003")  # ids[2] is back by then
    third = _book("cap", 31, 35, "cap-book-0004")  # after `first` ends: its device serves it (a sweep, not a sum)
    with pytest.raises(Conflict) as peak:
        _book("cap", 30, 33, "cap-book-0005")  # [30, 31): first + second; [31, 33): second + third
    assert peak.value.code == "booking_full"
    assert [b.status for b in (first, second, third)] == ["requested"] * 3
    flow.cancel(_user(NURSE), third.id)
    assert _book("cap", 31, 33, "cap-book-0006").status == "requested"  # the cancelled one's room is free again
    with pytest.raises(Conflict) as booked:
        _book("cap", 40, 42, "cap-book-0007", device_id=ids[2]) and _book("cap", 41, 43, "cap-book-0008",
                                                                            device_id=ids[2])
    assert booked.value.code == "device_booked"
    with pytest.raises(Conflict) as not_bookable:
        _book("cap", 40, 42, "cap-book-0009", device_id=ids[0])
    assert not_bookable.value.code == "device_not_bookable"
    with pytest.raises(Conflict) as falls_due:
        _book("cap", 40, 42, "cap-book-0010", device_id=ids[1])
    assert falls_due.value.code == "device_not_bookable"


def test_bad_windows_are_refused_and_a_key_replays_its_booking():
    _category("bad", 1)
    for start, end, code in ((-1, 2, "booking_in_past"), (5, 4, "booking_window_invalid"),
                             (5, 100, "booking_too_long"), (24 * 200, 24 * 200 + 1, "booking_too_far")):
        with pytest.raises(Unprocessable) as refused:
            _book("bad", start, end, f"bad-{code}"[:40])
        assert refused.value.code == code
    assert book.read("bad") is None
    request = _request("bad", 10, 12)
    first, created = flow.create(_user(NURSE), request, "bad-replay-0001")
    again, created_again = flow.create(_user(NURSE), request, "bad-replay-0001")
    assert created and not created_again and again.id == first.id
    with pytest.raises(Unprocessable) as reused:
        flow.create(_user(NURSE), _request("bad", 13, 14), "bad-replay-0001")
    assert reused.value.code == "idempotency_key_reused"


def test_managers_approve_reject_and_move_and_the_ward_cancels():
    _category("dec", 1)
    manager, nurse = _user(MANAGER), _user(NURSE)
    a = _book("dec", 20, 24, "dec-book-0001")
    approved = flow.approve(manager, a.id)
    assert approved.status == "approved" and flow.approve(manager, a.id).version == approved.version
    assert NotifyEvent.get(_event_id(a.id, "booking_approved"), consistent_read=True).booking["status"] == "approved"
    with pytest.raises(Conflict) as full:
        _book("dec", 22, 26, "dec-book-0002", openid=OTHER)
    assert full.value.code == "booking_full"
    b = _book("dec", 30, 34, "dec-book-0003", openid=OTHER)
    with pytest.raises(Conflict) as taken:
        flow.move(manager, b.id, iso_in(21), iso_in(23))
    assert taken.value.code == "booking_full"
    new_start, new_end = iso_in(40), iso_in(44)
    moved = flow.move(manager, b.id, new_start, new_end, "改期")
    assert (moved.start_at, moved.end_at, moved.moves) == (new_start, new_end, 1)
    assert flow.move(manager, b.id, new_start, new_end, "改期").version == moved.version  # a repeat
    entries = {e.booking_id: e for e in capacity.entries_of(book.read("dec"))}
    assert entries[b.id].start == moved.start_at
    rejected = flow.reject(manager, b.id, "设备检修")
    assert rejected.status == "rejected" and b.id not in {e.booking_id for e in capacity.entries_of(book.read("dec"))}
    with pytest.raises(Forbidden):
        flow.cancel(_user(OTHER), a.id)  # another department's booking
    cancelled = flow.cancel(nurse, a.id)
    assert cancelled.status == "cancelled" and not capacity.entries_of(book.read("dec"))
    assert _actions(a.id) == ["booking.create", "booking.approve", "booking.cancel"]
    assert _actions(b.id) == ["booking.create", "booking.move", "booking.reject"]
    day = clock.business_day(clock.parse_iso(moved.start_at))
    listed = [x.id for x in listing.list_bookings(manager, day, "dec", None).items]
    # the day view lists the bookings starting on that Beijing day: b, and a only when the clock puts both on it
    same_day = clock.business_day(clock.parse_iso(a.start_at)) == day
    assert sorted(listed) == sorted([b.id, a.id] if same_day else [b.id])
    assert {x.id for x in listing.list_bookings(nurse, None, None, None).items} >= {a.id}
    assert b.id not in {x.id for x in listing.list_bookings(nurse, None, None, None).items}


def _event_id(booking_id: str, name: str, occurrence: str | None = None) -> str:
    from medpool.services.notify import outbox

    return outbox.event_id(f"booking#{booking_id}", name, occurrence)


def test_the_run_turns_an_approved_booking_into_a_loan_holding_a_device_or_tells_the_managers():
    ids = _category("conv", 1)
    manager = _user(MANAGER)
    a = flow.approve(manager, _book("conv", 1, 5, "conv-book-0001").id)  # starts within the 2 h lead time
    b = flow.approve(manager, _book("conv", 5.5, 8, "conv-book-0002").id)
    result = conversion.run()
    assert result.fulfilled == [a.id] and result.conflicts == []
    stored = Booking.get(a.id, consistent_read=True)
    loan = Loan.get(stored.loan_id, consistent_read=True)
    device = Device.get(ids[0], consistent_read=True)
    assert (stored.status, loan.status, loan.booking_id, loan.device_id, loan.expected_return_at) == (
        "fulfilled", "approved", a.id, ids[0], a.end_at)
    assert (device.status, device.current_loan_id) == ("reserved", loan.id)
    counts = Category.get(SCOPE, "conv", consistent_read=True)
    assert (counts.count_available, counts.count_reserved) == (0, 1)
    assert NotifyEvent.get(_event_id(a.id, "booking_ready", loan.id), consistent_read=True)
    assert a.id not in {e.booking_id for e in capacity.entries_of(book.read("conv"))}
    assert conversion.run().fulfilled == []  # a second run changes nothing
    # b's window comes near (4 h later) while the device is still out: no device -> managers told, once
    later = clock.to_iso(clock.now() + timedelta(hours=4))
    told = conversion.run(later)
    assert told.conflicts == [b.id] and conversion.run(later).conflicts == []
    assert Booking.get(b.id, consistent_read=True).conflict == "no_device"
    assert NotifyEvent.get(_event_id(b.id, "booking_conflict", f"no_device@{b.start_at}"), consistent_read=True)
    # after b's window: it expires and leaves the book
    gone = conversion.run(clock.to_iso(clock.now() + timedelta(hours=9)))
    assert b.id in gone.expired and Booking.get(b.id, consistent_read=True).status == "expired"


def test_a_device_sent_to_maintenance_surfaces_the_conflict_at_once():
    ids = _category("down", 2)
    manager = _user(MANAGER)
    a = flow.approve(manager, _book("down", 20, 24, "down-book-0001").id)
    b = _book("down", 21, 23, "down-book-0002", openid=OTHER)
    c = _book("down", 40, 44, "down-book-0003")  # alone in its window: one device still serves it
    devices.update_device(manager, ids[1], {"status": "maintenance", "status_reason": "电池故障"})
    marked = {x.id: x for x in Booking.batch_get([a.id, b.id, c.id], consistent_read=True)}
    assert marked[a.id].conflict == marked[b.id].conflict == "device_maintenance"
    assert marked[c.id].conflict is None
    assert ids[1] in marked[a.id].conflict_note
    listed = {x.id: x.conflict for x in listing.list_bookings(manager, None, "down", None).items}
    assert listed[a.id] == "device_maintenance"
    assert sum(1 for e in _events("booking_conflict") if e.booking["id"] in (a.id, b.id)) == 2
    assert "booking.conflict" in _actions(a.id)


def test_an_emergency_takes_a_booked_device_and_the_booking_ward_is_told():
    ids = _category("emer", 1)
    manager = _user(MANAGER)
    booking = flow.approve(manager, _book("emer", 1.5, 6, "emer-book-0001").id)
    assert conversion.run().fulfilled == [booking.id]
    held_id = Booking.get(booking.id, consistent_read=True).loan_id
    emergency, _ = loans.create_loan(_user(OTHER), loans.LoanRequest("emer", None, "emergency", "抢救", iso_in(12)),
                                     "emer-loan-0001")
    routine, _ = loans.create_loan(_user(OTHER), loans.LoanRequest("emer", None, "routine", "常规", iso_in(12)),
                                   "emer-loan-0002")
    with pytest.raises(Conflict):
        loan_flow.approve(manager, routine.id, ids[0])  # only an emergency may take it
    assert preempt.preemptible("emer") == ids[0]  # for an emergency approval that names no device
    taken = loan_flow.approve(manager, emergency.id, ids[0])
    assert (taken.status, taken.device_id) == ("approved", ids[0])
    device = Device.get(ids[0], consistent_read=True)
    assert (device.status, device.current_loan_id, device.holder_department_id) == ("reserved", emergency.id, "EM")
    assert Loan.get(held_id, consistent_read=True).status == "cancelled"
    back = Booking.get(booking.id, consistent_read=True)
    assert (back.status, back.conflict, back.loan_id) == ("approved", "taken_by_emergency", None)
    assert emergency.id in back.conflict_note
    assert booking.id in {e.booking_id for e in capacity.entries_of(book.read("emer"))}
    assert NotifyEvent.get(_event_id(booking.id, "booking_preempted", held_id), consistent_read=True)
    assert "booking.preempted" in _actions(booking.id)
    counts = Category.get(SCOPE, "emer", consistent_read=True)
    assert (counts.count_available, counts.count_reserved) == (0, 1)
    assert label_scene  # the hand-over of the emergency loan goes on as usual


def test_a_booking_whose_device_an_emergency_took_gets_another_at_the_next_run():
    ids = _category("again", 2)
    manager = _user(MANAGER)
    booking = flow.approve(manager, _book("again", 1.5, 6, "again-book-0001").id)
    assert conversion.run().fulfilled == [booking.id]
    first_loan = Loan.get(Booking.get(booking.id, consistent_read=True).loan_id, consistent_read=True)
    emergency, _ = loans.create_loan(_user(OTHER), loans.LoanRequest("again", None, "emergency", "抢救", iso_in(12)),
                                     "again-loan-0001")
    loan_flow.approve(manager, emergency.id, first_loan.device_id)
    result = conversion.run()  # the other device is available: the booking gets it, under a new loan
    assert (result.fulfilled, result.conflicts) == ([booking.id], [])
    stored = Booking.get(booking.id, consistent_read=True)
    second_loan = Loan.get(stored.loan_id, consistent_read=True)
    assert (stored.status, stored.conflict) == ("fulfilled", None)
    assert second_loan.id != first_loan.id and (second_loan.status, second_loan.booking_id) == ("approved", booking.id)
    assert second_loan.device_id == next(i for i in ids if i != first_loan.device_id)
    assert Loan.get(first_loan.id, consistent_read=True).status == "cancelled"
    assert conversion.run().fulfilled == []  # a second run changes nothing
    assert NotifyEvent.get(_event_id(booking.id, "booking_ready", second_loan.id), consistent_read=True)


def test_booking_events_reach_the_applicant_the_ward_and_the_managers_through_the_notifier(wx, notifier):
    from medpool.models.notification import Notification

    ids = _category("told", 2)
    manager = _user(MANAGER)
    booking = flow.approve(manager, _book("told", 1, 4, "told-book-0001").id)
    other = flow.approve(manager, _book("told", 3, 6, "told-book-0002").id)
    assert conversion.run().fulfilled == [booking.id]  # one device reserved for it until +4 h
    reserved = Booking.get(booking.id).loan_id and Loan.get(Booking.get(booking.id).loan_id).device_id
    spare = next(i for i in ids if i != reserved)
    devices.update_device(manager, spare, {"status": "retired", "status_reason": "报废"})  # `other` loses its device
    notifier.drain()
    mine = {n.event: n for n in Notification.by_user.query(NURSE) if (n.page or "").endswith(booking.id)}
    assert {"booking_approved", "booking_ready"} <= set(mine)
    assert mine["booking_ready"].title == "预约设备已预留" and Booking.get(booking.id).loan_id in mine["booking_ready"].body
    told = [n for n in Notification.by_user.query(MANAGER) if n.event == "booking_conflict"
            and n.page.rsplit("=", 1)[1] in (booking.id, other.id)]
    assert [n.page for n in told] == [f"pages/bookings/index?id={other.id}"]
    assert "报废" in told[0].body


def test_a_failed_calibration_and_a_damaged_return_surface_the_conflict_too():
    from medpool.services import upkeep
    from tests.support import make_loan

    ids = _category("fail", 1)
    manager = _user(MANAGER)
    booking = _book("fail", 40, 44, "fail-book-0001")
    upkeep.record(manager, ids[0], upkeep.UpkeepRecord(kind="calibration", result="fail", note="超差"))
    marked = Booking.get(booking.id, consistent_read=True)
    assert (marked.conflict, Device.get(ids[0]).status) == ("device_maintenance", "maintenance")
    # a damaged return: MON-005 of the demo monitors, booked by name
    named = _book("monitor", 60, 62, "fail-book-0002", device_id="MON-005")
    loan = make_loan("in_use", device_id="MON-005", key="fail-loan-0001")
    loan_flow.confirm_return(manager, loan.id, "damaged", "屏幕碎裂", scan=label_scene("MON-005"))
    assert Booking.get(named.id, consistent_read=True).conflict == "device_maintenance"
