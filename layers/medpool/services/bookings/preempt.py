"""Emergencies first: an emergency request may take the device reserved for a booking's loan whose window
has not started. The approve path calls `for_emergency` (one hook) with the device the manager named; in one
TransactWrite the emergency loan is approved with the device (re-reserved: the counts do not move), the
booking's loan is cancelled, the booking goes back to `approved` with the conflict `taken_by_emergency` and its
book entry restored (the next scheduled run reserves another device, or tells the managers there is none),
each with its record; the booking's ward is told at once (`booking_preempted`), with the emergency's loan,
department and reason in the note and the records."""
from __future__ import annotations

from medpool import clock
from medpool.models.booking import Booking
from medpool.models.device import Device
from medpool.models.loan import Loan
from medpool.models.user import User
from medpool.services import availability, batch_reads, notifications, upkeep
from medpool.services.loan_flow import StateChanged
from medpool.services.audit import add_record
from medpool.services.bookings import book, notices
from medpool.services.bookings.flow import snapshot
from medpool.services.transactions import transaction


class Raced(StateChanged):
    """Another writer got in between the reads and the write: `loan_flow.approve` runs once more on fresh data
    (a repeat answers the loan; a device now another loan's is `device_unavailable`)."""

    message = "设备或预约已被他人更新，请刷新后重试"


def _booked_hold(device: Device) -> tuple[Loan, Booking] | None:
    """The booking's loan holding this device, and the booking, if its window has not started."""
    held = batch_reads.get_many((Loan, device.current_loan_id))[0]
    if held is None or held.status != "approved" or not held.booking_id:
        return None
    booking = batch_reads.get_many((Booking, held.booking_id))[0]
    if booking is None or booking.status != "fulfilled" or booking.start_at <= clock.now_iso():
        return None
    return held, booking


def for_emergency(actor: User, loan: Loan, device: Device | None) -> Loan | None:
    """Approve the pending emergency `loan` with `device` if the device is reserved for a booking's loan whose
    window has not started; None when that is not the case (the approval goes on as usual)."""
    if (loan.urgency != "emergency" or device is None or device.status != "reserved" or not device.current_loan_id
            or device.category_id != loan.category_id or device.current_loan_id == loan.id):
        return None
    found = _booked_hold(device)
    if found is None:
        return None
    upkeep.require_lendable(device)
    held, booking = found
    now = clock.now_iso()
    why = f"抢救借用 {loan.id}（{loan.department_id}：{loan.reason}）调用了预留设备 {device.id}"
    loan.status, loan.device_id, loan.approved_at, loan.approved_by = "approved", device.id, now, actor.openid
    loan.updated_at = now
    held.status, held.cancelled_at, held.updated_at = "cancelled", now, now
    before = snapshot(booking)
    booking.status, booking.loan_id, booking.fulfilled_at = "approved", None, None
    booking.conflict, booking.conflict_at, booking.conflict_note, booking.updated_at = "taken_by_emergency", now, why, now
    device.current_loan_id, device.holder_department_id = loan.id, loan.department_id
    device.status_reason, device.status_changed_at, device.updated_at = f"预留给抢救借用 {loan.id}", now, now
    with transaction(Raced()) as writer:  # each record chained onto its item, read here and saved after it
        add_record(writer, kind="loan", subject_id=loan.id, actor=actor.openid, action="loan.approve",
                   before={"status": "pending"}, after={"status": "approved", "device_id": device.id,
                                                        "preempted_booking_id": booking.id,
                                                        "preempted_loan_id": held.id}, note=why, at=now, head=loan)
        writer.save(loan, condition=Loan.status == "pending")
        add_record(writer, kind="loan", subject_id=held.id, actor=actor.openid, action="loan.cancel",
                   before={"status": "approved"}, after={"status": "cancelled", "preempted_by": loan.id},
                   note=why, at=now, head=held)
        writer.save(held, condition=Loan.status == "approved")
        add_record(writer, kind="device", subject_id=device.id, actor=actor.openid, action="device.reserved",
                   before={"current_loan_id": held.id}, after={"current_loan_id": loan.id}, note=why, at=now,
                   head=device)
        writer.save(device, condition=(Device.status == "reserved") & (Device.current_loan_id == held.id))
        writer.save(booking)
        book.restore(writer, booking)
        availability.move(writer, loan.category_id, None, None, queue=-1, urgency=loan.urgency)  # leaves the queue
        add_record(writer, kind="booking", subject_id=booking.id, actor=actor.openid, action="booking.preempted",
                   before=before, after={**snapshot(booking), "preempted_by": loan.id, "device_id": device.id},
                   note=why, at=now)
        notifications.enqueue(writer, "loan_approved", loan, now)
        notices.enqueue(writer, "booking_preempted", booking, now, held.id)
    return loan


def preemptible(category_id: str) -> str | None:
    """A device of the category reserved for a booking's loan whose window has not started (the one starting
    last), for an emergency approval that names no device; None if there is none."""
    held = list(Device.by_category_status.query(category_id, Device.status == "reserved"))
    loans = [loan for loan in Loan.batch_get([d.current_loan_id for d in held if d.current_loan_id])
             if loan.status == "approved" and loan.booking_id] if held else []
    bookings = {b.id: b for b in Booking.batch_get([loan.booking_id for loan in loans])} if loans else {}
    now = clock.now_iso()
    waiting = [(bookings[loan.booking_id].start_at, loan.device_id) for loan in loans
               if loan.booking_id in bookings and bookings[loan.booking_id].start_at > now]
    return max(waiting)[1] if waiting else None
