"""Every list is a Query whose key serves its filter (DynamoDB Local): with a history of closed loans, records of
other days and expired announcements present, each list answers exactly its items (against a full scan made
here, by the documented rules) and reads at most 1.2 x what it returns plus one page (ScannedCount)."""
from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest
from pynamodb.connection.base import Connection

from local import loan_history
from medpool import clock
from medpool.models.announcement import Announcement
from medpool.models.loan import STATUSES, Loan
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import announcements, loans, records
from medpool.services.loans import is_overdue

LIMIT = 7
HISTORY = 600


class ItemsRead:
    """Items DynamoDB read (ScannedCount) by the Queries made inside the block."""

    def __enter__(self):
        self.items, self.original = 0, Connection.dispatch
        counter = self

        def counting(connection, operation, kwargs):
            data = counter.original(connection, operation, kwargs)
            if operation in ("Query", "Scan"):
                counter.items += data.get("ScannedCount", 0)
            return data

        Connection.dispatch = counting
        return self

    def __exit__(self, *exc):
        Connection.dispatch = self.original


def walk(read_page):
    """Every page of a list: (items, [(read, returned) per page])."""
    items, pages, cursor = [], [], None
    while True:
        with ItemsRead() as usage:
            page = read_page(cursor)
        items += page.items
        pages.append((usage.items, len(page.items)))
        cursor = page.next_cursor
        if cursor is None:
            return items, pages
        assert len(pages) < 200, "the list does not end"


def assert_cheap(pages, what):
    for read, returned in pages:
        assert read <= 1.2 * returned + LIMIT, (what, pages)


@pytest.fixture(scope="module")
def history(real_tables):
    loan_history.write(loan_history.closed_loans(HISTORY))
    loan_history.write(loan_history.open_loans())
    everything = list(Loan.scan())  # the test's own ground truth (never a request path)
    assert len(everything) >= HISTORY
    return everything


def expected(everything, status, overdue, department_id, device_id):
    def wanted(loan):
        if (status and loan.status != status or department_id and loan.department_id != department_id
                or device_id and loan.device_id != device_id):
            return False
        if overdue is None:
            return True
        if overdue and not (status or department_id or device_id):  # the chasing list: open loans only
            return is_overdue(loan) and loan.status in ("in_use", "return_requested")
        return is_overdue(loan) == overdue
    return {loan.id for loan in everything if wanted(loan)}


MANAGER = User("demo-manager", role="manager", status="active", department_id="SBK", name="m", registered_at="")
SCOPES = [(None, None), ("ICU", None), (None, "HIS-007"), ("EM", "HIS-007"), ("RICU", "OPN-0204"),
          (None, "OPN-0105")]


@pytest.mark.parametrize("status", (None,) + STATUSES)
def test_every_loan_list_reads_what_it_answers(history, status):
    for overdue, (department_id, device_id) in itertools.product((None, True, False), SCOPES):
        what = (status, overdue, department_id, device_id)
        found, pages = walk(lambda cursor: loans.list_loans(MANAGER, status, overdue, department_id, device_id,
                                                            LIMIT, cursor))
        ids = [loan.id for loan in found]
        assert len(ids) == len(set(ids)), what
        assert set(ids) == expected(history, *what), what
        assert_cheap(pages, what)


def test_list_orders(history):
    def ids_of(*filters):
        return walk(lambda cursor: loans.list_loans(MANAGER, *filters, LIMIT, cursor))[0]

    for filters in [(None, None, "ICU", None), ("returned", None, None, None), ("returned", None, "EM", None),
                    (None, False, None, None), ("cancelled", None, None, "HIS-007")]:
        found = ids_of(*filters)
        newest_first = [loan for loan in found if loan.status != "in_use"] if filters[1] is False else found
        assert [loan.requested_at for loan in newest_first] == sorted((loan.requested_at for loan in newest_first),
                                                                      reverse=True), filters
    chasing = ids_of(None, True, "ICU", None)  # devices still out past due (longest overdue first), then the rest
    out = [loan for loan in chasing if loan.status == "in_use"]
    assert out and chasing[:len(out)] == out
    assert [loan.expected_return_at for loan in out] == sorted(loan.expected_return_at for loan in out)
    queue = ids_of("pending", None, None, None)
    assert [loan.queue_key for loan in queue] == sorted(loan.queue_key for loan in queue)


def test_an_applicant_lists_their_department_by_key(history):
    nurse = User("nurse-ICU", role="applicant", status="active", department_id="ICU", name="n", registered_at="")
    for status, overdue, device_id in [(None, None, None), ("returned", True, None), ("in_use", None, None),
                                       (None, True, None), (None, None, "HIS-003"), ("returned", False, "HIS-003")]:
        found, pages = walk(lambda cursor: loans.list_loans(nurse, status, overdue, None, device_id, LIMIT, cursor))
        assert {loan.id for loan in found} == expected(history, status, overdue, "ICU", device_id)
        assert_cheap(pages, (status, overdue, device_id))


def test_records_are_read_by_subject_actor_and_day_as_keys(real_tables):
    rng, now = random.Random(5), clock.now()
    with Record.batch_write() as batch:
        for n in range(400):
            at = clock.to_iso(now - timedelta(minutes=rng.randint(0, 20 * 24 * 60)))
            batch.save(Record(f"device#D{rng.randint(1, 4)}", f"{at}#{n:08x}", at=at, day=clock.business_day_of(at),
                              actor=f"actor-{rng.randint(1, 3)}", action="device.test"))
    everything = list(Record.scan())
    day = clock.business_day(now - timedelta(days=3))
    for subject, actor, on in itertools.product((None, "device#D2"), (None, "actor-1"), (None, day)):
        found, pages = walk(lambda cursor: records.list_records(subject, actor, on, LIMIT, cursor))
        want = [r for r in everything if (not subject or r.subject == subject) and (not actor or r.actor == actor)
                and r.day == (on or (clock.business_day(clock.now()) if not (subject or actor) else r.day))]
        assert [r.record_key for r in found] == sorted((r.record_key for r in want), reverse=True), (subject, actor, on)
        assert_cheap(pages, (subject, actor, on))


def test_the_announcement_feed_never_reads_an_expired_one(real_tables):
    now = clock.now()
    with Announcement.batch_write() as batch:
        for n in range(120):  # expired: of the last months
            published = now - timedelta(days=40 + n)
            batch.save(Announcement(f"AOLD{n:04d}", title="旧", body="旧", pinned=n % 9 == 0,
                                    published_at=clock.to_iso(published), author_openid="demo-manager",
                                    expires_at=clock.to_iso(published + timedelta(days=7)), version=1))
        for n in range(12):  # live: pinned or not, with an expiry or without
            published = now - timedelta(hours=n)
            batch.save(Announcement(f"ANEW{n:04d}", title="新", body="新", pinned=n % 4 == 0,
                                    published_at=clock.to_iso(published), author_openid="demo-manager",
                                    expires_at=clock.to_iso(now + timedelta(days=1 + n)) if n % 2 else None,
                                    version=1))
    found, pages = walk(lambda cursor: announcements.list_announcements(LIMIT, cursor))
    live = [a for a in Announcement.scan() if not a.deleted_at and (a.expires_at is None or
                                                                    a.expires_at > clock.now_iso())]
    assert [a.id for a in found] == [a.id for a in sorted(live, key=lambda a: a.position, reverse=True)]
    assert_cheap(pages, "announcements")
    assert sum(read for read, _ in pages) <= len(live) + LIMIT * len(pages)
