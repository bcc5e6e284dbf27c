"""On DynamoDB Local: the statistics counters (services/stat_counters) are exact under racing returns of
one cell, agree with the figures read from the ledger, and `rebuild-counters` recomputes them from the
ledger to the same items and the same numbers (docs/statistics.md)."""
from datetime import date, datetime, timedelta, timezone

from medpool import clock
from medpool.cli import main as cli
from medpool.models.ledger_counter import LedgerCounter
from medpool.models.user import User
from medpool.services import billing, devices, importing, ledger, loan_flow, loans, stats
from medpool.services.imports import jobs, worker
from medpool.services.stat_counters.cells import cell_key, day_attr
from medpool.services.stat_counters.rebuild import rebuild_counters
from tests.integration.race import race
from tests.support import disinfect, label_scene, make_loan


def counter_items() -> dict:
    """Every counter cell as stored (a test may scan), sets in a stable order, without its version (which
    only says how often it was written)."""
    connection, items, start = LedgerCounter._get_connection(), {}, None
    while True:
        page = connection.scan(exclusive_start_key=start, consistent_read=True)
        for raw in page["Items"]:
            items[(raw["month"]["S"], raw["cell"]["S"])] = {
                name: sorted(value["SS"]) if "SS" in value else value for name, value in raw.items() if name != "v"}
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def test_ten_racing_returns_of_one_category_and_department_all_count():
    manager = User.get("demo-manager")
    pumps = [f"PUMP-{n:03d}" for n in range(1, 11)]
    lent = [make_loan("return_requested", category_id="syringe_pump", device_id=pump, key=f"race-count-{pump}")
            for pump in pumps]
    won, lost = race([lambda loan=loan: loan_flow.confirm_return(manager, loan.id, "ok", device_id=loan.device_id)
                      for loan in lent])
    assert lost == [] and len(won) == 10
    for pump in pumps:  # disinfected: lendable again by the tests after this one
        disinfect(pump)
    months = {ledger.month_of(clock.parse_iso(loan.returned_at)) for loan in won}
    cells = [LedgerCounter._get_connection().get_item(month, cell_key("syringe_pump", "ICU"), consistent_read=True)
             ["Item"] for month in sorted(months)]
    returned = {loan.id for loan in won}
    assert set().union(*(set(cell["ids"]["SS"]) for cell in cells)) == returned
    returns = sum(int(value["N"]) for cell in cells for name, value in cell.items() if name.endswith("_returns"))
    revenue = sum(int(value["N"]) for cell in cells for name, value in cell.items() if name.endswith("_revenue"))
    assert returns == 10 and revenue == sum(loan.charge_fen for loan in won)  # every ADD landed, once
    before = counter_items()
    rebuild_counters()
    assert counter_items() == before


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=clock.SHANGHAI)


def lend(device_id, category_id, openid, key, handed, returned=None, condition="ok", requested=None):
    """A loan requested 1 h and approved 40 min before its hand-over (Beijing wall times)."""
    applicant, manager = User.get(openid), User.get("demo-manager")
    clock.freeze(at(handed) - timedelta(hours=1))
    due = clock.to_iso(at(handed) + timedelta(hours=20))
    loan, _ = loans.create_loan(applicant, loans.LoanRequest(category_id, None, "urgent", "抢救", due), key)
    clock.freeze(at(handed) - timedelta(minutes=40))
    loan_flow.approve(manager, loan.id, device_id)
    clock.freeze(at(handed))
    loan_flow.hand_over(applicant, loan.id, scan=label_scene(device_id))
    if requested:
        clock.freeze(at(requested))
        loan_flow.request_return(applicant, loan.id)
    if returned:
        clock.freeze(at(returned))
        loan_flow.confirm_return(manager, loan.id, condition, device_id=device_id)
        if condition == "ok":  # disinfected: the device can be lent again
            disinfect(device_id)
    return loan.id


def imported_file() -> bytes:
    """Six historical ventilator loans of EM and CCU in October..November 2026, two across the month end."""
    lines = ["device_id,category_id,department_id,requested_at,approved_at,handed_over_at,returned_at,condition"]
    start = datetime(2026, 10, 28, 2, 0, tzinfo=timezone.utc)
    for n in range(6):
        out = start + timedelta(days=n)
        lines.append(",".join([f"VENT-00{n % 3 + 4}", "ventilator", ("EM", "CCU")[n % 2],
                               clock.to_iso(out - timedelta(hours=3)), clock.to_iso(out - timedelta(hours=1)),
                               clock.to_iso(out), clock.to_iso(out + timedelta(hours=50 + n)),
                               ("ok", "damaged")[n == 3]]))
    return ("\n".join(lines) + "\n").encode()


def figures() -> dict:
    """What the reports say (as of the frozen now): statistics of a year, a month and a few days, bills in
    full (ledger lines) and in summary (counters)."""
    out = {"stats": [stats.period_stats(first, last) for first, last in (
        (date(2026, 1, 1), date(2026, 12, 31)), (date(2026, 10, 1), date(2026, 10, 31)),
        (date(2026, 10, 30), date(2026, 11, 2)), (date(2026, 11, 1), date(2026, 11, 30)))]}
    for month in ("2026-09", "2026-10", "2026-11"):
        full, summary = billing.monthly_billing(month), billing.monthly_billing(month, lines=False)
        # the summary (counters) is the full bill (lines from the ledger) without its lines
        assert {d["department_id"]: (d["charges_fen"], d["credits_fen"]) for d in full["departments"]} == {
            d["department_id"]: (d["charges_fen"], d["credits_fen"]) for d in summary["departments"]}
        assert full["total_fen"] == summary["total_fen"] > 0
        assert all(d["charges"] == d["credits"] == [] for d in summary["departments"])
        out[month] = summary
    return out


def test_rebuilt_counters_equal_the_live_ones_after_mixed_operations(capsys):
    manager = User.get("demo-manager")
    try:
        # returns across a month end (ok, damaged, late, taken back unasked), a repair, an extension, a loan
        # still open at the end, a cancelled one, then an import of historical loans
        lend("MON-006", "monitor", "demo-nurse-icu", "mix-0001", "2026-09-29T22:00:00", "2026-10-02T03:00:00",
             requested="2026-10-01T08:00:00")
        lend("MON-007", "monitor", "demo-nurse-em", "mix-0002", "2026-09-30T23:30:00", "2026-10-01T00:30:00",
             "damaged")
        clock.freeze(at("2026-10-03T09:00:00"))
        devices.update_device(manager, "MON-007", {"status": "available"})
        lend("HFNC-006", "hfnc", "demo-nurse-icu", "mix-0003", "2026-10-10T09:00:00", "2026-10-14T10:00:00")
        extended = lend("HFNC-007", "hfnc", "demo-nurse-em", "mix-0004", "2026-10-20T09:00:00")
        clock.freeze(at("2026-10-20T12:00:00"))
        loan_flow.extend(manager, extended, clock.to_iso(at("2026-10-24T09:00:00")), "病情需要")
        clock.freeze(at("2026-10-25T09:00:00"))
        loan_flow.confirm_return(manager, extended, "ok", device_id="HFNC-007")
        lend("HFNC-008", "hfnc", "demo-nurse-icu", "mix-0005", "2026-10-31T20:00:00")  # open at the end
        clock.freeze(at("2026-10-05T08:00:00"))
        cancelled, _ = loans.create_loan(User.get("demo-nurse-em"), loans.LoanRequest(
            "monitor", None, "routine", "备用", clock.to_iso(at("2026-10-06T08:00:00"))), "mix-0006")
        loan_flow.cancel(User.get("demo-nurse-em"), cancelled.id)
        clock.freeze(at("2026-11-20T00:00:00"))
        job = worker.drive(jobs.create("demo-manager", importing.validate_loans(imported_file(), "csv"), "csv").id)
        assert (job.status, job.imported) == ("done", 6)

        live, reported = counter_items(), figures()
        october_hfnc = live[("2026-10", cell_key("hfnc", "ICU"))]
        assert october_hfnc[day_attr(date(2026, 10, 10), "loans")] == {"N": "1"}
        # out at the end of October: HFNC-008 (the open-loan index) and two imported loans returned in November
        # (the counters' last day)
        assert reported["stats"][1]["total"]["open_at_end"] == 3

        assert cli(["rebuild-counters"]) == 0
        assert '"cells_deleted": 0' in capsys.readouterr().out
        assert counter_items() == live and figures() == reported
        # a lost cell and a stray one are repaired; a second run changes nothing
        LedgerCounter(*next(iter(live))).delete()
        LedgerCounter("2026-12", cell_key("monitor", "ICU"), category_id="monitor", department_id="ICU").save()
        assert rebuild_counters()["cells_deleted"] == 1
        assert counter_items() == live and figures() == reported
        assert rebuild_counters()["cells_deleted"] == 0 and counter_items() == live
    finally:
        clock.freeze(None)


def test_a_loan_out_for_years_returns_in_one_transaction():
    """A transaction holds 100 items: a loan of 53 months keeps its first and last 39 months' entries and as
    many counter cells (ledger.MAX_MONTHS), with the loan, the device, their records and the notification."""
    try:
        loan_id = lend("MON-008", "monitor", "demo-nurse-icu", "mix-long-01", "2021-01-10T09:00:00",
                       "2025-06-10T09:00:00")
    finally:
        clock.freeze(None)
    months = ledger.entry_months("loan", clock.to_iso(at("2021-01-10T09:00:00")), clock.to_iso(at("2025-06-10T09:00:00")))
    assert len(months) == ledger.MAX_MONTHS and months[0] == "2021-01" and months[-1] == "2025-06"
    cells_of_loan = [key for key, item in counter_items().items() if loan_id in item.get("ids", [])]
    assert sorted(month for month, _ in cells_of_loan) == months


def test_a_return_during_the_rebuild_is_kept(monkeypatch):
    """The rebuild read the ledger; a return then ADDs to a cell before the rebuild puts it: the put's version
    condition fails and the cell is recomputed from its month, so the return is neither lost nor doubled."""
    from medpool.services.stat_counters import rebuild

    manager = User.get("demo-manager")
    loan = make_loan("return_requested", category_id="syringe_pump", device_id="PUMP-001", key="rebuild-race-01")
    real_merged = rebuild.cells.merged
    calls = []

    def merged_then_a_return(entries):
        found = real_merged(entries)
        if not calls:  # once: the return's own transaction merges its deltas through here too
            calls.append(loan.id)
            loan_flow.confirm_return(manager, loan.id, "ok", device_id="PUMP-001")
        return found

    monkeypatch.setattr(rebuild.cells, "merged", merged_then_a_return)
    result = rebuild_counters()
    monkeypatch.undo()
    assert calls and result["cells_recomputed"] >= 1
    after = counter_items()
    assert any(loan.id in item.get("ids", []) for item in after.values())
    assert rebuild_counters()["cells_recomputed"] == 0 and counter_items() == after
