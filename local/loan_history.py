"""Synthetic loan history for list-cost tests and benchmarks: mostly closed loans (returned, some late;
cancelled; rejected) spread over departments, devices and two years, plus a few open loans of every kind
(one per device, as the loop allows). Written by batch writes (the list keys come from the model on every
put); not an import path."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Iterator

from medpool import clock

DEPARTMENTS = ("ICU", "EM", "RICU", "CCU")
HISTORY_DEVICES = 40  # HIS-001..: devices with closed loans only
URGENCIES = ("routine", "urgent", "emergency")


def _loan(loan_id: str, status: str, department_id: str, device_id: str | None, requested: datetime,
          due: datetime, rng: random.Random, overdue: bool = False):
    from medpool.models.loan import URGENCY_RANK, Loan

    requested_at, urgency = clock.to_iso(requested), rng.choice(URGENCIES)
    return Loan(loan_id, status=status, department_id=department_id, applicant_openid=f"nurse-{department_id}",
                category_id="monitor", device_id=device_id, urgency=urgency,
                queue_key=f"{URGENCY_RANK[urgency]}#{requested_at}#{loan_id}", reason="历史", overdue=overdue,
                expected_return_at=clock.to_iso(due), idempotency_key=loan_id, request_fingerprint="-",
                requested_at=requested_at, version=1)


def closed_loans(count: int, seed: int = 11, prefix: str = "HX") -> Iterator:
    """`count` closed loans of the last two years: 80% returned (15% of them late), 10% cancelled, 10% rejected."""
    rng, now = random.Random(seed), clock.now()
    for n in range(count):
        requested = now - timedelta(days=2, minutes=rng.randint(0, 2 * 365 * 24 * 60))
        due = requested + timedelta(hours=rng.randint(4, 72))
        department = rng.choice(DEPARTMENTS)
        device = f"HIS-{rng.randint(1, HISTORY_DEVICES):03d}"
        roll, loan_id = rng.random(), f"{prefix}{n:09d}"
        if roll < 0.8:
            late = rng.random() < 0.15
            loan = _loan(loan_id, "returned", department, device, requested, due, rng, overdue=late)
            loan.returned_at = clock.to_iso(due + timedelta(hours=5 if late else -1))
        elif roll < 0.9:
            loan = _loan(loan_id, "cancelled", department, device if rng.random() < 0.5 else None, requested, due, rng)
        else:
            loan = _loan(loan_id, "rejected", department, None, requested, due, rng)
        yield loan


def open_loans(seed: int = 12, prefix: str = "OX") -> list:
    """Per department: 2 pending, 2 approved, 3 in use (two past due, one flagged by the check), 2 return requested (one late); each
    loan with a device has its own device (OPN-...)."""
    rng, now, loans = random.Random(seed), clock.now(), []
    for d, department in enumerate(DEPARTMENTS):
        kinds = [("pending", 5, False), ("pending", 6, False), ("approved", 4, False), ("approved", 3, False),
                 ("in_use", -3, False), ("in_use", -8, True), ("in_use", 20, False),
                 ("return_requested", 2, False), ("return_requested", -6, True)]
        for k, (status, due_hours, late) in enumerate(kinds):
            loan_id = f"{prefix}{d:02d}{k:02d}{rng.randint(0, 99999):05d}"
            device = None if status == "pending" else f"OPN-{d:02d}{k:02d}"
            requested = now - timedelta(hours=rng.uniform(30, 40))
            loans.append(_loan(loan_id, status, department, device, requested,
                               now + timedelta(hours=due_hours), rng, overdue=late))
    return loans


def write(loans) -> int:
    """Batch-write loans; returns how many."""
    from medpool.models.loan import Loan

    written = 0
    with Loan.batch_write() as batch:
        for loan in loans:
            batch.save(loan)
            written += 1
    return written
