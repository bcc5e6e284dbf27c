"""UTC time as ISO 8601 strings (the storage and API format), with a seam for tests, and the business
calendar: days, months and years of statistics, billing and the records feed are Beijing time."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years any date or time the system accepts may fall in

# Asia/Shanghai: UTC+8 all year (China has had no daylight saving since 1991). A fixed offset rather
# than zoneinfo: the tz database is not always installed (AWS Lambda's Python images lack tzdata).
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

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


def business_day(moment: datetime) -> str:
    """The Beijing calendar day of a moment: 2024-01-31T16:30Z -> '2024-02-01'."""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d")


def business_day_of(iso: str) -> str:
    """business_day of a stored UTC time (the records' `day` index key)."""
    return business_day(parse_iso(iso))


def business_month(moment: datetime) -> str:
    """The Beijing calendar month 'YYYY-MM' of a moment (the ledger's partitions, billing months)."""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m")


def day_start(day: date) -> datetime:
    """00:00 Beijing time of a calendar day, as a UTC moment: 2024-02-01 -> 2024-01-31T16:00Z."""
    return datetime.combine(day, time(), SHANGHAI).astimezone(timezone.utc)
