"""One-off upgrade: give items written before lists were read by key their list keys (loans' status facets
and due keys, records' subject + actor, announcements' feed partition by expiry), so the new indexes hold
them (`medpool backfill-list-keys`). An operations command, not a request path: it scans the three tables.
Idempotent and safe to interrupt: each item is updated only when its keys differ from what its fields call
for, conditioned on the version read (a loan or announcement changed meanwhile was written with its keys)."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from pynamodb.exceptions import UpdateError

from medpool.models.announcement import Announcement
from medpool.models.loan import Loan
from medpool.models.record import Record, subject_actor_of


def _actions(model: type, item: Any, wanted: dict[str, str | None]) -> list:
    """Set (or remove) each key attribute whose stored value differs."""
    actions = []
    for name, value in wanted.items():
        if getattr(item, name) != value:
            attribute = getattr(model, name)
            actions.append(attribute.set(value) if value is not None else attribute.remove())
    return actions


def _unchanged(model: type, item: Any) -> Any:
    return model.version == item.version if item.version is not None else model.version.does_not_exist()


def _announcement_keys(item: Announcement) -> dict[str, str | None]:
    stored = (item.feed, item.feed_key)
    item.place_in_feed()
    wanted = {"feed": item.feed, "feed_key": item.feed_key}
    item.feed, item.feed_key = stored
    return wanted


def _backfill(model: type, items: Iterable, keys: Callable[[Any], dict], versioned: bool) -> dict[str, int]:
    counts = {"read": 0, "updated": 0, "changed_meanwhile": 0}
    for item in items:
        counts["read"] += 1
        actions = _actions(model, item, keys(item))
        if not actions:
            continue
        try:
            item.update(actions=actions, condition=_unchanged(model, item) if versioned else None,
                        add_version_condition=False)
            counts["updated"] += 1
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            counts["changed_meanwhile"] += 1  # a write since the scan stored the keys with the item
    return counts


def backfill_list_keys(progress: Callable[[str, dict], None] | None = None) -> dict[str, dict[str, int]]:
    """Backfill loans, records and announcements; returns the counts per table."""
    result = {}
    for name, model, keys, versioned in (
            ("loans", Loan, lambda loan: loan.list_keys(), True),
            ("announcements", Announcement, _announcement_keys, True),
            ("records", Record, lambda r: {"subject_actor": subject_actor_of(r.subject, r.actor)}, False)):
        result[name] = _backfill(model, model.scan(), keys, versioned)
        if progress:
            progress(name, result[name])
    return result

