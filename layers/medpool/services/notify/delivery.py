"""Pushing notifications as WeChat subscribe messages, never inside an API request: the stream worker
right after fan-out, the scheduled run for whatever is still pending (backoff).

Delivery claims an item (conditional update of its queue time: a lease), sends it, and records the
outcome: sent, not_subscribed (43101, final), retried with backoff, or failed after N tries (shown to
managers). Two dispatchers never send the same item twice; a crash mid-send may repeat one push."""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Iterable

from pynamodb.exceptions import UpdateError

from medpool import clock
from medpool.config import get_settings
from medpool.errors import MedpoolError
from medpool.models.notification import Notification
from medpool.services.notify import keep
from medpool.services.transactions import is_condition_failure

if TYPE_CHECKING:  # the WeChat client is loaded by the code that sends (resend and feeds import this module too)
    from medpool.services.wechat_tokens import SharedToken

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)  # a claimed item is invisible to other dispatchers this long
BACKOFF_MINUTES = (1, 5, 15, 60, 180)
FINAL_ERRCODES = {47003: "内容不符合模板要求", 40003: "openid 无效", 40037: "模板 ID 无效", 43101: "用户未订阅"}
MAX_TRANSPORT_FAILURES = 3  # WeChat unreachable this many times in a row: stop the batch
PARALLEL_SENDS = 8  # an event's recipients are told side by side: 12 managers do not wait 12 x WeChat's answer


@dataclass
class DeliveryStats:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    not_subscribed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: "DeliveryStats") -> None:
        for name in ("sent", "retrying", "failed", "not_subscribed", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors


def _claim(notice: Notification, now: str) -> str | None:
    lease = clock.to_iso(clock.parse_iso(now) + LEASE)
    try:
        notice.update(actions=[Notification.queue_at.set(lease), Notification.attempts.add(1)],
                      condition=(Notification.queue == "pending") & (Notification.queue_at == notice.queue_at))
    except UpdateError as error:
        if is_condition_failure(error):
            return None
        raise
    return lease


def _finish(notice: Notification, lease: str, state: str, error: str | None = None,
            queue: str | None = None, queue_at: str | None = None) -> None:
    actions = [Notification.state.set(state)]
    if state == "sent":
        actions.append(Notification.sent_at.set(clock.now_iso()))
    if state in keep.DELIVERED:
        actions.append(Notification.expires_at.set(keep.delivered_until()))
    if error:
        actions.append(Notification.last_error.set(error[:300]))
    actions += ([Notification.queue.set(queue), Notification.queue_at.set(queue_at)] if queue
                else [Notification.queue.remove(), Notification.queue_at.remove()])
    try:
        notice.update(actions=actions, condition=Notification.queue_at == lease)
    except UpdateError as failure:
        if not is_condition_failure(failure):
            raise
        log.warning("notification %s: lease lost before recording %s", notice.id, state)


def _retry_or_fail(notice: Notification, lease: str, error: str, stats: DeliveryStats) -> None:
    now = clock.now()
    if notice.attempts >= get_settings().notify_max_attempts:
        _finish(notice, lease, "failed", error, queue="failed", queue_at=clock.to_iso(now))
        stats.failed += 1
    else:
        minutes = BACKOFF_MINUTES[min(notice.attempts, len(BACKOFF_MINUTES)) - 1]
        _finish(notice, lease, "pending", error, queue="pending", queue_at=clock.to_iso(now + timedelta(minutes=minutes)))
        stats.retrying += 1


def _send_one(notice: Notification, tokens: SharedToken, stats: DeliveryStats) -> bool:
    """Claim, send and record one notification; False when WeChat could not be reached."""
    from medpool.wechat import get_wechat_client
    from medpool.wechat.client import NOT_SUBSCRIBED

    settings = get_settings()
    template_id = settings.template_id(notice.template)
    lease = _claim(notice, clock.now_iso())
    if lease is None:
        stats.skipped += 1  # another dispatcher has it, or it is done
        return True
    if template_id is None:
        _finish(notice, lease, "in_app")
        return True
    try:
        result = get_wechat_client().send_subscribe_message(tokens, notice.openid, template_id, notice.data,
                                                            notice.page, settings.miniprogram_state)
    except MedpoolError as error:
        _retry_or_fail(notice, lease, f"{error.code}: {error.message}", stats)
        stats.errors.append(error.code)
        return False
    if result.errcode == 0:
        _finish(notice, lease, "sent")
        stats.sent += 1
    elif result.errcode == NOT_SUBSCRIBED:
        _finish(notice, lease, "not_subscribed", f"{result.errcode}: {result.errmsg}")
        stats.not_subscribed += 1
    elif result.errcode in FINAL_ERRCODES:
        log.error("notification %s refused by WeChat: %s %s", notice.id, result.errcode, result.errmsg)
        _finish(notice, lease, "failed", f"{result.errcode}: {FINAL_ERRCODES[result.errcode]} ({result.errmsg})",
                queue="failed", queue_at=clock.now_iso())
        stats.failed += 1
    else:
        _retry_or_fail(notice, lease, f"{result.errcode}: {result.errmsg}", stats)
    return True


def due(notice: Notification, now: str) -> bool:
    """Waiting to be pushed and not backing off (never tried: due whatever the clocks of the writer and
    this container say; tried: when its backoff or its lease has run out)."""
    return notice.queue == "pending" and (not notice.attempts or (notice.queue_at or "") <= now)


def deliver(notices: Iterable[Notification], tokens: SharedToken | None = None,
            deadline: float | None = None) -> DeliveryStats:
    """Send the given pending notifications (one shared access token, refreshed at most once)."""
    from medpool.services.wechat_tokens import SharedToken

    tokens, stats, failures = tokens or SharedToken(), DeliveryStats(), 0
    for notice in notices:
        if deadline is not None and time.monotonic() > deadline:
            break
        if notice.queue != "pending":
            continue
        failures = 0 if _send_one(notice, tokens, stats) else failures + 1
        if failures >= MAX_TRANSPORT_FAILURES:
            log.warning("WeChat unreachable: the rest of the outbox waits for the next run")
            break
    return stats


class _LockedTokens:
    """One batch's SharedToken for several sending threads: read and refreshed under a lock, so still at
    most one refresh per batch."""

    def __init__(self, tokens: SharedToken):
        self.tokens, self.lock = tokens, threading.Lock()

    def current(self) -> str:
        with self.lock:
            return self.tokens.current()

    def refresh(self, stale: str) -> str:
        with self.lock:
            return self.tokens.refresh(stale)


def deliver_side_by_side(notices: list[Notification], tokens: SharedToken | None = None) -> DeliveryStats:
    """Send one event's notifications concurrently (each is claimed first, so still once each)."""
    from medpool.services.wechat_tokens import SharedToken

    notices = [n for n in notices if n.queue == "pending"]
    if len(notices) <= 1:
        return deliver(notices, tokens)
    shared, stats = _LockedTokens(tokens or SharedToken()), DeliveryStats()
    results = [DeliveryStats() for _ in notices]
    with ThreadPoolExecutor(max_workers=min(PARALLEL_SENDS, len(notices)), thread_name_prefix="push") as pool:
        list(pool.map(lambda pair: _send_one(pair[0], shared, pair[1]), zip(notices, results)))
    for result in results:
        stats.add(result)
    return stats


def deliver_pending(limit: int = 500, budget_seconds: float = 240) -> DeliveryStats:
    """Send what is due in the outbox (reads grow with the backlog, not history)."""
    pending = Notification.by_queue.query("pending", Notification.queue_at <= clock.now_iso(), limit=limit)
    return deliver(pending, deadline=time.monotonic() + budget_seconds)


def get_notification(notification_id: str) -> Notification | None:
    try:
        return Notification.get(notification_id, consistent_read=True)
    except Notification.DoesNotExist:
        return None
