"""Reading counter cells: one Query per month partition (strongly consistent), and the open loans
reconciled with them so a loan returned while a report reads is counted once, whole."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from medpool.models.ledger_counter import LedgerCounter
from medpool.services import ledger
from medpool.services.periods import LoanFact
from medpool.services.stat_counters.cells import cell_key, day_attr

Key = tuple[str, str]
SETTLE_ROUNDS = 3


@dataclass
class Cell:
    month: str
    category_id: str
    department_id: str
    numbers: dict[str, int] = field(default_factory=dict)
    sets: dict[str, set[str]] = field(default_factory=dict)

    def day(self, day: date, figure: str) -> int:
        return self.numbers.get(day_attr(day, figure), 0)

    def values(self, day: date, figure: str) -> set[str]:
        return self.sets.get(day_attr(day, figure), set())

    def credits(self) -> dict[str, int]:
        """Fen owed to each owner department for the month's units of this cell's loans."""
        return self._by_owner("credit_")

    def units(self) -> dict[str, int]:
        """Billing units of the month per owner department."""
        return self._by_owner("units_")

    def _by_owner(self, prefix: str) -> dict[str, int]:
        return {name[len(prefix):]: value for name, value in self.numbers.items() if name.startswith(prefix)}


def _parse(raw: dict) -> Cell:
    cell = Cell(raw["month"]["S"], raw["category_id"]["S"], raw["department_id"]["S"])
    for name, value in raw.items():
        if "N" in value:
            cell.numbers[name] = int(value["N"])
        elif "SS" in value:
            cell.sets[name] = set(value["SS"])
    return cell


def month_cells(months: list[str]) -> dict[Key, Cell]:
    """Every cell of the given months: one Query per month (paginated)."""
    connection, cells = LedgerCounter._get_connection(), {}
    for month in months:
        start = None
        while True:
            page = connection.query(month, consistent_read=True, exclusive_start_key=start)
            for raw in page.get("Items", []):
                cells[(month, raw["cell"]["S"])] = _parse(raw)
            start = page.get("LastEvaluatedKey")
            if not start:
                break
    return cells


def get_cells(keys: list[Key]) -> dict[Key, Cell]:
    """The named cells, strongly consistent (BatchGetItem, 100 keys a call)."""
    connection, found = LedgerCounter._get_connection(), {}
    pending = [{"month": {"S": m}, "cell": {"S": c}} for m, c in keys]
    while pending:
        batch, pending = pending[:100], pending[100:]
        while batch:
            reply = connection.batch_get_item(batch, consistent_read=True)
            for raw in reply.get("Responses", {}).get(LedgerCounter.Meta.table_name, []):
                found[(raw["month"]["S"], raw["cell"]["S"])] = _parse(raw)
            batch = reply.get("UnprocessedKeys", {}).get(LedgerCounter.Meta.table_name, {}).get("Keys", [])
    return found


def _keys(fact: LoanFact, months: list[str], now_month: str) -> list[Key]:
    """The cells of the period that hold the loan once it is returned (returned now at the latest)."""
    first = ledger.month_of(fact.handed_over_at)
    cell = cell_key(fact.category_id, fact.department_id)
    return [(m, cell) for m in months if first <= m <= now_month]


def settle(cells: dict[Key, Cell], open_facts: list[LoanFact], months: list[str], now_month: str) -> list[LoanFact]:
    """The open loans the cells do not count. The open loans are read before the cells; a loan returned in
    between is in the cells (its ids), and the cells read before its return are read again (a Query may see
    a transaction in some items and not yet in others; a consistent read after seeing it sees it whole)."""
    for _ in range(SETTLE_ROUNDS):
        stale = set()
        for fact in open_facts:
            keys = _keys(fact, months, now_month)
            present = [k for k in keys if k in cells and fact.loan_id in cells[k].sets.get("ids", ())]
            if present and len(present) < len(keys):
                stale |= set(keys) - set(present)
        if not stale:
            break
        cells.update(get_cells(sorted(stale)))
    return [f for f in open_facts
            if not any(k in cells and f.loan_id in cells[k].sets.get("ids", ())
                       for k in _keys(f, months, now_month))]
