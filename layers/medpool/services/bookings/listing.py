"""Booking lists, each one Query on a start-time index: a Beijing day (bookings starting that day) or what is
ahead (starting from today 00:00 Beijing time), of the hospital, a category or a department. Applicants see
their own department's; a category filter on a department's list filters its bookings ahead (a bounded set,
not history)."""
from __future__ import annotations

from datetime import date, timedelta

from medpool import clock
from medpool.errors import Forbidden
from medpool.models.booking import SCOPE, Booking
from medpool.models.user import User
from medpool.services.pages import DEFAULT_LIMIT, Page, decode_cursor, page_of, scope_of


def _range(day: str | None):
    """The start-time key condition: the day's bookings, or those starting from today on."""
    first = date.fromisoformat(day) if day else date.fromisoformat(clock.business_day(clock.now()))
    start = clock.to_iso(clock.day_start(first))
    if day is None:
        return Booking.start_at >= start
    return Booking.start_at.between(start, clock.to_iso(clock.day_start(first + timedelta(days=1)) -
                                                        timedelta(milliseconds=1)))


def list_bookings(user: User, day: str | None, category_id: str | None, department_id: str | None,
                  limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> Page[Booking]:
    """By start time, soonest first."""
    if not user.is_manager:
        if department_id and department_id != user.department_id:
            raise Forbidden("只能查看本科室的预约", code="other_department")
        department_id = user.department_id
    scope = scope_of("bookings", user.is_manager, day, category_id, department_id)
    start = decode_cursor(cursor, scope)
    key = _range(day)
    if department_id:
        where = (Booking.category_id == category_id) if category_id else None
        results = Booking.by_department.query(department_id, key, filter_condition=where, limit=limit,
                                              last_evaluated_key=start)
    elif category_id:
        results = Booking.by_category.query(category_id, key, limit=limit, last_evaluated_key=start)
    else:
        results = Booking.by_scope.query(SCOPE, key, limit=limit, last_evaluated_key=start)
    return page_of(results, scope)
