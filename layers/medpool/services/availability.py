"""Availability counts: how many devices of a category are in each status, kept on the category item
(`count_<status>`) and changed with ADD in the same transaction that changes a device's status (loan
transitions, device registration, status changes, imports). The board (GET /categories) is then one Query of
the bounded categories partition, whatever the number of devices. `recount` recomputes the counts from the
devices (an admin tool, `medpool recount-availability`: one Query of the category+status index per category)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from pynamodb.transactions import TransactWrite

from medpool.errors import Conflict
from medpool.models.category import SCOPE, Category
from medpool.models.category_counts import CategoryCounts
from medpool.models.device import STATUSES, Device
from medpool.services.audit import add_record
from medpool.services.transactions import transaction

BOARD_STATUSES = ("available", "reserved", "on_loan", "cleaning", "maintenance")
RECOUNT_ATTEMPTS = 5


def _count(status: str) -> Any:
    return getattr(CategoryCounts, f"count_{status}")


def move(writer: TransactWrite, category_id: str, before: str | None, after: str | None) -> None:
    """Count one device of the category leaving status `before` and entering `after` (None: registered or
    removed), in the transaction that moves it. The category must exist (a count never creates an item)."""
    if before == after:
        return
    actions = ([_count(before).add(-1)] if before else []) + ([_count(after).add(1)] if after else [])
    writer.update(CategoryCounts(SCOPE, category_id), actions=actions, condition=CategoryCounts.id.exists())


def board(category: Category) -> dict[str, int]:
    """The availability board of a category, from its counts (absent counts are zero)."""
    return {status: int(getattr(category, f"count_{status}") or 0) for status in BOARD_STATUSES}


def stored_counts(category: Category) -> dict[str, int | None]:
    return {status: None if getattr(category, f"count_{status}") is None else int(getattr(category, f"count_{status}"))
            for status in STATUSES}


def counted(category_id: str) -> dict[str, int]:
    """The category's devices per status, counted from the category+status index (eventually consistent)."""
    found = Counter(d.status for d in Device.by_category_status.query(category_id, attributes_to_get=["id", "status"]))
    return {status: found.get(status, 0) for status in STATUSES}


def _same(stored: dict[str, int | None], fresh: dict[str, int]) -> bool:
    return all((stored[status] or 0) == fresh[status] for status in STATUSES)


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
    for status, value in stored.items():
        clause = _count(status).does_not_exist() if value is None else _count(status) == value
        condition = clause if condition is None else condition & clause
    try:
        with transaction(Conflict(code="state_changed")) as writer:
            writer.update(CategoryCounts(SCOPE, category_id), condition=condition & CategoryCounts.id.exists(),
                          actions=[_count(status).set(value) for status, value in fresh.items()])
            add_record(writer, kind="category", subject_id=category_id, actor=actor_openid,
                       action="category.recount", before=dict(stored), after=dict(fresh),
                       note="按设备重新统计可借数量")
    except Conflict:
        return False
    return True
