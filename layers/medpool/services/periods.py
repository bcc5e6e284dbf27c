"""A reporting period's loans, read without a scan: the open loans (status index) plus the closed ones,
either as the counters of the period's months (services.stat_counters: statistics and bill totals) or
as the ledger's month partitions (a bill's lines, one per loan). Shared by statistics and billing so
both count alike."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from medpool import clock
from medpool.models.device import Device
from medpool.models.ledger import LedgerEntry
from medpool.models.loan import Loan
from medpool.services import ledger
from medpool.services.charges import UNIT_SECONDS

OPEN_LENT = ("in_use", "return_requested")  # handed over, not yet taken back


@dataclass(frozen=True)
class Window:
    """[start, end) as aware moments (business periods start at 00:00 Beijing time); `now` caps what has
    happened so far."""

    start: datetime
    end: datetime
    now: datetime

    @property
    def until(self) -> datetime:
        return max(self.start, min(self.end, self.now))

    def months(self) -> list[str]:
        return ledger.months_between(self.start, self.end - timedelta(microseconds=1))


@dataclass(frozen=True)
class LoanFact:
    loan_id: str
    category_id: str
    department_id: str
    owner_department_id: str | None
    device_id: str
    requested_at: datetime
    approved_at: datetime | None
    handed_over_at: datetime
    returned_at: datetime | None  # None: still out
    expected_return_at: datetime | None
    condition: str | None
    rate_fen: int
    rate_unit: str
    return_requested_at: datetime | None = None  # when the ward asked the equipment department to collect

    def given_back_at(self, until: datetime) -> datetime:
        """When the ward gave the device back, as known at `until`: the earliest of its return request
        and the confirmed return (whichever are present and before `until`), else `until` itself."""
        return min([t for t in (self.return_requested_at, self.returned_at) if t and t < until] + [until])

    def overdue_at(self, until: datetime) -> bool:
        """The product's one overdue rule, as of `until` (a period's end or now): the device was still
        at the ward past its due time, or the ward gave it back late. A ward that requested the return on
        time is not overdue while it waits for collection, nor after."""
        return bool(self.expected_return_at) and self.given_back_at(until) > self.expected_return_at


def _time(text: str | None) -> datetime | None:
    return clock.parse_iso(text) if text else None


def fact_of_entry(entry: LedgerEntry) -> LoanFact:
    return LoanFact(entry.loan_id, entry.category_id, entry.department_id, entry.owner_department_id,
                    entry.device_id, _time(entry.requested_at), _time(entry.approved_at), _time(entry.start),
                    _time(entry.end), _time(entry.expected_return_at), entry.condition, int(entry.rate_fen),
                    entry.rate_unit, _time(entry.return_requested_at))


def _from_open(loan: Loan, owner: str | None) -> LoanFact:
    return LoanFact(loan.id, loan.category_id, loan.department_id, owner, loan.device_id, _time(loan.requested_at),
                    _time(loan.approved_at), _time(loan.handed_over_at), None, _time(loan.expected_return_at),
                    None, int(loan.rate_fen), loan.rate_unit, _time(loan.return_requested_at))


def open_facts(window: Window) -> list[LoanFact]:
    """The loans out now (in use, return requested) that were handed over before the window's end (or now),
    with their devices' owners: bounded by what is out now, not by history."""
    open_loans = [loan for status in OPEN_LENT for loan in Loan.by_queue.query(status)
                  if loan.handed_over_at and clock.parse_iso(loan.handed_over_at) < window.until]
    owners = {}
    device_ids = {loan.device_id for loan in open_loans}
    if device_ids:
        owners = {d.id: d.owner_department_id for d in Device.batch_get(list(device_ids),
                                                                        attributes_to_get=["id", "owner_department_id"])}
    return [_from_open(loan, owners.get(loan.device_id)) for loan in open_loans]


def read_period(window: Window) -> list[LoanFact]:
    """Loans lent at some moment of the window, one fact each (closed: the ledger's loan entries; open).
    Open loans are read first: a loan closed in between is then found in the ledger, which wins."""
    facts: dict[str, LoanFact] = {fact.loan_id: fact for fact in open_facts(window)}
    for entry in ledger.read_months(window.months(), "loan#"):
        fact = fact_of_entry(entry)
        if fact.handed_over_at < window.end and fact.returned_at >= window.start:
            facts[fact.loan_id] = fact
    return sorted(facts.values(), key=lambda f: (f.handed_over_at, f.loan_id))


def overlap_seconds(start: datetime, end: datetime, window_start: datetime, window_end: datetime) -> float:
    return max(0.0, (min(end, window_end) - max(start, window_start)).total_seconds())


def lent_micros(fact: LoanFact, window: Window) -> int:
    """Device time lent within the window (open loans up to now), in whole microseconds (counters add
    integers, so sums are exact)."""
    end, start = min(fact.returned_at or window.now, window.until), max(fact.handed_over_at, window.start)
    return max(0, (end - start) // timedelta(microseconds=1))


def total_units(fact: LoanFact, now: datetime) -> int:
    """Billing units of the loan (= charge_fen / rate_fen); an open loan as if returned now."""
    end = fact.returned_at or max(now, fact.handed_over_at)
    return max(1, math.ceil((end - fact.handed_over_at).total_seconds() / UNIT_SECONDS[fact.rate_unit]))


def units_in(fact: LoanFact, start: datetime, end: datetime, now: datetime) -> int:
    """Units of the loan that started in [start, end): a unit is charged in the month (period) in
    which it starts, so the months of a loan add up to its charge exactly."""
    unit = UNIT_SECONDS[fact.rate_unit]
    first = max(0, math.ceil((start - fact.handed_over_at).total_seconds() / unit))
    last = min(total_units(fact, now), math.ceil((end - fact.handed_over_at).total_seconds() / unit))
    return max(0, last - first)
