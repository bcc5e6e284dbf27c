"""One notification to one user: kept in the app (the user's list) and, through this durable outbox,
pushed as a WeChat subscribe message: pending -> sent | not_subscribed (43101, final) | failed
(WeChat's reason, after N tries) | in_app (no template configured: kept in the app only)."""
from pynamodb.attributes import JSONAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from medpool.models.base import BaseMeta

STATES = ("pending", "sent", "not_subscribed", "failed", "in_app")


class NotificationUserIndex(GlobalSecondaryIndex):
    """A user's notifications, newest first."""

    class Meta:
        index_name = "openid-created_key"
        projection = AllProjection()

    openid = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class NotificationQueueIndex(GlobalSecondaryIndex):
    """The outbox: `queue` is "pending" (by next attempt time) or "failed" (for managers); sparse,
    so a sent notification leaves the index and the dispatcher's reads grow with the backlog only."""

    class Meta:
        index_name = "queue-queue_at"
        projection = AllProjection()

    queue = UnicodeAttribute(hash_key=True)
    queue_at = UnicodeAttribute(range_key=True)


class Notification(Model):
    class Meta(BaseMeta):
        table_name = "notifications"

    id = UnicodeAttribute(hash_key=True)  # hash of loan, event (+ due time for due events) and openid
    openid = UnicodeAttribute()
    created_key = UnicodeAttribute()  # "<created_at>#<id>"
    event = UnicodeAttribute()
    loan_id = UnicodeAttribute(null=True)
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    page = UnicodeAttribute(null=True)  # the mini program page the message opens
    template = UnicodeAttribute()  # template name in configuration (loan_result, loan_due, new_request)
    data = JSONAttribute()  # subscribe-message values by keyword (thing1, time2, ...), already shaped
    state = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    sent_at = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)  # WeChat's errcode and errmsg, or the transport failure
    queue = UnicodeAttribute(null=True)
    queue_at = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)  # set once delivered (services/notify/keep.py): then TTL removes it

    by_user = NotificationUserIndex()
    by_queue = NotificationQueueIndex()
