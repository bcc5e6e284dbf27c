"""What a category's devices did in a period (pure; times are POSIX seconds): peak use, time with no device
available, use by weekday and hour (Beijing time), and the offered load's Poisson estimate."""
from __future__ import annotations

import math
from datetime import datetime, timezone

from medpool import clock

Interval = tuple[float, float]
HOUR = 3600.0


def clip(intervals: list[Interval], start: float, end: float) -> list[Interval]:
    return [(max(s, start), min(e, end)) for s, e in intervals if s < end and e > start]


def peak(busy: list[Interval], start: float, end: float) -> tuple[int, float | None]:
    """(most intervals open at one moment within [start, end), the first moment it happened). An interval
    ending when another starts does not overlap it."""
    events = sorted([(s, 1) for s, _ in clip(busy, start, end)] + [(e, -1) for _, e in clip(busy, start, end)],
                    key=lambda event: (event[0], event[1]))
    best, at, level = 0, None, 0
    for moment, step in events:
        level += step
        if level > best:
            best, at = level, moment
    return best, at


def time_none_available(pool: list[Interval], out: list[Interval], busy: list[Interval],
                        start: float, end: float) -> float:
    """Seconds of [start, end) during which every device in the pool (`pool`: each device's time in it) was out
    of service (`out`: maintenance, disinfection) or held by a loan (`busy`)."""
    events = [(s, 1) for s, _ in clip(pool, start, end)] + [(e, -1) for _, e in clip(pool, start, end)]
    for s, e in clip(out, start, end) + clip(busy, start, end):
        events += [(s, -1), (e, 1)]
    events.sort(key=lambda event: (event[0], -event[1]))  # at one moment, frees count before takes
    total, level, last = 0.0, 0, start
    for moment, step in events:
        if level <= 0:
            total += moment - last
        level, last = level + step, moment
    if level <= 0:
        total += end - last
    return total


def _hour_index(moment: float, origin: float) -> int:
    return int((moment - origin) // HOUR)


def heat_map(busy: list[Interval], start: float, end: float) -> list[list[float]]:
    """Mean devices in use per Beijing weekday (0 = Monday) and hour of day over [start, end) (`start` at a
    Beijing hour): device time in each clock hour, summed per (weekday, hour), divided by how many such hours
    the period has. Linear in intervals + hours (a difference array for the whole hours of each interval)."""
    hours = max(0, math.ceil((end - start) / HOUR))
    seconds = [0.0] * (hours + 1)
    whole = [0] * (hours + 2)
    for s, e in clip(busy, start, end):
        first, last = _hour_index(s, start), _hour_index(e, start)
        if first == last:
            seconds[first] += e - s
            continue
        seconds[first] += start + (first + 1) * HOUR - s
        seconds[last] += e - (start + last * HOUR)
        whole[first + 1] += 1
        whole[last] -= 1
    sums = [[0.0] * 24 for _ in range(7)]
    counts = [[0.0] * 24 for _ in range(7)]
    running = 0
    for hour in range(hours):
        running += whole[hour]
        begin = start + hour * HOUR
        span = min(HOUR, end - begin)
        local = datetime.fromtimestamp(begin, timezone.utc).astimezone(clock.SHANGHAI)
        sums[local.weekday()][local.hour] += seconds[hour] + running * span
        counts[local.weekday()][local.hour] += span
    return [[round(sums[d][h] / counts[d][h], 2) if counts[d][h] else 0.0 for h in range(24)] for d in range(7)]


def poisson_quantile(mean: float, share: float = 0.95) -> int:
    """The smallest k with P(X <= k) >= share for X ~ Poisson(mean) (normal approximation past mean 500)."""
    if mean <= 0:
        return 0
    if mean > 500:
        return math.ceil(mean + 1.6449 * math.sqrt(mean))
    term = math.exp(-mean)
    k, cumulative = 0, term
    while cumulative < share:
        k += 1
        term *= mean / k
        cumulative += term
    return k
