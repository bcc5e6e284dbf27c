"""The reference hospital's year (Xingtai People's Hospital, 2023-04-01..2024-03-31): 664 loans —
invasive ventilators 128, HFNC 181, syringe pumps 90, monitors 197 (these add up to 596: the paper's
other 68 loans are of other equipment, here infusion pumps) — with realistic durations,
approval and hand-over delays, ~3% damaged returns (each followed by a repair), ~12% overdue.
Generated deterministically and written through the loan import (validated like any file), so it
counts exactly as imported or live loans do. Idempotent: a marker record says it is done."""
from __future__ import annotations

import csv
import heapq
import io
import random
from datetime import datetime, timedelta

from medpool import clock
from medpool.models.device import Device
from medpool.models.loan import URGENCY_RANK
from medpool.models.record import Record
from medpool.errors import MedpoolError
from medpool.services import audit_chain, categories, devices, importing, ledger

START = datetime(2023, 4, 1, tzinfo=clock.SHANGHAI)  # the hospital's year, in Beijing time
END = datetime(2024, 4, 1, tzinfo=clock.SHANGHAI)
MARKER = "system#demo-year"
# category: (loans, devices prefix, device count, median hours, departments with weights, winter weight)
PLAN = {
    "ventilator": (128, "VENT", 6, 72, {"ICU": 4, "EM": 3, "RICU": 3, "CCU": 1}, 1.6),
    "hfnc": (181, "HFNC", 8, 60, {"RICU": 5, "ICU": 2, "EM": 2, "CCU": 1}, 1.8),
    "syringe_pump": (90, "PUMP", 10, 36, {"ICU": 3, "CCU": 3, "EM": 2, "RICU": 1}, 1.0),
    "monitor": (197, "MON", 10, 48, {"EM": 3, "CCU": 3, "ICU": 2, "RICU": 2}, 1.2),
    "infusion_pump": (68, "INF", 4, 24, {"ICU": 2, "EM": 2, "CCU": 1, "RICU": 1}, 1.0),
}
# the fifth category exists only with the demo year (unit fixtures seed the four named ones)
EXTRA_CATEGORY = {"name": "输液泵", "rate_fen": 300, "rate_unit": "hour", "max_loan_hours": 336,
                  "guide": "按医嘱设置流速与预置量；排尽管路气泡；注意阻塞与空瓶报警。"}
EXTRA_DEVICE = {"category_id": "infusion_pump", "brand": "迈瑞", "model": "BeneFusion VP5", "owner_department_id": "SBK",
                "location": "设备调配中心", "purchase_price_fen": 1_200_000, "purchase_date": "2022-06-01"}
DAMAGE_RATE, OVERDUE_RATE = 0.03, 0.12
SURGE_SHARE, SURGE_SIZE, SURGE_HOURS = 0.15, 6, 8  # of the requests (x the winter weight); per surge; its span
URGENCIES, URGENCY_WEIGHTS = ("emergency", "urgent", "routine"), (2, 3, 5)


def _iso(moment: datetime) -> str:
    return clock.to_iso(moment.replace(microsecond=0))


def _starts(rng: random.Random, count: int, winter: float) -> list[datetime]:
    """Request times over the year, denser in winter (Dec-Feb) for respiratory devices; a share of them come
    in surges (a mass casualty, an outbreak on a ward: about six requests within eight hours), which is
    when a pool runs short."""
    days = (END - START).days
    weights = [winter if (START + timedelta(days=d)).month in (12, 1, 2) else 1.0 for d in range(days)]
    surge_share = SURGE_SHARE * winter
    surged = round(count * surge_share)
    surges = [START + timedelta(days=d, minutes=rng.randrange(24 * 60))
              for d in rng.choices(range(days), weights=weights, k=max(1, surged // SURGE_SIZE))]
    spread = [rng.choice(surges) + timedelta(minutes=rng.randrange(SURGE_HOURS * 60)) for _ in range(surged)]
    picked = rng.choices(range(days), weights=weights, k=count - surged)
    plain = [START + timedelta(days=d, minutes=rng.randrange(24 * 60)) for d in picked]
    return sorted(min(moment, END - timedelta(days=3)) for moment in spread + plain)


def generate(seed: int = 2023) -> tuple[list[list[str]], list[tuple[str, str, str]]]:
    """(loan rows in the import format, repairs (device_id, start, end)).

    Each category's requests come at their own times and are served by its real pool as the waiting list
    serves them: a free device at once (approved after the equipment department's usual delay); else the request
    joins the waiting list (`queued_at` = its request time) and, most urgent first then oldest, gets the first
    device back (approved 2-15 minutes after). So the year's waits are what its pool made them."""
    rng = random.Random(seed)
    rows, repairs = [], []
    for category_id, (count, prefix, devices, median, departments, winter) in PLAN.items():
        free = {f"{prefix}-{n:03d}": START for n in range(1, devices + 1)}
        arrivals = [(moment, rng.choices(URGENCIES, weights=URGENCY_WEIGHTS)[0])
                    for moment in _starts(rng, count, winter)]
        waiting: list[tuple] = []
        now, index = START, 0
        while index < len(arrivals) or waiting:
            if not waiting:
                now = max(now, arrivals[index][0])
            device_id = min(free, key=lambda d: (free[d], d))
            serve_at = max(free[device_id], now)
            while index < len(arrivals) and arrivals[index][0] <= serve_at:
                requested, urgency = arrivals[index]
                heapq.heappush(waiting, (URGENCY_RANK[urgency], requested, index, urgency))
                index += 1
            _, requested, _, urgency = heapq.heappop(waiting)
            now = serve_at
            queued = serve_at > requested
            if queued:  # approved as soon as a device is back (the head of the waiting list)
                approved = serve_at + timedelta(minutes=rng.randint(2, 15))
            else:
                approved = requested + timedelta(minutes=rng.choice([rng.randint(3, 20), rng.randint(20, 180)]))
            handed = approved + timedelta(minutes=rng.randint(10, 90))
            planned = timedelta(hours=max(4, round(rng.lognormvariate(0, 0.6) * median)))
            late = rng.random() < OVERDUE_RATE
            actual = planned + timedelta(hours=rng.randint(2, 48)) if late else planned * rng.uniform(0.6, 1.0)
            returned = min(handed + actual, END - timedelta(hours=1))
            if returned <= handed:
                continue  # would end after the year: dropped (the plan stays exact below)
            damaged = rng.random() < DAMAGE_RATE
            department = rng.choices(list(departments), weights=list(departments.values()))[0]
            rows.append([device_id, category_id, department, _iso(requested), _iso(approved),
                         _iso(handed), _iso(returned), "damaged" if damaged else "ok", _iso(handed + planned),
                         urgency, _iso(requested) if queued else ""])
            free[device_id] = returned + timedelta(hours=rng.randint(1, 4))
            if damaged:
                repaired = returned + timedelta(days=rng.randint(2, 7))
                repairs.append((device_id, _iso(returned), _iso(repaired)))
                free[device_id] = repaired
    return rows, repairs


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*importing.REQUIRED, "expected_return_at", "urgency", "queued_at"])
    writer.writerows(rows)
    return out.getvalue().encode()


def _seed_extra_category(actor) -> None:
    if "infusion_pump" not in {c.id for c in categories.list_categories()}:
        categories.create_category(actor, "infusion_pump", EXTRA_CATEGORY)
    for n in range(1, PLAN["infusion_pump"][2] + 1):
        try:
            devices.get_device(f"INF-{n:03d}")
        except MedpoolError:
            devices.create_device(actor, f"INF-{n:03d}", {**EXTRA_DEVICE, "name": f"输液泵 {n:02d}",
                                                          "serial_no": f"SNINF{2023000 + n}"})


def seed_demo_year(actor) -> int:
    """Import the year once (idempotent); returns the number of loans created."""
    if next(iter(Record.query(MARKER, limit=1)), None) is not None:
        return 0
    _seed_extra_category(actor)
    rows, repairs = generate()
    from medpool.services.imports import jobs, worker

    job = worker.drive(jobs.create(actor.openid, importing.validate_loans(_csv(rows), "csv"), "csv").id)
    found = {d.id: d for d in Device.batch_get(sorted({r[0] for r in repairs}))}
    ledger.batch_put(entry for device_id, start, end in repairs
                     for entry in ledger.downtime_entries(found[device_id], "maintenance", start, end))
    now = clock.now_iso()
    marker = Record(MARKER, f"{now}#done", at=now, day=clock.business_day_of(now), actor=actor.openid,
                    action="demo.year", after={"loans": len(rows), "repairs": len(repairs)})
    audit_chain.seal_loose(marker)  # a subject without an item: its digest is checked on its own
    marker.save(condition=Record.subject.does_not_exist())
    return int(job.imported)
