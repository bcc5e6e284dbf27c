"""The booking book of a category (a second view of the bookings table, item `book#<category>`): the live
bookings' windows, read with one strongly consistent GetItem by every booking decision, and a version
that every booking (and move) of the category checks and bumps in its transaction. Bookings of one category
are so serialized: two bookings for the last unit cannot both see it free (docs/data-and-loans.md,
"Bookings")."""
from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from medpool.models.base import BaseMeta

PREFIX = "book#"


def book_id(category_id: str) -> str:
    return f"{PREFIX}{category_id}"


class BookingBook(Model):
    class Meta(BaseMeta):
        table_name = "bookings"

    id = UnicodeAttribute(hash_key=True)
    # booking id -> [start_at, end_at, device_id or ""]: bookings requested or approved, not yet a loan
    entries = MapAttribute(default=dict)
    book_version = NumberAttribute(default=0)  # checked and bumped by every booking and move of the category
