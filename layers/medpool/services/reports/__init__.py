"""Reports built from a period's loans: the purchase-decision report (purchase.py) with its reads (reads.py),
the replay of requests against a pool (replay.py) and the occupancy figures (occupancy.py)."""
