"""Helpers of the adversarial review's tests (test_waitlist_review.py, test_booking_review.py): categories of a
few devices, applications and approved bookings made through the services, a subject's audit actions."""
from medpool.models.booking import Booking
from medpool.models.loan import Loan
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import categories, devices, loans
from medpool.services.bookings import flow
from tests.support import iso_in

MANAGER, ICU, EM = "demo-manager", "demo-nurse-icu", "demo-nurse-em"


def user(openid: str) -> User:
    return User.get(openid)


def category(category_id: str, count: int, **settings) -> list[str]:
    manager = user(MANAGER)
    categories.create_category(manager, category_id, {"name": f"评审{category_id}", "rate_fen": 100,
                                                      "rate_unit": "hour", "max_loan_hours": 72, **settings})
    ids = [f"{category_id.upper()}-{n}" for n in range(1, count + 1)]
    for device_id in ids:
        devices.create_device(manager, device_id, {"category_id": category_id, "name": device_id,
                                                   "owner_department_id": "SBK"})
    return ids


def apply(category_id: str, urgency: str, key: str, openid: str = ICU, due_h: float = 24) -> Loan:
    return loans.create_loan(user(openid), loans.LoanRequest(category_id, None, urgency, "病人需要", iso_in(due_h)),
                             key)[0]


def booking(category_id: str, start_h: float, end_h: float, key: str, openid: str = ICU) -> Booking:
    booked = flow.create(user(openid), flow.BookingRequest(category_id, None, iso_in(start_h), iso_in(end_h),
                                                           "择期手术"), key)[0]
    return flow.approve(user(MANAGER), booked.id)


def actions(subject: str) -> list[str]:
    return [r.action for r in Record.query(subject, consistent_read=True)]
