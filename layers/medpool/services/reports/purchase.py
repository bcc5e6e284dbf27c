"""The purchase-decision report (购置依据) per category and period (docs/statistics.md, "Purchase decision"):
what was missing — peak use, time with no device free, who waited and how long, who gave up — and how many
devices would have served the period's real requests within the hospital's target, beside the offered-load
estimate."""
from __future__ import annotations

import math
import statistics as pystats
from datetime import date, datetime, timezone

from medpool import clock
from medpool.config import get_settings
from medpool.errors import NotFound
from medpool.services import categories
from medpool.services.reports import occupancy, reads
from medpool.services.reports.replay import EPSILON, Request, Target, outcome, percentile, recommend
from medpool.services.stats import window_of

URGENCIES = ("emergency", "urgent", "routine")
HELD = ("approved", "in_use", "return_requested", "returned")
WAITING = ("pending",)


def target() -> Target:
    settings = get_settings()
    return Target(settings.purchase_emergency_minutes, settings.purchase_emergency_share,
                  settings.purchase_other_minutes, settings.purchase_other_share)


def _first(*values):
    """The first value present (times are POSIX seconds: 0 is a time, not a missing one)."""
    return next((value for value in values if value is not None), None)


def hold_of(loan: dict, until: float) -> tuple[float, float] | None:
    """When the loan held a device: from approval (the device is reserved; else the hand-over) to the return,
    or to the cancellation / rejection of an approved loan never handed over, or to now if still out."""
    begin = _first(loan["approved_at"], loan["handed_over_at"])
    if begin is None or loan["status"] not in HELD + ("cancelled", "rejected"):
        return None
    end = loan["returned_at"] if loan["handed_over_at"] is not None else _first(loan["cancelled_at"],
                                                                              loan["rejected_at"])
    end = until if end is None else min(end, until)
    return begin, max(begin, end)


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _wait_figures(waits: list[float]) -> dict:
    return {"count": len(waits), "median_minutes": _minutes(pystats.median(waits)) if waits else None,
            "p90_minutes": _minutes(percentile(waits, 0.9))}


def waits_of(requests: list[dict], until: float) -> dict:
    """Requests that joined the waiting list (queued_at set): the wait to approval (else to cancellation or
    rejection), per urgency and in total; those still waiting are counted apart."""
    ended: dict[str, list[float]] = {u: [] for u in URGENCIES}
    still = 0
    for loan in requests:
        if loan["queued_at"] is None:
            continue
        end = _first(loan["approved_at"], loan["cancelled_at"], loan["rejected_at"])
        if end is None:
            still += 1
            continue
        ended.setdefault(loan["urgency"], []).append(max(0.0, end - loan["requested_at"]))
    figures = {u: _wait_figures(ended[u]) for u in URGENCIES}
    figures["total"] = _wait_figures([w for values in ended.values() for w in values])
    figures["still_waiting"] = still
    return figures


def demand(loans: list[dict], start: float, until: float) -> list[Request]:
    """The replayed requests: every loan that held a device (its real hold), plus the period's requests that
    wanted one and never got it — cancelled while waiting, or still pending — at the category's median hold.
    Rejected requests and those cancelled before waiting are not demand."""
    held = {loan["id"]: hold_of(loan, until) for loan in loans}
    holds = [span[1] - span[0] for span in held.values() if span and span[1] > span[0]]
    typical = pystats.median(holds) if holds else 3600.0
    out = []
    for loan in loans:
        counted = start <= loan["requested_at"] < until
        span = held[loan["id"]]
        if span is not None:
            out.append(Request(loan["id"], loan["urgency"], loan["requested_at"], span[1] - span[0], counted))
        elif counted and (loan["status"] in WAITING
                          or (loan["status"] == "cancelled" and loan["queued_at"] is not None)):
            out.append(Request(loan["id"], loan["urgency"], loan["requested_at"], typical, True))
    return out


def _share_seconds(intervals: list, start: float, until: float) -> float:
    return sum(e - s for s, e in occupancy.clip(intervals, start, until))


def category_report(category, inputs: reads.Inputs, start: float, until: float, aim: Target) -> dict:
    loans = inputs.loans
    in_period = [loan for loan in loans if start <= loan["requested_at"] < until]
    busy = [span for span in (hold_of(loan, until) for loan in loans) if span and span[1] > span[0]]
    peak, peak_at = occupancy.peak(busy, start, until)
    none_seconds = occupancy.time_none_available(inputs.pool, inputs.down + inputs.cleaning, busy, start, until)
    requests = demand(loans, start, until)
    counted = [r for r in requests if r.counted]
    hours = max(until - start, 1.0) / 3600
    mean_hold = pystats.fmean([r.hold for r in counted]) / 3600 if counted else 0.0
    load = len(counted) / hours * mean_hold
    pool_seconds = _share_seconds(inputs.pool, start, until)
    maintenance = _share_seconds(inputs.maintenance, start, until) / pool_seconds if pool_seconds else 0.0
    cleaning = _share_seconds(inputs.cleaning, start, until) / pool_seconds if pool_seconds else 0.0
    p95 = occupancy.poisson_quantile(load)
    upkeep = min(maintenance + cleaning, 0.9)  # a pool out of service 90 % of the time: the estimate stops there
    current = sum(1 for s, e in inputs.pool if s < until and e >= until)
    outcomes: dict[int, dict] = {}

    def measure(devices: int) -> dict:  # each pool size replayed once
        if devices not in outcomes:
            outcomes[devices] = outcome(requests, devices, aim)
        return outcomes[devices]

    best = recommend(requests, aim, start=max(1, p95), measure=measure)
    options = [measure(n) for n in (best - 1, best, best + 1) if n > 0] if best else []
    report = {
        "category_id": category.id, "name": category.name, "current_devices": current,
        "requests": len(in_period), "queued_requests": sum(1 for loan in in_period if loan["queued_at"] is not None),
        "peak_in_use": peak, "peak_at": clock.to_iso(_moment(peak_at)) if peak_at is not None else None,
        "hours_none_available": round(none_seconds / 3600, 2),
        "waits": waits_of(in_period, until),
        "cancelled_while_waiting": sum(1 for loan in in_period
                                       if loan["status"] == "cancelled" and loan["queued_at"] is not None),
        "heatmap": occupancy.heat_map(busy, start, until),
        "recommendation": {"devices": best, "options": options,
                           "current": measure(current) if current and requests else None},
        "load": {"arrivals_per_day": round(len(counted) / hours * 24, 2), "mean_hold_hours": round(mean_hold, 2),
                 "offered_load": round(load, 2), "p95_in_use": p95, "maintenance_share": round(maintenance, 4),
                 "cleaning_share": round(cleaning, 4),
                 "devices": math.ceil(p95 / (1 - upkeep) - EPSILON) if p95 else 0},
    }
    report["sentence"] = sentence(report, aim)
    return report


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def sentence(report: dict, aim: Target) -> str:
    """The recommendation in one sentence (Chinese, for managers)."""
    name, best, now = report["name"], report["recommendation"]["devices"], report["current_devices"]
    if not best:
        return f"{name}：本期没有借用申请，无法给出建议（现有 {now} 台）。"
    options = {o["devices"]: o for o in report["recommendation"]["options"]}
    emergency = "抢救申请立即" if aim.emergency_minutes == 0 else f"抢救申请 {aim.emergency_minutes:g} 分钟内"
    text = (f"{name}：建议 {best} 台（现有 {now} 台）——按本期实际申请回放，{best} 台时{emergency}得到设备的占 "
            f"{_pct(options[best]['emergency_within_target'])}，其他申请 {aim.other_minutes:g} 分钟内得到的占 "
            f"{_pct(options[best]['other_within_target'])}")
    now_outcome = report["recommendation"].get("current")
    if now_outcome and now != best:
        text += (f"；现有 {now} 台时分别为 {_pct(now_outcome['emergency_within_target'])}、"
                 f"{_pct(now_outcome['other_within_target'])}")
    fewer = options.get(best - 1)
    if fewer and best - 1 != now:  # the current pool's shares are already said
        text += (f"；少 1 台则分别为 {_pct(fewer['emergency_within_target'])}、{_pct(fewer['other_within_target'])}"
                 f"（{fewer['waited']} 次需等待）")
    load = report["load"]
    return text + (f"；负荷估算 {load['devices']} 台（同时在用 p95 {load['p95_in_use']} 台，维修与消毒占 "
                   f"{(load['maintenance_share'] + load['cleaning_share']) * 100:.1f}%）。")


def purchase_report(first: date, last: date, category_id: str | None = None) -> dict:
    """Per category (or one): the purchase-decision figures of the Beijing days first..last."""
    window = window_of(first, last)
    settings = get_settings()
    known = categories.list_categories()
    if category_id is not None:
        known = [c for c in known if c.id == category_id]
        if not known:
            raise NotFound("设备类别不存在", code="category_not_found")
    aim = target()
    downtime = reads.downtime(window)
    old_open = reads.open_before(window, settings.purchase_lookback_days)
    start, until = window.start.timestamp(), window.until.timestamp()
    rows = [category_report(category, reads.category_inputs(category.id, window, settings.purchase_lookback_days,
                                                            downtime, old_open), start, until, aim)
            for category in sorted(known, key=lambda c: c.id)]
    return {"from": first.isoformat(), "to": last.isoformat(), "as_of": clock.to_iso(window.until),
            "target": {"emergency_minutes": aim.emergency_minutes, "emergency_share": aim.emergency_share,
                       "other_minutes": aim.other_minutes, "other_share": aim.other_share},
            "lookback_days": settings.purchase_lookback_days, "categories": rows}
