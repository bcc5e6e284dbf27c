import pytest

from medpool.services.charges import charge_fen


@pytest.mark.parametrize("start, end, rate, unit, expected", [
    ("2026-01-01T08:00:00.000Z", "2026-01-01T09:00:00.000Z", 600, "hour", 600),      # exactly one hour
    ("2026-01-01T08:00:00.000Z", "2026-01-01T09:01:00.000Z", 600, "hour", 1200),     # a started hour counts
    ("2026-01-01T08:00:00.000Z", "2026-01-01T08:05:00.000Z", 600, "hour", 600),      # at least one unit
    ("2026-01-01T08:00:00.000Z", "2026-01-03T08:00:00.000Z", 5000, "day", 10000),
    ("2026-01-31T20:00:00.000Z", "2026-02-01T04:00:00.000Z", 1500, "hour", 12000),  # across a month boundary
])
def test_started_units_are_charged(start, end, rate, unit, expected):
    assert charge_fen(rate, unit, start, end) == expected
