"""Writes to a category's booking book, inside the booking's transaction. Adding or moving an entry checks
and bumps the book's version (the decision was made on that version: another booking of the category
committed in between makes the transaction fail, and the decision is made again on fresh data). Removing an
entry (reject, cancel, fulfil, expire) only frees room: a decision made while it still counted was on the
safe side, so it neither checks nor bumps the version."""
from __future__ import annotations

from pynamodb.transactions import TransactWrite

from medpool.models.booking import Booking
from medpool.models.booking_book import BookingBook, book_id


def entry(booking: Booking) -> list[str]:
    return [booking.start_at, booking.end_at, booking.device_id or ""]


def put(writer: TransactWrite, booking: Booking, read_version: int) -> None:
    """Add (or move) the booking's entry, on the version the decision read (0: the book did not exist)."""
    if read_version == 0:
        writer.save(BookingBook(book_id(booking.category_id), entries={booking.id: entry(booking)}, book_version=1),
                    condition=BookingBook.id.does_not_exist())
        return
    writer.update(BookingBook(book_id(booking.category_id)),
                  actions=[BookingBook.entries[booking.id].set(entry(booking)),
                           BookingBook.book_version.set(read_version + 1)],
                  condition=BookingBook.book_version == read_version)


def restore(writer: TransactWrite, booking: Booking) -> None:
    """Put the entry back without a decision (the booking's own device was taken from it): bumps the version,
    so decisions in flight are made again with it."""
    writer.update(BookingBook(book_id(booking.category_id)),
                  actions=[BookingBook.entries[booking.id].set(entry(booking)), BookingBook.book_version.add(1)],
                  condition=BookingBook.id.exists())


def remove(writer: TransactWrite, booking: Booking) -> None:
    writer.update(BookingBook(book_id(booking.category_id)), actions=[BookingBook.entries[booking.id].remove()],
                  condition=BookingBook.id.exists())


def read(category_id: str) -> BookingBook | None:
    try:
        return BookingBook.get(book_id(category_id), consistent_read=True)
    except BookingBook.DoesNotExist:
        return None
