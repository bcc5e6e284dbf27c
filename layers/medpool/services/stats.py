"""Statistics of a period per category and in total (docs/statistics.md defines every figure)."""
from __future__ import annotations

import statistics as pystats
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from medpool import clock
from medpool.clock import FIRST_YEAR, LAST_YEAR
from medpool.errors import Unprocessable
from medpool.models.device import Device
from medpool.services import categories, ledger
from medpool.services.periods import LoanFact, Window, lent_micros, open_facts, overlap_seconds, units_in
from medpool.services.stat_counters import reads
from medpool.services.stat_counters.reads import Cell

MICRO = timedelta(microseconds=1)

MAX_DAYS = 366
OUT_OF_POOL = ("maintenance", "retired")
YEAR_SECONDS = 365 * 86400


def window_of(first: date, last: date) -> Window:
    if first.year < FIRST_YEAR or last.year > LAST_YEAR:
        raise Unprocessable(f"统计区间须在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间", code="invalid_period")
    if last < first:
        raise Unprocessable("结束日期不能早于开始日期", code="invalid_period")
    if (last - first).days + 1 > MAX_DAYS:
        raise Unprocessable(f"统计区间最长 {MAX_DAYS} 天", code="period_too_long")
    # whole Beijing days: [from 00:00, to+1 00:00) Asia/Shanghai
    return Window(clock.day_start(first), clock.day_start(last + timedelta(days=1)), clock.now())


def pool_start(device: Device) -> datetime:
    """A device is in the pool from its purchase date (00:00 Beijing time; else its registration)."""
    if device.purchase_date:
        return clock.day_start(date.fromisoformat(device.purchase_date[:10]))
    return clock.parse_iso(device.created_at)


def _pool(devices: list[Device], downtime: list, window: Window) -> tuple[dict, dict]:
    """Per category: device-seconds in the pool within the window, and the purchase value of the
    devices in service during it."""
    pool, value = defaultdict(float), defaultdict(int)
    closed = defaultdict(list)
    for entry in downtime:
        closed[entry.device_id].append((clock.parse_iso(entry.start), clock.parse_iso(entry.end)))
    for device in devices:
        begin = max(pool_start(device), window.start)
        if begin >= window.until:
            continue
        out = [(max(begin, s), e) for s, e in closed[device.id]]
        since = clock.parse_iso(device.status_changed_at or device.created_at)
        if device.status in OUT_OF_POOL:
            out.append((max(begin, since), window.until))
            if device.status == "retired" and since <= window.start:
                continue  # retired before the period: not part of the pool at all
        seconds = (window.until - begin).total_seconds()
        seconds -= sum(overlap_seconds(s, e, begin, window.until) for s, e in out)
        pool[device.category_id] += max(0.0, seconds)
        value[device.category_id] += int(device.purchase_price_fen or 0)
    return pool, value


def _median_minutes(values: list[float]) -> float | None:
    return round(pystats.median(values) / 60, 1) if values else None


def _ratio(numerator: float, denominator: float, digits: int = 4) -> float | None:
    return round(numerator / denominator, digits) if denominator else None


@dataclass
class Tally:
    """What some loans add up to in a window (docs/statistics.md): from counter cells and open loans."""

    loans: int = 0
    lent_us: int = 0
    returns: int = 0
    damaged: int = 0
    late: int = 0  # returns given back after their due time
    open: int = 0  # out at the window's end (or now)
    open_late: int = 0
    revenue: int = 0
    waits: list = field(default_factory=list)  # (request->approval, approval->hand-over) in microseconds

    def add(self, other: "Tally") -> None:
        for name in ("loans", "lent_us", "returns", "damaged", "late", "open", "open_late", "revenue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.waits += other.waits

    def touched(self) -> bool:
        return bool(self.loans or self.lent_us or self.returns or self.open or self.revenue)


def _cell_tally(cell: Cell, days: list[date], last: date) -> Tally:
    """A cell's figures over the window's days of its month; loans out at the end from the last day's."""
    tally = Tally()
    for day in days:
        tally.loans += cell.day(day, "loans")
        tally.lent_us += cell.day(day, "lent_us")
        tally.returns += cell.day(day, "returns")
        tally.damaged += cell.day(day, "damaged")
        tally.late += cell.day(day, "late")
        tally.revenue += cell.day(day, "revenue")
        tally.waits += [tuple(int(v) for v in wait.split(" ", 2)[:2]) for wait in cell.values(day, "waits")]
    if last in days:
        tally.open, tally.open_late = cell.day(last, "open"), cell.day(last, "open_late")
    return tally


def _open_tally(fact: LoanFact, window: Window) -> Tally:
    """An open loan's figures (handed over before the window's end or now: out at the end)."""
    started = window.start <= fact.handed_over_at < window.end
    waits = [((fact.approved_at - fact.requested_at) // MICRO, (fact.handed_over_at - fact.approved_at) // MICRO)]
    return Tally(loans=int(started), lent_us=lent_micros(fact, window), open=1,
                 open_late=int(fact.overdue_at(window.until)),
                 revenue=units_in(fact, window.start, window.end, window.now) * fact.rate_fen,
                 waits=waits if started and fact.approved_at else [])


def _figures(tally: Tally, window: Window, pool_seconds: float, value_fen: int) -> dict:
    lent = tally.lent_us / 1_000_000
    elapsed = (window.until - window.start).total_seconds()
    overdue = tally.late + tally.open_late
    return {
        "loans": tally.loans, "device_hours": round(lent / 3600, 2), "device_seconds": int(lent),
        "pool_device_hours": round(pool_seconds / 3600, 2), "utilization": _ratio(lent, pool_seconds),
        "returns": tally.returns, "damaged_returns": tally.damaged, "damage_rate": _ratio(tally.damaged, tally.returns),
        "open_at_end": tally.open, "overdue_loans": overdue,
        "overdue_rate": _ratio(overdue, tally.returns + tally.open),
        "revenue_fen": tally.revenue, "purchase_value_fen": value_fen,
        "benefit_rate": _ratio(tally.revenue * YEAR_SECONDS, value_fen * elapsed),
        "median_minutes_to_approval": _median_minutes([a / 1_000_000 for a, _ in tally.waits]),
        "median_minutes_to_handover": _median_minutes([h / 1_000_000 for _, h in tally.waits]),
    }


def _top_departments(tallies: dict[str, Tally], top: int = 5) -> list[dict]:
    rows = [(d, t) for d, t in tallies.items() if t.touched()]
    ranked = sorted(rows, key=lambda item: (-item[1].loans, -item[1].lent_us, item[0]))
    return [{"department_id": d, "loans": t.loans, "device_hours": round(t.lent_us / 1_000_000 / 3600, 2),
             "revenue_fen": t.revenue} for d, t in ranked[:top]]


def _window_days(window: Window, first: date, last: date) -> dict[str, list[date]]:
    days: dict[str, list[date]] = defaultdict(list)
    day = first
    while day <= last:
        days[day.strftime("%Y-%m")].append(day)
        day += timedelta(days=1)
    return days


def period_stats(first: date, last: date) -> dict:
    """Per category and in total: loans, device-hours, utilization, damage and overdue rates, revenue,
    benefit, approval and hand-over medians, top borrowing departments. Closed loans come from the counters
    of the period's months, open ones from the status index, the pool from the devices and the ledger's
    out-of-pool intervals (docs/statistics.md)."""
    window = window_of(first, last)
    months = window.months()
    opened = open_facts(window)  # before the counters: a loan returned in between is then in the counters
    cells = reads.month_cells(months)
    opened = reads.settle(cells, opened, months, ledger.month_of(window.now))
    downtime = list(ledger.read_months(months, "down#"))
    known = categories.list_categories()
    devices = [d for c in known for d in Device.by_category_status.query(c.id)]
    pool, value = _pool(devices, downtime, window)
    days = _window_days(window, first, last)
    per_cell: dict[tuple[str, str], Tally] = defaultdict(Tally)  # (category, borrower) -> tally
    for (month, _), cell in cells.items():
        per_cell[(cell.category_id, cell.department_id)].add(_cell_tally(cell, days.get(month, []), last))
    for fact in opened:
        per_cell[(fact.category_id, fact.department_id)].add(_open_tally(fact, window))
    by_category: dict[str, dict[str, Tally]] = defaultdict(dict)
    by_department: dict[str, Tally] = defaultdict(Tally)
    for (category_id, department_id), tally in per_cell.items():
        if tally.touched():
            by_category[category_id][department_id] = tally
            by_department[department_id].add(tally)
    names = {c.id: c.name for c in known}
    rows, total = [], Tally()
    for cid in sorted(set(names) | set(by_category)):
        tally = Tally()
        for department_tally in by_category[cid].values():
            tally.add(department_tally)
        total.add(tally)
        rows.append({"category_id": cid, "name": names.get(cid, cid),
                     **_figures(tally, window, pool[cid], value[cid]),
                     "top_departments": _top_departments(by_category[cid], 3)})
    return {"from": first.isoformat(), "to": last.isoformat(), "as_of": clock.to_iso(window.until),
            "categories": rows, "total": _figures(total, window, sum(pool.values()), sum(value.values())),
            "top_departments": _top_departments(by_department)}
