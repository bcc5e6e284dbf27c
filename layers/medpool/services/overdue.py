"""The overdue check (scheduled every 15 minutes, or `medpool overdue-check`): in-use loans past their
expected return are flagged overdue, recorded and notified (the department's users and the managers);
loans due within the lead time get a reminder. Both read through the status + due index, so the cost
grows with open loans, not with history. Each flag or reminder is one conditional transaction with its
outbox event, so double or concurrent runs notify once. Both are about one due time: the transaction is
conditioned on the `expected_return_at` read from the (eventually consistent) index, and the event id
(and its notifications' ids) include it, so a loan extended (续借) is flagged, recorded and notified once
per due time, and a read older than an extension changes nothing. Devices whose maintenance or calibration
falls due soon (or is past) are reminded to the managers once per due date (services/upkeep.py). Then the
notifier's sweep runs."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import timedelta

from medpool import clock
from medpool.config import get_settings
from medpool.errors import Conflict
from medpool.models.loan import Loan
from medpool.services import audit_chain, notifications, upkeep
from medpool.services.notify import outbox
from medpool.services.audit import add_record
from medpool.services.transactions import transaction

ACTOR = "system"
RACE = Conflict("已被另一次检查处理", code="overdue_race")


@dataclass
class CheckResult:
    started_at: str
    read: int = 0  # loan items read from the index
    flagged: list[str] = field(default_factory=list)
    reminded: list[str] = field(default_factory=list)
    skipped: int = 0  # already handled (by an earlier or a concurrent run), or changed since the index read
    devices_read: int = 0  # devices falling due for maintenance or calibration (the due index)
    upkeep_reminded: list[str] = field(default_factory=list)  # "<device>#<kind>", once per due date
    bookings: dict | None = None  # approved bookings turned into loans, conflicts told, expired (services/bookings)
    delivery: dict | None = None


def _as_read(loan: Loan):
    """Still in use and still due when the index said: not extended (or returned) since it was read."""
    return (Loan.status == "in_use") & (Loan.expected_return_at == loan.expected_return_at)


def _flag(loan: Loan, started_at: str) -> bool:
    try:
        with transaction(RACE) as writer:
            not_flagged = (Loan.overdue == False) | Loan.overdue.does_not_exist()  # noqa: E712
            record = add_record(writer, kind="loan", subject_id=loan.id, actor=ACTOR, action="loan.overdue",
                                before={"overdue": False}, after={"overdue": True, "overdue_at": started_at,
                                                                  "expected_return_at": loan.expected_return_at},
                                note=f"应还时间 {loan.expected_return_at}，检查开始于 {started_at}", at=started_at)
            # a loose record (the loan was read from an index): listed on the loan by this update
            writer.update(loan, actions=[Loan.overdue.set(True), Loan.overdue_at.set(started_at),
                                         *audit_chain.loose_actions(Loan, record)],
                          add_version_condition=False, condition=_as_read(loan) & not_flagged)
            notifications.enqueue(writer, "loan_overdue", loan, at=started_at)  # once per due time
    except Conflict:
        return False
    return True


def _remind(loan: Loan, started_at: str) -> bool:
    reminder = outbox.event_of("loan_due_soon", loan, at=started_at)
    if outbox.exists(reminder.id):
        return False  # reminded of this due time already
    try:
        with transaction(RACE) as writer:
            record = add_record(writer, kind="loan", subject_id=loan.id, actor=ACTOR, action="loan.due_soon",
                                after={"expected_return_at": loan.expected_return_at}, at=started_at,
                                note="提醒科室按时归还")
            # the loan as read (a condition), listing the loose record (an update: one item, one operation)
            writer.update(loan, actions=audit_chain.loose_actions(Loan, record), add_version_condition=False,
                          condition=_as_read(loan))
            outbox.add(writer, reminder)  # once per due time: refused if a concurrent run wrote it
    except Conflict:
        return False
    return True


def check(lead_hours: float | None = None) -> CheckResult:
    """Flag overdue loans and send due-soon reminders, each once. Does not deliver."""
    started = clock.now()
    result = CheckResult(started_at=clock.to_iso(started))
    lead = timedelta(hours=get_settings().due_soon_hours if lead_hours is None else lead_hours)
    for loan in Loan.by_due.query("in_use", Loan.expected_return_at < result.started_at):
        result.read += 1
        if loan.overdue:
            result.skipped += 1
            continue
        if _flag(loan, result.started_at):
            result.flagged.append(loan.id)
        else:
            result.skipped += 1
    if lead > timedelta(0):
        soon = Loan.expected_return_at.between(result.started_at, clock.to_iso(started + lead))
        for loan in Loan.by_due.query("in_use", soon):
            result.read += 1
            if _remind(loan, result.started_at):
                result.reminded.append(loan.id)
    result.devices_read, result.upkeep_reminded = upkeep.remind_due(result.started_at)
    from medpool.services.bookings import conversion  # bookings whose window is near become loans

    result.bookings = asdict(conversion.run(result.started_at))
    return result


def run() -> dict:
    """The scheduled job: the check, then the notifier's sweep: events the stream path has not fanned
    out yet (this run's own among them) and every pending notification that is due."""
    result = check()
    from medpool.services.notify import stream as notify_stream  # the WeChat client: the schedule's, not the routes'

    result.delivery = notify_stream.sweep()
    return asdict(result)
