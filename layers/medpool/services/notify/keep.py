"""How long a delivered notification is kept (docs/retention.md): pushed, final (the user never subscribed)
or shown in the app only, it stays in the user's list for 180 days, then DynamoDB's TTL removes it. A pending
or failed one has no expiry (managers resend failed ones)."""
from __future__ import annotations

from datetime import datetime, timedelta

from medpool import clock

KEEP_DELIVERED = timedelta(days=180)
DELIVERED = ("sent", "not_subscribed", "in_app")


def delivered_until(at: str | None = None) -> datetime:
    return (clock.parse_iso(at) if at else clock.now()) + KEEP_DELIVERED
