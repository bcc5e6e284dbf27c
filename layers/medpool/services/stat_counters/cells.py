"""What closed loans add to their counter cells. A cell is (Beijing month, category, borrowing department);
its figures are per Beijing day of the month (`dDD_<figure>`), so any period of whole days is a sum:

  loans      closed loans handed over that day          lent_us    microseconds of device time lent that day
  returns    returns confirmed that day                 damaged    of which damaged
  late       of which given back after the due time     revenue    fen of the billing units started that day
  open       loans out at the day's end (handed over before it, returned at or after it)
  open_late  of which overdue at the day's end
  waits      (string set) "<request->approval us> <approval->hand-over us> <loan id>" of the loans handed
             over that day (the medians need the values themselves)
and per month: `credit_<owner department>` and `units_<owner department>` (fen and billing units of the
month owed to the devices' owner) and `ids`
(string set: the loans counted in the cell, so a report reading an open loan that has just been returned
counts it once); `v`, the cell's version (every update ADDs 1; services.stat_counters.rebuild).

A delta is a pure function of one ledger entry (services.ledger.loan_entries), so the live counters
(added in the entry's transaction) and the rebuilt ones (services.stat_counters.rebuild) agree by
construction."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pynamodb.expressions.operand import Path, Value

from medpool import clock
from medpool.models.ledger import LedgerEntry
from medpool.models.ledger_counter import LedgerCounter
from medpool.services import ledger
from medpool.services.periods import fact_of_entry, units_in

MICRO = timedelta(microseconds=1)
NO_OWNER = "-"
VERSION = "v"  # ADDed 1 by every live update: the rebuild puts a cell only if it has not moved


def version_path() -> Path:
    return Path([VERSION])


def cell_key(category_id: str, department_id: str) -> str:
    return f"{category_id}#{department_id}"


def day_attr(day: date, figure: str) -> str:
    return f"d{day.day:02d}_{figure}"


def micros(delta: timedelta) -> int:
    return delta // MICRO


@dataclass
class Delta:
    """What to ADD to one cell."""

    category_id: str
    department_id: str
    numbers: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sets: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, name: str, value: int) -> None:
        if value:
            self.numbers[name] += value

    def merge(self, other: "Delta") -> None:
        for name, value in other.numbers.items():
            self.add(name, value)
        for name, values in other.sets.items():
            self.sets[name] |= values


def _days(first: datetime, last: datetime):
    """Beijing days from the one holding `first` to the one holding `last`, with their [start, end)."""
    day, final = date.fromisoformat(clock.business_day(first)), date.fromisoformat(clock.business_day(last))
    while day <= final:
        yield day, clock.day_start(day), clock.day_start(day + timedelta(days=1))
        day += timedelta(days=1)


def entry_delta(entry: LedgerEntry) -> tuple[tuple[str, str], Delta]:
    """The cell of a loan's entry for one month and what the loan adds to it (its days in that month)."""
    fact = fact_of_entry(entry)
    start, end = ledger.month_start(entry.month), ledger.month_start(ledger.next_month(entry.month))
    delta = Delta(fact.category_id, fact.department_id)
    handed, returned = fact.handed_over_at, fact.returned_at
    if start <= handed < end:
        day = date.fromisoformat(clock.business_day(handed))
        delta.add(day_attr(day, "loans"), 1)
        if fact.approved_at:
            delta.sets[day_attr(day, "waits")].add(
                f"{micros(fact.approved_at - fact.requested_at)} {micros(handed - fact.approved_at)} {fact.loan_id}")
    if start <= returned < end:
        day = date.fromisoformat(clock.business_day(returned))
        delta.add(day_attr(day, "returns"), 1)
        delta.add(day_attr(day, "damaged"), fact.condition == "damaged")
        delta.add(day_attr(day, "late"), fact.overdue_at(returned + MICRO))  # given back after due
    credit = units = 0
    if handed < end and returned >= start:
        for day, day_start, day_end in _days(max(handed, start), min(returned, end - MICRO)):
            delta.add(day_attr(day, "lent_us"), max(0, micros(min(returned, day_end) - max(handed, day_start))))
            started = units_in(fact, day_start, day_end, returned)
            delta.add(day_attr(day, "revenue"), started * fact.rate_fen)
            credit, units = credit + started * fact.rate_fen, units + started
            if handed < day_end <= returned:  # out at the day's end
                delta.add(day_attr(day, "open"), 1)
                delta.add(day_attr(day, "open_late"), fact.overdue_at(day_end))
    owner = fact.owner_department_id or NO_OWNER
    delta.add(f"credit_{owner}", credit)
    delta.add(f"units_{owner}", units)  # a bill lists a loan with units in the month, at any rate
    delta.sets["ids"].add(fact.loan_id)
    return (entry.month, cell_key(fact.category_id, fact.department_id)), delta


def merged(entries) -> dict[tuple[str, str], Delta]:
    """Deltas of loan entries merged per cell (a transaction may name an item once)."""
    cells: dict[tuple[str, str], Delta] = {}
    for entry in entries:
        if entry.kind != "loan":
            continue
        key, delta = entry_delta(entry)
        if key in cells:
            cells[key].merge(delta)
        else:
            cells[key] = delta
    return cells


def add_to(writer, cells: dict[tuple[str, str], Delta]) -> None:
    """One UpdateItem (ADD) per cell in the TransactWrite: concurrent returns of one cell both count."""
    for (month, cell), delta in cells.items():
        actions = [LedgerCounter.category_id.set(delta.category_id),
                   LedgerCounter.department_id.set(delta.department_id)]
        actions += [Path([name]).add(Value({"N": str(value)})) for name, value in sorted(delta.numbers.items())]
        actions += [Path([name]).add(Value({"SS": sorted(values)})) for name, values in sorted(delta.sets.items())
                    if values]
        actions.append(version_path().add(Value({"N": "1"})))
        writer.update(LedgerCounter(month, cell), actions=actions)


def raw_item(key: tuple[str, str], delta: Delta) -> dict:
    """The whole cell as a DynamoDB item (the rebuild puts it)."""
    item = {"month": {"S": key[0]}, "cell": {"S": key[1]}, "category_id": {"S": delta.category_id},
            "department_id": {"S": delta.department_id}}
    item.update({name: {"N": str(value)} for name, value in delta.numbers.items() if value})
    item.update({name: {"SS": sorted(values)} for name, values in delta.sets.items() if values})
    return item

