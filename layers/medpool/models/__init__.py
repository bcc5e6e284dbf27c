"""PynamoDB models, one per file. TABLES maps each table's logical name to its model:
the one source of truth for local table creation and for infra/."""
from medpool.models.access_entry import AccessEntry
from medpool.models.announcement import Announcement
from medpool.models.base import bind
from medpool.models.block_lift import BlockLift
from medpool.models.booking import Booking
from medpool.models.booking_book import BookingBook
from medpool.models.category import Category
from medpool.models.category_counts import CategoryCounts
from medpool.models.department import Department
from medpool.models.ledger import LedgerEntry
from medpool.models.ledger_counter import LedgerCounter
from medpool.models.device import Device
from medpool.models.import_chunk import ImportChunk
from medpool.models.import_job import ImportJob
from medpool.models.loan import Loan
from medpool.models.notification import Notification
from medpool.models.notify_event import NotifyEvent
from medpool.models.rate_limit import RateLimitCounter
from medpool.models.record import Record
from medpool.models.user import User
from medpool.models.wechat_token import WeChatToken

TABLES = {
    "users": User,
    "departments": Department,
    "records": Record,
    "categories": Category,
    "devices": Device,
    "loans": Loan,
    "ledger": LedgerEntry,
    "ledger_counters": LedgerCounter,
    "announcements": Announcement,
    "notifications": Notification,
    "notify_events": NotifyEvent,
    "wechat_tokens": WeChatToken,
    "block_lifts": BlockLift,
    "rate_limits": RateLimitCounter,
    "import_jobs": ImportJob,
    "import_chunks": ImportChunk,
    "bookings": Booking,
    "access_log": AccessEntry,
}


def bind_all() -> None:
    """Point every model at the tables of the current settings."""
    for logical_name, model in TABLES.items():
        bind(model, logical_name)
    bind(CategoryCounts, "categories")  # a second view of the category items (not a table of its own)
    bind(BookingBook, "bookings")  # the per-category booking books, items of the bookings table


bind_all()
