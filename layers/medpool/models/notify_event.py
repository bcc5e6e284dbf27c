"""One notification event: written in the transaction of the change it reports (the outbox), one small
item per (loan, event[, due time]) whatever the number of recipients. The table's stream (NEW_IMAGE)
feeds the notifier, which resolves the recipients, writes their notifications and pushes them; `sweep`
("pending" until fanned out) lets the scheduled run find what the stream path has not handled."""
from pynamodb.attributes import JSONAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from medpool.models.base import BaseMeta

RESEND = "resend"  # a manager resends a failed notification: `notification_id` names it


class NotifyEventSweepIndex(GlobalSecondaryIndex):
    """Events not fanned out yet, oldest first (sparse: fanning out removes `sweep`)."""

    class Meta:
        index_name = "sweep-at"
        projection = AllProjection()

    sweep = UnicodeAttribute(hash_key=True)
    at = UnicodeAttribute(range_key=True)


class NotifyEvent(Model):
    class Meta(BaseMeta):
        table_name = "notify_events"
        stream_view_type = "NEW_IMAGE"

    id = UnicodeAttribute(hash_key=True)  # hash of loan, event (+ due time): a retry cannot write it twice
    event = UnicodeAttribute()  # a services.notify.texts.EVENTS or DEVICE_EVENTS name, or RESEND
    loan_id = UnicodeAttribute(null=True)
    due = UnicodeAttribute(null=True)  # the due time a due event is about
    loan = JSONAttribute(null=True)  # the loan's fields the texts need, as committed
    device = JSONAttribute(null=True)  # a device event (maintenance/calibration due): the device's fields
    booking = JSONAttribute(null=True)  # a booking event (services/bookings/notices.py): the booking's fields
    notification_id = UnicodeAttribute(null=True)  # RESEND only
    at = UnicodeAttribute()  # when the change happened (the notifications' time)
    sweep = UnicodeAttribute(null=True)
    fanned_out_at = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)  # handled events are not kept forever

    by_sweep = NotifyEventSweepIndex()
