"""Availability counts: how many devices of a category are in each status, kept on the category item
(`count_<status>`) and changed with ADD in the same transaction that changes a device's status (loan
transitions, device registration, status changes, imports). The board (GET /categories) is then one Query of
the bounded categories partition, whatever the number of devices. `recount` recomputes the counts from the
devices and its waiting list from its pending requests (an admin tool, `medpool recount-availability`: one Query
of the category+status index and one of the waiting-list index per category)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from pynamodb.transactions import TransactWrite

from medpool.errors import Conflict
from medpool.models.category import SCOPE, Category
from medpool.models.category_counts import CategoryCounts
from medpool.models.device import STATUSES, Device
from medpool.models.loan import URGENCY_RANK, Loan
from medpool.services.audit import add_record
from medpool.services.notify import outbox
from medpool.services.transactions import transaction

BOARD_STATUSES = ("available", "reserved", "on_loan", "cleaning", "maintenance")
RECOUNT_ATTEMPTS = 5
QUEUES = tuple(f"queue_{urgency}" for urgency in URGENCY_RANK)  # the waiting list per urgency, beside the devices


def _attribute(name: str) -> Any:
    return getattr(CategoryCounts, name if name in QUEUES else f"count_{name}")


def move(writer: TransactWrite, category_id: str, before: str | None, after: str | None, *, queue: int = 0,
         urgency: str = "routine", guard: Any = None) -> None:
    """Count one device of the category leaving status `before` and entering `after` (None: registered or
    removed), and `queue` requests of `urgency` joining (+1) or leaving (-1) its waiting list, in the transaction
    that moves them; `guard` is a further condition on the counts. The category must exist (a count never
    creates an item)."""
    actions = ([_attribute(before).add(-1)] if before else []) + ([_attribute(after).add(1)] if after else [])
    if before == after:
        actions = []
    if queue:
        actions.append(_attribute(f"queue_{urgency}").add(queue))
    if not actions:
        return
    condition = CategoryCounts.id.exists()
    writer.update(CategoryCounts(SCOPE, category_id), actions=actions,
                  condition=condition & guard if guard is not None else condition)


def move_device(writer: TransactWrite, device: Any, before: str | None, at: str, **counts: Any) -> None:
    """`move` for a device entering its (new) status; a device made available is announced in the same
    transaction (`device_freed`: the notifier tells the managers who heads the category's waiting list)."""
    move(writer, device.category_id, before, device.status, **counts)
    if device.status == "available" and before != "available":
        outbox.add(writer, outbox.device_freed(device, at))


def outside_reserve() -> Any:
    """The condition a routine or urgent approval puts on the counts: an available device beyond the category's
    emergency reserve (compared on the item itself, so the reserve needs no read)."""
    return (CategoryCounts.emergency_reserve.does_not_exist()
            | (CategoryCounts.count_available > CategoryCounts.emergency_reserve))


def board(category: Category) -> dict[str, int]:
    """The availability board of a category, from its counts (absent counts are zero)."""
    return {status: int(getattr(category, f"count_{status}") or 0) for status in BOARD_STATUSES}


def stored_counts(category: Category) -> dict[str, int | None]:
    """The stored counts: devices per status and the queue's length (None: never written)."""
    stored = {name: getattr(category, name if name in QUEUES else f"count_{name}") for name in STATUSES + QUEUES}
    return {name: None if value is None else int(value) for name, value in stored.items()}


def counted(category_id: str) -> dict[str, int]:
    """The category's devices per status, counted from the category+status index, and its pending requests,
    from the waiting-list index (both eventually consistent)."""
    found = Counter(d.status for d in Device.by_category_status.query(category_id, attributes_to_get=["id", "status"]))
    waiting = Counter(key.split("#", 1)[0] for key in waitlist_keys(category_id))
    return {**{status: found.get(status, 0) for status in STATUSES},
            **{f"queue_{urgency}": waiting.get(str(rank), 0) for urgency, rank in URGENCY_RANK.items()}}


def waitlist_keys(category_id: str) -> list[str]:
    """The category's pending requests' queue keys (`<urgency rank>#<requested_at>#<id>`), in queue order: one
    Query of the sparse keys-only waiting-list index."""
    return [loan.queue_key for loan in Loan.by_category_queue.query(category_id, attributes_to_get=["queue_key"])]


def _same(stored: dict[str, int | None], fresh: dict[str, int]) -> bool:
    return all((stored[name] or 0) == fresh[name] for name in fresh)


def recount(actor_openid: str = "cli", dry_run: bool = False) -> list[dict]:
    """Recompute every category's counts from its devices and store those that differ (with an audit record).
    The write is conditioned on the counts read, so a loan moving a device meanwhile makes it count again.
    The index is eventually consistent: run it when devices are not moving (after an import or a repair)."""
    report = []
    for category in Category.query(SCOPE, consistent_read=True):
        for _ in range(RECOUNT_ATTEMPTS):
            stored, fresh = stored_counts(category), counted(category.id)
            changed = not _same(stored, fresh)
            if not changed or dry_run or _store(actor_openid, category.id, stored, fresh):
                break
            category = Category.get(SCOPE, category.id, consistent_read=True)
        report.append({"category_id": category.id, "stored": stored, "counted": fresh, "changed": changed})
    return report


def _store(actor_openid: str, category_id: str, stored: dict[str, int | None], fresh: dict[str, int]) -> bool:
    condition = None
    for name, value in stored.items():
        attribute = _attribute(name)
        clause = attribute.does_not_exist() if value is None else attribute == value
        condition = clause if condition is None else condition & clause
    try:
        with transaction(Conflict(code="state_changed")) as writer:
            writer.update(CategoryCounts(SCOPE, category_id), condition=condition & CategoryCounts.id.exists(),
                          actions=[_attribute(name).set(value) for name, value in fresh.items()])
            add_record(writer, kind="category", subject_id=category_id, actor=actor_openid,
                       action="category.recount", before=dict(stored), after=dict(fresh),
                       note="按设备重新统计可借数量")
    except Conflict:
        return False
    return True
