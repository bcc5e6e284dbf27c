"""On DynamoDB Local: concurrent and repeated overdue runs flag and notify each loan once, and
concurrent dispatchers push each notification once; a WeChat outage leaves them pending for later."""
import threading
from collections import Counter
from datetime import timedelta


from medpool import clock
from medpool.models.loan import Loan
from medpool.models.notification import Notification
from medpool.services import overdue
from medpool.services.notify import delivery as notifications
from tests.support import make_loan

LOANS = [("MON-001", "race-loan-0001"), ("MON-002", "race-loan-0002"), ("MON-003", "race-loan-0003")]


def _race(target, n=4):
    barrier, results = threading.Barrier(n), []

    def run():
        barrier.wait()
        results.append(target())

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_and_repeated_runs_notify_each_loan_once(wx, notifier):
    ids = [make_loan("in_use", device_id=device, key=key).id for device, key in LOANS]
    notifier.drain()  # the loans' own steps (approved, handed over) are pushed by the stream worker
    clock.freeze(clock.now() + timedelta(hours=25))
    wx.sent.clear()
    results = _race(overdue.run)
    results.append(overdue.run())
    flagged = Counter(loan_id for result in results for loan_id in result["flagged"])
    assert flagged == Counter({loan_id: 1 for loan_id in ids})
    assert all(Loan.get(loan_id).overdue for loan_id in ids)
    pushes = Counter((m["touser"], m["data"]["character_string1"]["value"]) for m in wx.sent)
    assert set(pushes.values()) == {1}  # nobody was told twice
    assert {loan for _, loan in pushes} == set(ids)
    assert len(pushes) == 3 * len(ids)  # the ICU nurse, the manager and the admin, per loan


def test_outage_then_concurrent_dispatchers_deliver_once(wx, notifier):
    wx.down = True
    loan = make_loan("pending", urgency="emergency", key="race-urgent-0001", device_id="MON-004")
    notifier.drain()  # fanned out; the pushes fail and stay pending
    mine = [n for n in Notification.by_queue.query("pending") if n.loan_id == loan.id]
    assert len(mine) == 2 and all(n.state == "pending" for n in mine)
    wx.down = False
    clock.freeze(clock.now() + timedelta(minutes=2))
    stats = _race(notifications.deliver_pending)
    assert sum(s.sent for s in stats) == 2
    assert sorted(m["touser"] for m in wx.sent) == ["demo-admin", "demo-manager"]
    assert all(Notification.get(n.id, consistent_read=True).state == "sent" for n in mine)
