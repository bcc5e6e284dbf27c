"""Notifications, as a state change sees them: it puts its event into its own transaction (`enqueue`: the
outbox, one small item whatever the number of recipients) and is done. No recipient lookup, no name lookup
and no WeChat call happens inside the request: the notifier fed by the outbox table's stream does all of
that (medpool.services.notify: fanout, delivery, stream)."""
from __future__ import annotations

from medpool.services.notify.outbox import DUE_EVENTS, enqueue

__all__ = ["DUE_EVENTS", "enqueue"]
