"""The statistics counters (services/stat_counters): what a return adds, merged per cell in its transaction,
and what statistics and the summary bill read (counters, never the ledger's loan entries)."""
from datetime import date, timedelta

import pytest
from pynamodb.connection.base import Connection

from medpool import clock
from medpool.models.ledger import LedgerEntry
from medpool.models.ledger_counter import LedgerCounter
from medpool.models.loan import Loan
from medpool.services import billing, ledger, stats
from medpool.services.stat_counters import cells
from tests.unit.test_stats import at, dataset  # noqa: F401 - the hand-computed dataset (a fixture)


def entry(loan_id: str, handed: str, returned: str, department: str = "ICU") -> list[LedgerEntry]:
    loan = Loan(loan_id, department_id=department, category_id="monitor", device_id="MON-001",
                requested_at=clock.to_iso(at(handed) - timedelta(hours=1)),
                approved_at=clock.to_iso(at(handed) - timedelta(minutes=30)), handed_over_at=clock.to_iso(at(handed)),
                returned_at=clock.to_iso(at(returned)), expected_return_at=clock.to_iso(at(handed) + timedelta(hours=2)),
                condition="ok", rate_fen=600, rate_unit="hour", charge_fen=0)
    return ledger.loan_entries(loan, "SBK")


def test_a_loan_across_a_month_end_adds_its_days_to_each_month():
    # out 01-31 22:00, back 02-01 03:00 Beijing time: 2 h and 2 units in January, 3 h and 3 units in February
    january, february = entry("L1", "2024-01-31T22:00:00", "2024-02-01T03:00:00")
    (jan_key, jan), (feb_key, feb) = cells.entry_delta(january), cells.entry_delta(february)
    assert (jan_key, feb_key) == (("2024-01", "monitor#ICU"), ("2024-02", "monitor#ICU"))
    # due 02-01 00:00: out at January's end but not yet late then; given back (returned) late in February
    assert dict(jan.numbers) == {"d31_loans": 1, "d31_lent_us": 2 * 3600 * 10**6, "d31_revenue": 1200,
                                 "d31_open": 1, "credit_SBK": 1200, "units_SBK": 2}
    assert dict(feb.numbers) == {"d01_lent_us": 3 * 3600 * 10**6, "d01_revenue": 1800, "d01_returns": 1,
                                 "d01_late": 1, "credit_SBK": 1800, "units_SBK": 3}
    assert jan.sets["d31_waits"] == {f"{1800 * 10**6} {1800 * 10**6} L1"} and "d01_waits" not in feb.sets
    assert jan.sets["ids"] == feb.sets["ids"] == {"L1"}


class Recorder:
    """Stands in for a TransactWrite: what was put and updated."""

    def __init__(self):
        self.saved, self.updated = [], []

    def save(self, model, condition=None):
        self.saved.append(model)

    def update(self, model, actions, condition=None):
        self.updated.append((model.month, model.cell, actions))


def test_entries_of_one_transaction_update_each_cell_once():
    writer = Recorder()
    ledger.add_all(writer, entry("L1", "2024-03-01T08:00:00", "2024-03-01T09:00:00")
                   + entry("L2", "2024-03-02T08:00:00", "2024-03-02T10:00:00")
                   + entry("L3", "2024-03-02T08:00:00", "2024-03-02T10:00:00", department="EM"))
    assert len(writer.saved) == 3
    assert sorted((month, cell) for month, cell, _ in writer.updated) == [("2024-03", "monitor#EM"),
                                                                          ("2024-03", "monitor#ICU")]
    with pytest.raises(RuntimeError):  # a second call could name a cell twice in one transaction
        ledger.add_all(writer, entry("L4", "2024-03-03T08:00:00", "2024-03-03T09:00:00"))
    ledger.add_all(writer, [])  # nothing to count: allowed


class Reads:
    """Items each table returned, by operation."""

    def __enter__(self):
        self.items, self.original = [], Connection.dispatch
        reads = self

        def spying(connection, operation, kwargs):
            data = reads.original(connection, operation, kwargs)
            if operation in ("Query", "GetItem", "BatchGetItem"):
                found = data.get("Items") or ([data["Item"]] if data.get("Item") else []) or [
                    item for items in data.get("Responses", {}).values() for item in items]
                reads.items += [(kwargs.get("TableName") or next(iter(kwargs.get("RequestItems", {"?": 0}))), item)
                                for item in found]
            return data

        Connection.dispatch = spying
        return self

    def __exit__(self, *exc):
        Connection.dispatch = self.original


def test_statistics_and_the_summary_bill_read_counters_not_loans(dataset):  # noqa: F811
    ledger_table, counters_table = LedgerEntry.Meta.table_name, LedgerCounter.Meta.table_name
    with Reads() as reads:
        january = stats.period_stats(date(2024, 1, 1), date(2024, 1, 31))
        summary = billing.monthly_billing("2024-01", lines=False)
    from_ledger = [item["entry"]["S"] for table, item in reads.items if table == ledger_table]
    assert from_ledger and all(key.startswith("down#") for key in from_ledger)  # the pool's repairs only
    assert {item["cell"]["S"] for table, item in reads.items if table == counters_table} == {"monitor#ICU", "monitor#EM"}
    assert january["total"]["revenue_fen"] == summary["total_fen"] == billing.monthly_billing("2024-01")["total_fen"]


def test_the_summary_bill_lists_the_full_bills_departments_and_totals(dataset):  # noqa: F811
    for month in ("2024-01", "2024-02"):
        full, summary = billing.monthly_billing(month), billing.monthly_billing(month, lines=False)
        assert [(d["department_id"], d["charges_fen"], d["credits_fen"], d["net_fen"]) for d in full["departments"]] == [
            (d["department_id"], d["charges_fen"], d["credits_fen"], d["net_fen"]) for d in summary["departments"]]
        assert all(d["charges"] == d["credits"] == [] for d in summary["departments"])


def test_the_summary_bill_through_the_api(dataset):  # noqa: F811
    api, token, _ = dataset
    body = api.get("/billing?month=2024-01&lines=false", token).body
    assert body["total_fen"] == 445200 and all(d["charges"] == [] for d in body["departments"])
    csv_reply = api.get("/billing?month=2024-01&format=csv&lines=false", token)
    text = csv_reply.body.decode("utf-8-sig") if isinstance(csv_reply.body, bytes) else csv_reply.body.lstrip("\ufeff")
    rows = [line.split(",") for line in text.strip().splitlines()]
    assert rows[0] == ["月份", "科室编码", "科室名称", "借用扣费(分)", "出借收入(分)", "净额(分)"]
    assert {row[1]: int(row[5]) for row in rows[1:]} == {"EM": -1200, "ICU": -444000, "SBK": 445200}


def test_a_loan_returned_while_statistics_read_counts_once(dataset, monkeypatch):  # noqa: F811
    """The open loans are read first; C is returned before the counters are read: it is in the counters
    (their ids), so its open copy is dropped, and the figures are those of C returned."""
    from medpool.models.user import User
    from medpool.services import loan_flow, periods

    _, _, ids = dataset
    read_open = periods.open_facts

    def open_then_return(window):
        found = read_open(window)
        clock.freeze(at("2024-02-10T00:30:00"))
        loan_flow.confirm_return(User.get("demo-manager"), ids["C"], "ok", device_id="VENT-001")
        return found

    monkeypatch.setattr(stats, "open_facts", open_then_return)
    racing = stats.period_stats(date(2024, 1, 1), date(2024, 2, 29))
    monkeypatch.setattr(stats, "open_facts", read_open)
    assert Loan.get(ids["C"]).status == "returned"
    assert racing["categories"] == stats.period_stats(date(2024, 1, 1), date(2024, 2, 29))["categories"]
    ventilator = next(row for row in racing["categories"] if row["category_id"] == "ventilator")
    assert (ventilator["loans"], ventilator["returns"], ventilator["open_at_end"]) == (1, 1, 0)


def test_counters_keep_microseconds_exact():
    # a 61-minute loan with milliseconds: lent time exact to the microsecond, 2 started hours
    (_, delta), = [cells.entry_delta(e) for e in entry("L9", "2024-05-01T10:00:00.123", "2024-05-01T11:01:00.456")]
    assert delta.numbers["d01_lent_us"] == (61 * 60 * 1000 + 333) * 1000 and delta.numbers["d01_revenue"] == 1200
