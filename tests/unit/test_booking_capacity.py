"""The booking capacity rule on hand-made cases (no database): the peak of overlapping bookings (a sweep, windows
half-open) and which devices can serve a window."""
from medpool.models.device import Device
from medpool.models.loan import Loan
from medpool.services.bookings.capacity import Entry, falls_due, last_day, peak, usable

T = "2030-03-02T{:02d}:00:00.000Z".format


def entries(*windows):
    return [Entry(f"B{n}", T(start), T(end), None) for n, (start, end) in enumerate(windows)]


def test_the_peak_counts_bookings_at_one_instant_not_all_that_touch_the_window():
    booked = entries((0, 2), (4, 6))
    assert peak(booked, T(1), T(5)) == 1  # touches both, never both at once
    assert peak(booked + entries((1, 5)), T(1), T(5)) == 2
    assert peak(entries((0, 2), (2, 4)), T(0), T(4)) == 1  # an end frees its unit before the next start
    assert peak(entries((0, 2), (1, 3), (1, 4)), T(1), T(2)) == 3
    assert peak(booked, T(2), T(4)) == 0


def _device(**fields):
    return Device("D1", category_id="c", name="d", owner_department_id="SBK", created_at=T(0), **fields)


def test_a_device_serves_a_window_unless_out_falling_due_or_back_too_late():
    start, end = T(10), T(14)  # Beijing 18:00-22:00 on 2030-03-02
    assert last_day(end) == "2030-03-02"
    assert usable(_device(status="available"), {}, start, end)
    assert usable(_device(status="cleaning"), {}, start, end)
    assert not usable(_device(status="maintenance"), {}, start, end)
    assert not usable(_device(status="retired"), {}, start, end)
    assert falls_due(_device(next_calibration_due="2030-03-02"), end)
    assert not usable(_device(status="available", next_maintenance_due="2030-03-01"), {}, start, end)
    assert usable(_device(status="available", next_maintenance_due="2030-03-03"), {}, start, end)
    loan = Loan("L1", expected_return_at=T(9))
    assert usable(_device(status="on_loan", current_loan_id="L1"), {"L1": loan}, start, end)  # back before
    late = Loan("L1", expected_return_at=T(11))
    assert not usable(_device(status="on_loan", current_loan_id="L1"), {"L1": late}, start, end)
    assert not usable(_device(status="reserved", current_loan_id="L2"), {}, start, end)  # its loan unread: no
