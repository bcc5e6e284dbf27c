"""Reading notifications: a user's own list (every notification is kept in the app) and the outbox
for managers. Kept apart from delivery so readers do not reach WeChat or the loan tables."""
from __future__ import annotations

from medpool.models.notification import Notification
from medpool.models.user import User
from medpool.services.pages import DEFAULT_LIMIT, Page, decode_cursor, page_of, scope_of


def list_for_user(user: User, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> Page[Notification]:
    """The user's own notifications, newest first (every notification is kept in the app)."""
    scope = scope_of("notifications", user.openid)
    return page_of(Notification.by_user.query(user.openid, scan_index_forward=False, limit=limit,
                                              last_evaluated_key=decode_cursor(cursor, scope)), scope)


def list_outbox(queue: str, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> Page[Notification]:
    """Managers: notifications given up on (failed) or still waiting (pending), oldest first."""
    scope = scope_of("outbox", queue)
    return page_of(Notification.by_queue.query(queue, limit=limit, last_evaluated_key=decode_cursor(cursor, scope)),
                   scope)
