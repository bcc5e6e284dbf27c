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


def resolve(item: NotifyEvent) -> tuple[str, Loan, str] | None:
    """(event to tell the managers, the loan it is about, the occurrence keying the notices) for a freed device,
    or None (nobody to tell). The occurrence is the device's availability as found (its id and the time it
    entered its status), so events about one availability processed together tell of it once."""
    device_id, category_id = item.device["id"], item.device["category_id"]
    device, category = batch_reads.get_many((Device, device_id), (Category, CATEGORIES, category_id))
    if device is None or category is None:
        return None
    if device.status == "reserved":  # a redelivery after the system reserved it, or a manager was quicker
        loan = waitlist.find(device.current_loan_id) if device.current_loan_id else None
        reserved_here = loan is not None and loan.auto_reserved and (loan.approved_at or "") >= item.at
        return (AUTO_RESERVED, loan, _occurrence(device)) if reserved_here else None
    if device.status != "available" or not waitlist.lendable(device):
        return None  # taken meanwhile, or past its maintenance or calibration: nothing to offer
    head = waitlist.head(category_id)
    if head is None:
        return None
    if category.auto_reserve_emergency and head.urgency == "emergency":
        from medpool.services import loan_flow  # the state machine (it imports the outbox this package holds)

        try:
            loan = loan_flow.approve(SYSTEM, head.id, device_id, by_system=True)
            return AUTO_RESERVED, loan, f"{device_id}@{loan.approved_at}"
        except MedpoolError:
            return None  # approved meanwhile, or the device was taken: the managers act on what they see
    free = waitlist.free_for(category, head.urgency)
    if free < 1 or waitlist.queue_length(category) < free:
        return None  # held in the emergency reserve for a routine head; or more free than waiting: nobody waited
    head.device_id = device_id  # only for the text ("VENT-002 已空闲"); never saved
    return FREED, head, _occurrence(device)


def _occurrence(device: Device) -> str:
    return f"{device.id}@{device.status_changed_at}"
