"""A device became available (`device_freed`): who heads its category's waiting list, and what the managers
are told. With the category's `auto_reserve_emergency` on and an emergency at the head, the system reserves
the device for it by itself (an approval by "system", audited like any other; the ward is told it is
approved). Run by the notifier, off the request path; safe on redelivery: the device's state says what was
done (reserved by the system for that request since the event: tell of it again; taken otherwise: nothing)."""
from __future__ import annotations

from medpool.errors import MedpoolError
from medpool.models.category import SCOPE as CATEGORIES, Category
from medpool.models.device import Device
from medpool.models.loan import Loan
from medpool.models.notify_event import NotifyEvent
from medpool.models.user import SYSTEM
from medpool.services import batch_reads, waitlist

FREED, AUTO_RESERVED = "device_freed", "loan_auto_reserved"
RESERVE_ATTEMPTS = 3  # heads tried for one freed device when each was approved meanwhile


def resolve(item: NotifyEvent) -> tuple[str, Loan, str] | None:
    """(event to tell the managers, the loan it is about, the occurrence keying the notices) for a freed device,
    or None (nobody to tell). The occurrence is the device's availability as found (its id and the time it
    entered its status), so events about one availability processed together tell of it once."""
    device_id, category_id = item.device["id"], item.device["category_id"]
    device, category = batch_reads.get_many((Device, device_id), (Category, CATEGORIES, category_id))
    if device is None or category is None or device.category_id != category_id:
        return None  # gone, or moved to another category since (the move announced it there)
    if device.status == "reserved":  # a redelivery after the system reserved it, or a manager was quicker
        loan = waitlist.find(device.current_loan_id) if device.current_loan_id else None
        reserved_here = loan is not None and _by_system(loan) and (loan.approved_at or "") >= item.at
        return (AUTO_RESERVED, loan, _occurrence(device)) if reserved_here else None
    if device.status != "available" or not waitlist.lendable(device):
        return None  # taken meanwhile, or past its maintenance or calibration: nothing to offer
    head = waitlist.head(category_id)
    if head is not None and category.auto_reserve_emergency and head.urgency == "emergency":
        reserved, head = _reserve_for_emergency(category_id, device_id, head)
        if reserved is not None:
            return (AUTO_RESERVED, reserved, f"{device_id}@{reserved.approved_at}") if _by_system(reserved) else None
    if head is None:
        return None
    free = waitlist.free_for(category, head.urgency)
    if free < 1 or waitlist.queue_length(category) < free:
        return None  # held in the emergency reserve for a routine head; or more free than waiting: nobody waited
    head.device_id = device_id  # only for the text ("VENT-002 已空闲"); never saved
    return FREED, head, _occurrence(device)


def _reserve_for_emergency(category_id: str, device_id: str, head: Loan) -> tuple[Loan | None, Loan | None]:
    """Approve the emergency heading the queue with the device, as the system: (the approved loan, None). If the
    head left the queue meanwhile (another device, a manager), the next head is tried; if the device was
    taken, (None, None); if an emergency no longer heads the queue, (None, the head to tell the managers of)."""
    from medpool.services import loan_flow  # the state machine (it imports the outbox this package holds)

    for _ in range(RESERVE_ATTEMPTS):
        try:
            return loan_flow.approve(SYSTEM, head.id, device_id, by_system=True), None
        except MedpoolError:
            device = batch_reads.get_many((Device, device_id))[0]
            if device is None or device.status != "available":
                return None, None  # the device was taken: nothing to offer
        head = waitlist.head(category_id)  # the head was approved meanwhile: the next one
        if head is None or head.urgency != "emergency":
            return None, head
    return None, head


def _by_system(loan: Loan) -> bool:
    """Approved by the system's reservation (not a manager approving the same request at the same moment)."""
    return bool(loan.auto_reserved) and loan.approved_by == SYSTEM.openid


def _occurrence(device: Device) -> str:
    return f"{device.id}@{device.status_changed_at}"
