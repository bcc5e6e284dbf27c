"""The purchase report's arithmetic on small hand-computed cases: a pool of 2 and 5 requests (waits, peaks,
the recommendation), the waiting-list figures, time with no device free, the heat map, the Poisson p95."""
from datetime import datetime

from medpool import clock
from medpool.services.reports import occupancy
from medpool.services.reports.purchase import demand, hold_of, waits_of
from medpool.services.reports.replay import Request, Target, outcome, percentile, recommend, replay

H, M = 3600.0, 60.0
# five requests; with 2 devices: a and b take them at 0; c (emergency, 0:10) gets a's at 2:00; at 3:00 b's and
# c's come back: e (urgent, 0:30) goes before d (routine, 0:20) — most urgent first — and both are served
FIVE = [Request("a", "routine", 0, 2 * H), Request("b", "routine", 0, 3 * H), Request("c", "emergency", 10 * M, H),
        Request("d", "routine", 20 * M, H), Request("e", "urgent", 30 * M, H)]


def test_a_pool_of_two_serves_five_requests_most_urgent_first():
    assert replay(FIVE, 2) == {"a": 0, "b": 0, "c": 110 * M, "e": 150 * M, "d": 160 * M}


def test_the_outcome_of_two_three_four_and_five_devices():
    two = outcome(FIVE, 2, Target())
    assert (two["emergency_within_target"], two["other_within_target"], two["waited"]) == (0.0, 0.5, 3)
    assert (two["median_wait_minutes"], two["p90_wait_minutes"], two["max_wait_minutes"]) == (110.0, 160.0, 160.0)
    # 3: a, b, c at once; c's device is back at 1:10 and e (urgent, waiting since 0:30) takes it before d;
    # d gets a's at 2:00
    three = replay(FIVE, 3)
    assert three == {"a": 0, "b": 0, "c": 0, "e": 40 * M, "d": 100 * M}
    assert outcome(FIVE, 3, Target())["other_within_target"] == 0.5  # a, b of a, b, d, e within 30 min
    # 4: only e waits, 40 min (c's device at 1:10): 3 of 4 others within 30 min = 75 % < 95 %
    assert replay(FIVE, 4) == {"a": 0, "b": 0, "c": 0, "d": 0, "e": 40 * M}
    assert not outcome(FIVE, 4, Target())["meets_target"]
    assert outcome(FIVE, 5, Target())["meets_target"]


def test_the_recommendation_is_the_smallest_pool_meeting_the_target():
    assert recommend(FIVE, Target()) == 5
    # others all within 45 min: four devices (e waits 40 min); for 75 % of them three do (a, b, e of a, b, d, e)
    assert recommend(FIVE, Target(other_minutes=45, other_share=1.0)) == 4
    assert recommend(FIVE, Target(other_minutes=45, other_share=0.75)) == 3
    # emergencies may wait 2 h and others 3 h: two devices do (c 110 min, d 160, e 150)
    assert recommend(FIVE, Target(emergency_minutes=120, other_minutes=180)) == 2
    # a start above the answer steps down to it
    assert recommend(FIVE, Target(emergency_minutes=120, other_minutes=180), start=4) == 2


def test_requests_before_the_period_occupy_devices_but_are_not_judged():
    early = [Request("x", "routine", -H, 2 * H, counted=False), Request("y", "emergency", 0, H)]
    assert replay(early, 1) == {"x": 0, "y": H}  # y waits for x's device
    assert recommend(early, Target()) == 2
    assert outcome(early, 2, Target())["emergency_within_target"] == 1.0


def test_nearest_rank_percentile():
    assert percentile([5, 1, 3, 2, 4], 0.5) == 3
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile([], 0.9) is None


def test_peak_in_use_and_the_moment():
    # 2 devices held 0-2h and 0-3h, a third from 2h (when the first comes back: no overlap) to 3h
    assert occupancy.peak([(0, 2 * H), (0, 3 * H), (2 * H, 3 * H)], 0, 4 * H) == (2, 0)
    assert occupancy.peak([(0, 2 * H), (H, 3 * H), (1.5 * H, 4 * H)], 0, 4 * H) == (3, 1.5 * H)
    assert occupancy.peak([(-5 * H, -H)], 0, H) == (0, None)


def test_time_with_no_device_available():
    pool = [(0, 10 * H), (0, 10 * H)]  # two devices all along
    busy = [(H, 4 * H), (2 * H, 5 * H)]  # both held 2h-4h
    out = [(4 * H, 6 * H)]  # the first back goes to maintenance 4h-6h: none free 4h-5h too
    assert occupancy.time_none_available(pool, out, busy, 0, 10 * H) == 3 * H
    assert occupancy.time_none_available(pool, [], busy, 0, 10 * H) == 2 * H
    assert occupancy.time_none_available([], [], [], 0, 10 * H) == 10 * H  # no pool: never available


def test_heat_map_is_the_mean_in_use_per_beijing_weekday_and_hour():
    monday = datetime(2024, 1, 1, tzinfo=clock.SHANGHAI).timestamp()  # a Monday, 00:00 Beijing time
    week = 7 * 24 * H
    busy = [(monday + 8 * H, monday + 10 * H + 30 * M), (monday + 9 * H, monday + 9 * H + 30 * M)]
    grid = occupancy.heat_map(busy, monday, monday + 2 * week)  # two Mondays: each hour's mean over both
    assert grid[0][8] == 0.5 and grid[0][9] == 0.75 and grid[0][10] == 0.25 and grid[0][11] == 0.0
    assert sum(map(sum, grid[1:])) == 0.0
    # an interval spanning whole hours (difference array) and a Sunday -> Monday midnight
    sunday = monday + 6 * 24 * H
    grid = occupancy.heat_map([(sunday + 22 * H, sunday + 26 * H)], monday, monday + week + 24 * H)
    assert grid[6][22] == grid[6][23] == 1.0 and grid[0][0] == grid[0][1] == 0.5


def test_poisson_p95():
    assert occupancy.poisson_quantile(0) == 0
    assert occupancy.poisson_quantile(1.0) == 3  # P(X<=2) = 0.920, P(X<=3) = 0.981
    assert occupancy.poisson_quantile(2.0) == 5  # P(X<=4) = 0.947, P(X<=5) = 0.983


def _loan(id_, status, urgency="routine", requested=0.0, queued=False, approved=None, handed=None, returned=None,
          cancelled=None, rejected=None):
    return {"id": id_, "category_id": "c", "status": status, "urgency": urgency, "requested_at": requested,
            "queued_at": requested if queued else None, "approved_at": approved, "rejected_at": rejected,
            "cancelled_at": cancelled, "handed_over_at": handed, "returned_at": returned, "device_id": None}


LOANS = [_loan("q1", "returned", "emergency", 0, True, approved=30 * M, handed=40 * M, returned=5 * H),
         _loan("q2", "returned", "routine", 0, True, approved=90 * M, handed=2 * H, returned=6 * H),
         _loan("q3", "cancelled", "routine", H, True, cancelled=4 * H),
         _loan("q4", "pending", "urgent", 2 * H, True),
         _loan("n1", "returned", "routine", 0, False, approved=10 * M, handed=20 * M, returned=3 * H),
         _loan("n2", "cancelled", "routine", 0, False, cancelled=5 * M),
         _loan("n3", "rejected", "routine", 0, False, rejected=5 * M)]


def test_waits_of_the_waiting_list():
    waits = waits_of(LOANS, 10 * H)
    assert waits["emergency"] == {"count": 1, "median_minutes": 30.0, "p90_minutes": 30.0}
    assert waits["routine"] == {"count": 2, "median_minutes": 135.0, "p90_minutes": 180.0}  # 90 and 180 (cancel)
    assert waits["urgent"]["count"] == 0 and waits["still_waiting"] == 1
    assert waits["total"] == {"count": 3, "median_minutes": 90.0, "p90_minutes": 180.0}


def test_holds_and_the_replayed_demand():
    assert hold_of(LOANS[0], 10 * H) == (30 * M, 5 * H)
    assert hold_of(LOANS[2], 10 * H) is None and hold_of(LOANS[6], 10 * H) is None
    open_loan = _loan("o", "in_use", approved=H, handed=2 * H)
    assert hold_of(open_loan, 10 * H) == (H, 10 * H)  # still out: held up to now
    requests = {r.id: r for r in demand(LOANS, 0, 10 * H)}
    # the held loans with their real holds; cancelled-while-waiting and pending at the median hold (4h30 of
    # 4h30, 4h30, 2h50); the rejected and the one cancelled before waiting are not demand
    assert set(requests) == {"q1", "q2", "n1", "q3", "q4"}
    assert requests["q2"].hold == 4.5 * H and requests["q3"].hold == requests["q4"].hold == 4.5 * H


def test_the_sentence_names_the_recommendation_the_current_pool_and_one_fewer():
    from medpool.services.reports.purchase import sentence

    options = [outcome(FIVE, n, Target()) for n in (4, 5, 6)]
    report = {"name": "呼吸机", "current_devices": 3,
              "recommendation": {"devices": 5, "options": options, "current": outcome(FIVE, 3, Target())},
              "load": {"devices": 4, "p95_in_use": 4, "maintenance_share": 0.02, "cleaning_share": 0.01}}
    text = sentence(report, Target())
    assert text.startswith("呼吸机：建议 5 台（现有 3 台）")
    assert "现有 3 台时分别为 100%、50%" in text and "少 1 台则分别为 100%、75%（1 次需等待）" in text
    assert "负荷估算 4 台（同时在用 p95 4 台，维修与消毒占 3.0%）" in text
    # with 4 devices now, one fewer than advised is the current pool: said once
    text = sentence({**report, "current_devices": 4, "recommendation": {**report["recommendation"],
                                                                     "current": options[0]}}, Target())
    assert "现有 4 台时分别为 100%、75%" in text and "少 1 台" not in text


def test_the_search_finds_what_trying_every_size_finds():
    import random

    for seed in range(20):
        rng = random.Random(seed)
        requests = [Request(str(i), rng.choice(["emergency", "urgent", "routine"]), rng.uniform(0, 86400),
                            rng.uniform(600, 20000)) for i in range(40)]
        smallest = next(n for n in range(1, 41) if n == 40 or outcome(requests, n, Target())["meets_target"])
        assert {recommend(requests, Target(), start=start) for start in (1, 3, 10, 40)} == {smallest}
