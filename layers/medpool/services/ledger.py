"""Ledger entries (models.ledger): written inside the transaction that closes a loan or a device's
out-of-pool interval, read back per month partition by statistics and billing. Months are Beijing
calendar months (clock.SHANGHAI): 2024-02 runs from 2024-01-31T16:00Z to 2024-02-29T16:00Z."""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Iterator

from medpool import clock
from medpool.models.device import Device
from medpool.models.ledger import LedgerEntry
from medpool.models.loan import Loan

# entries of one loan, and as many counter cells, must fit in one transaction (100 items) with the loan,
# the device, their records, the category and the notifications
MAX_MONTHS = 40


def month_of(moment: datetime) -> str:
    return clock.business_month(moment)


def month_start(month: str) -> datetime:
    """00:00 Beijing time on the 1st, as a UTC moment."""
    year, number = (int(part) for part in month.split("-"))
    return clock.day_start(date(year, number, 1))


def next_month(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def months_between(start: datetime, end: datetime) -> list[str]:
    """Every month touched by [start, end] (at least start's month)."""
    months, month, last = [], month_of(start), month_of(max(start, end))
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def entry_months(kind: str, start: str, end: str) -> list[str]:
    """The month partitions of a closed interval's entries: every month it touched, at most MAX_MONTHS
    (pathological: a loan keeps its ends, a down interval its first months; documented)."""
    months = months_between(clock.parse_iso(start), clock.parse_iso(end))
    if len(months) > MAX_MONTHS:
        months = months[:1] + months[-(MAX_MONTHS - 1):] if kind == "loan" else months[:MAX_MONTHS]
    return months


def loan_entries(loan: Loan, owner_department_id: str) -> list[LedgerEntry]:
    """One entry per month the (returned) loan spanned, each carrying the whole loan summary."""
    months = entry_months("loan", loan.handed_over_at, loan.returned_at)
    return [LedgerEntry(month, f"loan#{loan.id}", kind="loan", device_id=loan.device_id,
                        category_id=loan.category_id, start=loan.handed_over_at, end=loan.returned_at,
                        loan_id=loan.id, department_id=loan.department_id, owner_department_id=owner_department_id,
                        requested_at=loan.requested_at, approved_at=loan.approved_at,
                        expected_return_at=loan.expected_return_at,
                        return_requested_at=loan.return_requested_at, condition=loan.condition,
                        rate_fen=loan.rate_fen, rate_unit=loan.rate_unit, charge_fen=loan.charge_fen)
            for month in months]


def downtime_entries(device: Device, status: str, start: str, end: str) -> list[LedgerEntry]:
    """One entry per month of a closed out-of-pool interval [start, end) of a device."""
    months = entry_months("down", start, end)
    return [LedgerEntry(month, f"down#{device.id}#{start}", kind="down", device_id=device.id,
                        category_id=device.category_id, start=start, end=end, status=status)
            for month in months]


def add_all(writer, entries: Iterable[LedgerEntry]) -> None:
    """Add entries to a TransactWrite (plain puts: an entry is a pure function of the closed interval), with
    the ADDs of their loans to the statistics counters (services.stat_counters), merged per counter cell.
    Once per transaction: a transaction may name an item only once, so a second call could name a cell
    again (collect the entries of several loans and add them together)."""
    from medpool.services.stat_counters import cells  # it builds on periods, which builds on this module

    entries = list(entries)
    for entry in entries:
        writer.save(entry)
    deltas = cells.merged(entries)
    if deltas and getattr(writer, "_medpool_counted", False):
        raise RuntimeError("ledger.add_all with loan entries called twice in one transaction")
    if deltas:
        writer._medpool_counted = True
        cells.add_to(writer, deltas)


def batch_put(entries: Iterable[LedgerEntry]) -> None:
    with LedgerEntry.batch_write() as batch:
        for entry in entries:
            batch.save(entry)


def read_months(months: list[str], prefix: str | None = None, consistent: bool = False) -> Iterator[LedgerEntry]:
    """The entries of the given month partitions (one Query each, paginated), all or those whose key starts
    with `prefix` (`loan#`, `down#`: a key condition, not a filter); `consistent`: strongly consistent reads."""
    for month in months:
        condition = LedgerEntry.entry.startswith(prefix) if prefix else None
        yield from LedgerEntry.query(month, condition, consistent_read=consistent)
