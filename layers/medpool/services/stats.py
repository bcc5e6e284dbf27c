"""Statistics of a period per category and in total (docs/statistics.md defines every figure)."""
from __future__ import annotations

import statistics as pystats
from collections import defaultdict
from datetime import date, datetime, timedelta

from medpool import clock
from medpool.clock import FIRST_YEAR, LAST_YEAR
from medpool.errors import Unprocessable
from medpool.models.device import Device
from medpool.services import categories
from medpool.services.periods import LoanFact, Window, lent_seconds, overlap_seconds, read_period, units_in

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


def _figures(facts: list[LoanFact], window: Window, pool_seconds: float, value_fen: int) -> dict:
    started = [f for f in facts if window.start <= f.handed_over_at < window.end]
    returned = [f for f in facts if f.returned_at and window.start <= f.returned_at < window.end]
    open_at_end = [f for f in facts if f.handed_over_at < window.until
                   and (f.returned_at is None or f.returned_at >= window.end)]
    # returned: given back (requested or returned, the earlier) after due; open at the end: in use past
    # due at the end, or its return requested after due (docs/statistics.md, one rule with the loans')
    overdue = [f for f in returned + open_at_end if f.overdue_at(window.until)]
    lent = sum(lent_seconds(f, window) for f in facts)
    revenue = sum(units_in(f, window.start, window.end, window.now) * f.rate_fen for f in facts)
    elapsed = (window.until - window.start).total_seconds()
    damaged = sum(1 for f in returned if f.condition == "damaged")
    return {
        "loans": len(started), "device_hours": round(lent / 3600, 2), "device_seconds": int(lent),
        "pool_device_hours": round(pool_seconds / 3600, 2), "utilization": _ratio(lent, pool_seconds),
        "returns": len(returned), "damaged_returns": damaged, "damage_rate": _ratio(damaged, len(returned)),
        "open_at_end": len(open_at_end), "overdue_loans": len(overdue),
        "overdue_rate": _ratio(len(overdue), len(returned) + len(open_at_end)),
        "revenue_fen": revenue, "purchase_value_fen": value_fen,
        "benefit_rate": _ratio(revenue * YEAR_SECONDS, value_fen * elapsed),
        "median_minutes_to_approval": _median_minutes(
            [(f.approved_at - f.requested_at).total_seconds() for f in started if f.approved_at]),
        "median_minutes_to_handover": _median_minutes(
            [(f.handed_over_at - f.approved_at).total_seconds() for f in started if f.approved_at]),
    }


def _top_departments(facts: list[LoanFact], window: Window, top: int = 5) -> list[dict]:
    rows: dict[str, dict] = defaultdict(lambda: {"loans": 0, "seconds": 0.0, "revenue_fen": 0})
    for f in facts:
        row = rows[f.department_id]
        row["loans"] += window.start <= f.handed_over_at < window.end
        row["seconds"] += lent_seconds(f, window)
        row["revenue_fen"] += units_in(f, window.start, window.end, window.now) * f.rate_fen
    ranked = sorted(rows.items(), key=lambda item: (-item[1]["loans"], -item[1]["seconds"], item[0]))
    return [{"department_id": d, "loans": r["loans"], "device_hours": round(r["seconds"] / 3600, 2),
             "revenue_fen": r["revenue_fen"]} for d, r in ranked[:top]]


def period_stats(first: date, last: date) -> dict:
    """Per category and in total: loans, device-hours, utilization, damage and overdue rates, revenue,
    benefit, approval and hand-over medians, top borrowing departments."""
    window = window_of(first, last)
    facts, downtime = read_period(window)
    known = categories.list_categories()
    devices = [d for c in known for d in Device.by_category_status.query(c.id)]
    pool, value = _pool(devices, downtime, window)
    by_category = defaultdict(list)
    for fact in facts:
        by_category[fact.category_id].append(fact)
    names = {c.id: c.name for c in known}
    rows = [{"category_id": cid, "name": names.get(cid, cid),
             **_figures(by_category[cid], window, pool[cid], value[cid]),
             "top_departments": _top_departments(by_category[cid], window, 3)}
            for cid in sorted(set(names) | set(by_category))]
    return {"from": first.isoformat(), "to": last.isoformat(), "as_of": clock.to_iso(window.until),
            "categories": rows, "total": _figures(facts, window, sum(pool.values()), sum(value.values())),
            "top_departments": _top_departments(facts, window)}
