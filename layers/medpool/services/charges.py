"""The billing clock: hand-over starts it, the confirmed return stops it."""
from __future__ import annotations

import math

from medpool import clock

UNIT_SECONDS = {"hour": 3600, "day": 86400}


def charge_fen(rate_fen: int, rate_unit: str, handed_over_at: str, returned_at: str) -> int:
    """Started units are charged (at least one): 61 minutes at a per-hour rate is two hours."""
    seconds = (clock.parse_iso(returned_at) - clock.parse_iso(handed_over_at)).total_seconds()
    units = max(1, math.ceil(seconds / UNIT_SECONDS[rate_unit]))
    return units * int(rate_fen)
