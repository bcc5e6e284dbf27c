"""A manager resends a failed notification (POST /outbox/{id}/retry): the request only puts it back in the
queue, with its audit record and a resend event in one transaction; the notifier on the outbox stream
pushes it (no WeChat call inside the request)."""
from __future__ import annotations

from medpool import clock
from medpool.errors import Conflict, NotFound
from medpool.models.notification import Notification
from medpool.models.user import User
from medpool.services.audit import add_record
from medpool.services.notify import outbox
from medpool.services.notify.delivery import get_notification
from medpool.services.transactions import transaction


def retry(actor: User, notification_id: str) -> Notification:
    """A manager sends a failed notification again (after fixing the cause); repeating it is harmless.
    The request only queues it (with a resend event): the stream worker pushes it."""
    notice = get_notification(notification_id)
    if notice is None:
        raise NotFound("通知不存在", code="notification_not_found")
    if notice.queue == "pending":
        return notice
    if notice.state != "failed":
        raise Conflict(f"通知当前状态为 {notice.state}，不能重发", code="notification_not_failed")
    now = clock.now_iso()
    notice.state, notice.queue, notice.queue_at, notice.attempts = "pending", "pending", now, 0
    with transaction(Conflict("通知已被他人处理，请刷新", code="state_changed")) as writer:
        writer.save(notice, condition=(Notification.state == "failed") & (Notification.queue == "failed"))
        add_record(writer, kind="notification", subject_id=notice.id, actor=actor.openid,
                   action="notification.retry", before={"state": "failed", "last_error": notice.last_error},
                   after={"state": "pending"}, at=now)
        outbox.add(writer, outbox.resend_event(notice.id, now))
    return notice
