"""`make bench`: figures for speed and cost, printed (never asserted as timings in tests)."""
