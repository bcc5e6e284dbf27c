"""The notifier: each new outbox event, as the table's DynamoDB Stream delivers it (NEW_IMAGE), is fanned
out and its notifications pushed. In AWS a Lambda event source mapping calls `handle` with a batch of
records; locally local/notify_stream.py reads DynamoDB Local's stream and calls the same function.

Only INSERTs are events (the fan-out's own update and the TTL's delete come back as MODIFY and REMOVE).
A record whose fan-out fails (DynamoDB) is reported as the batch's first failure (ReportBatchItemFailures):
the rest of the batch is retried after it, which is harmless since everything here is idempotent. A push
WeChat refuses or cannot take is not a failure: it stays pending with backoff for the scheduled run."""
from __future__ import annotations

import logging
import time
from typing import Any

from medpool import clock
from medpool.models.notify_event import RESEND, NotifyEvent
from medpool.services.notify import delivery, fanout
from medpool.services.notify.outbox import PENDING
from medpool.services.wechat_tokens import SharedToken

log = logging.getLogger(__name__)


def process(item: NotifyEvent, tokens: SharedToken) -> delivery.DeliveryStats:
    """Fan one event out and push what is due of it."""
    if item.event == RESEND:
        notice = delivery.get_notification(item.notification_id or "")
        notices = [notice] if notice is not None else []
        fanout.mark_fanned_out(item)
    else:
        notices = fanout.fan_out(item)
    now = clock.now_iso()
    return delivery.deliver_side_by_side([n for n in notices if delivery.due(n, now)], tokens=tokens)


def handle(event: dict[str, Any], context: Any = None) -> dict[str, list]:
    """A batch of stream records -> {"batchItemFailures": [...]} (empty: all done)."""
    tokens, stats = SharedToken(), delivery.DeliveryStats()
    for record in event.get("Records", []):
        if record.get("eventName") != "INSERT":
            continue
        change = record.get("dynamodb", {})
        try:
            stats.add(process(NotifyEvent.from_raw_data(change["NewImage"]), tokens))
        except Exception:  # noqa: BLE001 - report it: the mapping retries from this record on
            log.exception("notify: event %s failed", change.get("Keys"))
            return {"batchItemFailures": [{"itemIdentifier": change.get("SequenceNumber")}]}
    if stats.sent or stats.retrying or stats.failed:
        log.info("notify: %s", stats)
    return {"batchItemFailures": []}


def sweep(limit: int = 200, budget_seconds: float = 240) -> dict[str, Any]:
    """The scheduled run's part: events the stream path has not fanned out yet, then every pending
    notification that is due (pushes that failed or were never tried)."""
    deadline = time.monotonic() + budget_seconds
    tokens, stats, events = SharedToken(), delivery.DeliveryStats(), 0
    for item in NotifyEvent.by_sweep.query(PENDING, limit=limit):
        if time.monotonic() > deadline:
            break
        stats.add(process(item, tokens))
        events += 1
    remaining = max(deadline - time.monotonic(), 0)
    stats.add(delivery.deliver_pending(budget_seconds=remaining))
    return {"events": events, **stats.__dict__}
