"""UTC time as ISO 8601 strings (the storage and API format), with a seam for tests."""
from __future__ import annotations

from datetime import datetime, timezone

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen or datetime.now(timezone.utc)


def to_iso(moment: datetime) -> str:
    """2026-11-27T02:20:00.123Z: sorts as text in time order."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now_iso() -> str:
    return to_iso(now())


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a time needs its UTC offset (e.g. 2026-11-27T08:00:00Z)")
    return moment.astimezone(timezone.utc)


def freeze(moment: datetime | None) -> None:
    """Tests only: make now() return a fixed moment (None unfreezes)."""
    global _frozen
    _frozen = moment
