"""Replay a period's real requests against a pool of n devices (pure; times are POSIX seconds).

Each request arrives at its real request time and, once it gets a device, keeps it for its real hold
(approval to return). Waiting requests are served most urgent first, then oldest (the waiting list's
order). The smallest n whose waits meet the hospital's target is the recommended pool size."""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

from medpool.models.loan import URGENCY_RANK

EPSILON = 1e-6  # seconds: "at once" survives float rounding


@dataclass(frozen=True)
class Request:
    id: str
    urgency: str
    requested_at: float
    hold: float  # seconds the request keeps a device once it has one
    counted: bool = True  # in the period (requests before it only occupy devices at its start)


@dataclass(frozen=True)
class Target:
    """Emergencies within `emergency_minutes` for `emergency_share` of them; the others within
    `other_minutes` for `other_share`."""

    emergency_minutes: float = 0.0
    emergency_share: float = 1.0
    other_minutes: float = 30.0
    other_share: float = 0.95

    def limit(self, urgency: str) -> float:
        return (self.emergency_minutes if urgency == "emergency" else self.other_minutes) * 60


def replay(requests: list[Request], devices: int) -> dict[str, float]:
    """Each request's wait in seconds with `devices` devices (all requests, in arrival order)."""
    ordered = sorted(requests, key=lambda r: (r.requested_at, r.id))
    free = [-math.inf] * devices  # when each device is next free (a heap)
    queue: list[tuple] = []
    waits: dict[str, float] = {}
    now, index, count = -math.inf, 0, len(ordered)
    while index < count or queue:
        if not queue:
            now = max(now, ordered[index].requested_at)
        serve_at = max(free[0], now) if devices else math.inf
        while index < count and ordered[index].requested_at <= serve_at:
            request = ordered[index]  # arrives before the next device frees: it competes for that device
            heapq.heappush(queue, (URGENCY_RANK.get(request.urgency, 2), request.requested_at, request.id, request))
            index += 1
        if serve_at == math.inf:
            break
        request = heapq.heappop(queue)[3]
        now = serve_at
        waits[request.id] = serve_at - request.requested_at
        heapq.heapreplace(free, serve_at + request.hold)
    return waits


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (the smallest value at or above `share` of the values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def outcome(requests: list[Request], devices: int, target: Target) -> dict:
    """What the period's requests would have met with `devices` devices."""
    waits = replay(requests, devices) if devices > 0 else {}
    counted = [r for r in requests if r.counted]
    emergency = [r for r in counted if r.urgency == "emergency"]
    other = [r for r in counted if r.urgency != "emergency"]

    def within(group: list[Request]) -> float | None:
        if not group:
            return None
        ok = sum(1 for r in group if r.id in waits and waits[r.id] <= target.limit(r.urgency) + EPSILON)
        return ok / len(group)

    values = [waits.get(r.id, math.inf) for r in counted]
    waited = [v for v in values if v > EPSILON]
    e_share, o_share = within(emergency), within(other)
    meets = (e_share is None or e_share >= target.emergency_share - EPSILON) and (
        o_share is None or o_share >= target.other_share - EPSILON)
    return {"devices": devices, "meets_target": meets, "emergency_within_target": e_share,
            "other_within_target": o_share, "waited": len(waited),
            "median_wait_minutes": _minutes(percentile(values, 0.5)),
            "p90_wait_minutes": _minutes(percentile(values, 0.9)),
            "max_wait_minutes": _minutes(max(values) if values else None)}


def _minutes(seconds: float | None) -> float | None:
    if seconds is None:
        return None
    return None if math.isinf(seconds) else round(seconds / 60, 1)


def recommend(requests: list[Request], target: Target, start: int = 1, measure=None) -> int:
    """The smallest pool size meeting the target. Searched from `start` (a guess such as the Poisson p95 of the
    offered load) by doubling steps up (or down) to where it flips from failing to meeting, then by halving
    between the two (waits never grow with one device more);
    as many devices as requests serve every request at once, so the search ends. `measure(n)`: the outcome
    with n devices (default `outcome`; a caller may keep them to show beside the answer)."""
    if not any(r.counted for r in requests):
        return 0

    def meets(devices: int) -> bool:
        found = measure(devices) if measure else outcome(requests, devices, target)
        return devices >= len(requests) or found["meets_target"]

    guess = max(1, start)
    if meets(guess):  # step down (1, 2, 4, ...) to a size that fails, or to none
        low, high, step = guess, guess, 1
        while low > 0 and meets(low):
            high, low, step = low, max(0, low - step), step * 2
    else:  # step up to a size that meets it
        low, high, step = guess, guess, 1
        while not meets(high):
            low, high, step = high, min(len(requests), high + step), step * 2
    while high - low > 1:  # low fails (0 devices serve nobody), high meets
        middle = (low + high) // 2
        low, high = (low, middle) if meets(middle) else (middle, high)
    return high
