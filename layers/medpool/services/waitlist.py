"""The waiting list (排队) of a category: its pending requests, most urgent first, then oldest (the loan's
`queue_key`), read from the sparse keys-only `category_pending-queue_key` index. A request whose position is
beyond the devices it may take waits (排队中); routine and urgent requests may not take the category's last
`emergency_reserve` available devices, emergencies may (docs/data-and-loans.md, "Waiting list")."""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Iterable

from medpool.errors import Conflict
from medpool.models.category import SCOPE as CATEGORIES, Category
from medpool.models.device import Device
from medpool.models.loan import URGENCY_RANK, Loan
from medpool.services import availability, batch_reads, upkeep

HEAD_LOOKAHEAD = 3


@dataclass(frozen=True)
class Place:
    """A pending request's place: position (1 = next), the queue's length, the devices it may take now."""

    position: int
    length: int
    free: int

    @property
    def waiting(self) -> bool:
        return self.position > self.free

    def as_dict(self) -> dict:
        return {"position": self.position, "length": self.length, "free": self.free, "waiting": self.waiting}


def reserve_of(category: Category) -> int:
    return int(category.emergency_reserve or 0)


def free_for(category: Category, urgency: str) -> int:
    """Available devices a request of this urgency may take: all for an emergency, else beyond the reserve."""
    available = int(category.count_available or 0)
    return available if urgency == "emergency" else max(0, available - reserve_of(category))


def waiting_per_urgency(category: Category) -> dict[str, int]:
    """Pending requests of the category per urgency (the counts on its item, kept by the transactions)."""
    return {urgency: max(0, int(getattr(category, f"queue_{urgency}") or 0)) for urgency in URGENCY_RANK}


def queue_length(category: Category) -> int:
    return sum(waiting_per_urgency(category).values())


def place_of_new(category: Category, urgency: str) -> Place:
    """The place a new request takes, from the category item alone (no Query): behind every pending request as
    urgent or more, ahead of the less urgent."""
    waiting = waiting_per_urgency(category)
    ahead = sum(count for other, count in waiting.items() if URGENCY_RANK[other] <= URGENCY_RANK[urgency])
    return Place(position=ahead + 1, length=sum(waiting.values()) + 1, free=free_for(category, urgency))


def place_in(keys: list[str], queue_key: str, category: Category, urgency: str) -> Place:
    """The place of a pending request among the queue's keys (listed or not yet: the index follows writes)."""
    listed = queue_key in keys
    return Place(position=bisect_left(keys, queue_key) + 1, length=len(keys) + (0 if listed else 1),
                 free=free_for(category, urgency))


def places(loans: Iterable[Loan]) -> dict[str, Place]:
    """The places of the pending loans among `loans`: one Query per category they wait in, and the categories
    read in one call."""
    pending = [loan for loan in loans if loan.status == "pending"]
    if not pending:
        return {}
    ids = sorted({loan.category_id for loan in pending})
    found = dict(zip(ids, batch_reads.get_many(*[(Category, CATEGORIES, cid) for cid in ids])))
    keys = {cid: availability.waitlist_keys(cid) for cid in ids if found[cid] is not None}
    return {loan.id: place_in(keys[loan.category_id], loan.queue_key, found[loan.category_id], loan.urgency)
            for loan in pending if loan.category_id in keys}


def head(category_id: str) -> Loan | None:
    """The request at the head of the category's queue, read strongly consistent (None: nobody waits). The
    index follows writes shortly after: a request it still lists that has left the queue is passed over."""
    for key in Loan.by_category_queue.query(category_id, limit=HEAD_LOOKAHEAD):
        loan = find(key.id)
        if loan is not None and loan.status == "pending":
            return loan
    return None


def find(loan_id: str) -> Loan | None:
    try:
        return Loan.get(loan_id, consistent_read=True)
    except Loan.DoesNotExist:
        return None


def pick_device(category_id: str, day: str | None = None) -> str | None:
    """An available, lendable device of the category for an approval that names none (the index is eventually
    consistent: the approval's write is conditioned on the device still being available)."""
    day = day or upkeep.today()
    for device in Device.by_category_status.query(category_id, Device.status == "available"):
        if device.current_loan_id is None and lendable(device, day):
            return device.id
    return None


def lendable(device: Device, day: str | None = None) -> bool:
    """Not past its maintenance or calibration date (upkeep.require_lendable, as a yes or no)."""
    try:
        upkeep.require_lendable(device, day)
    except Conflict:
        return False
    return True
