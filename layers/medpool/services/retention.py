"""Record retention (医疗器械监督管理条例 Art. 49-50): a device's records are kept at least 5 years after its
service life ends. Nothing of a device, loan, disinfection, maintenance or user is deleted through the API
(docs/retention.md); these dates say from when a purge would be allowed."""
from __future__ import annotations

from datetime import date

KEEP_YEARS_AFTER_SERVICE_LIFE = 5


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def service_life_ends_on(purchase_date: str | None, service_life_years: int | float | None) -> str | None:
    """purchase date + service life (None when either is unknown)."""
    if not purchase_date or not service_life_years:
        return None
    return _add_years(date.fromisoformat(purchase_date[:10]), int(service_life_years)).isoformat()


def records_kept_until(purchase_date: str | None, service_life_years: int | float | None) -> str | None:
    """The earliest day the device's records may be purged: the service life's end + 5 years."""
    end = service_life_ends_on(purchase_date, service_life_years)
    return _add_years(date.fromisoformat(end), KEEP_YEARS_AFTER_SERVICE_LIFE).isoformat() if end else None
