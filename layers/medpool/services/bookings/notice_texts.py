"""What booking notifications say and to whom (the notifier's side of services/bookings/notices.py).
Template `loan_result` (character_string1 单号, thing2 设备, phrase3 状态, time4 时间, thing5 备注)."""
from __future__ import annotations

from medpool.config import get_settings
from medpool.models.notification import Notification
from medpool.models.notify_event import NotifyEvent

TEMPLATE = "loan_result"
# event -> (recipients, phrase (<= 5 Chinese characters), in-app title)
EVENTS = {
    "booking_approved": ("applicant", "已批准", "预约已批准"),
    "booking_rejected": ("applicant", "已驳回", "预约未通过"),
    "booking_moved": ("applicant", "已改期", "预约时段已调整"),
    "booking_ready": ("ward", "已预留", "预约设备已预留"),
    "booking_preempted": ("ward", "被调用", "预约设备被抢救调用"),
    "booking_conflict": ("managers", "预约冲突", "预约无法保障，请处理"),
}


def _note(name: str, booking: dict, department: str) -> str:
    if name == "booking_rejected":
        return f"原因：{booking.get('reject_reason') or '未说明'}"
    if name == "booking_moved":
        return f"新时段 {_short(booking['start_at'])}–{_short(booking['end_at'])}"
    if name == "booking_ready":
        return f"已转为借用 {booking.get('loan_id') or ''}，请按时领取".strip()
    if name in ("booking_preempted", "booking_conflict"):
        return booking.get("conflict_note") or "请联系设备科"
    return f"请于 {_short(booking['start_at'])} 领取"


def _short(iso: str) -> str:
    from medpool.services.notify.texts import short_time

    return short_time(iso)


def recipients(name: str, booking: dict) -> list[str]:
    from medpool.services.notify import fanout

    who = EVENTS[name][0]
    if who == "applicant":
        return [booking["applicant_openid"]]
    if who == "managers":
        return fanout.managers()[:fanout.MAX_RECIPIENTS]
    people = fanout.department_users(booking["department_id"]) + [booking["applicant_openid"]]
    return list(dict.fromkeys(people))[:fanout.MAX_RECIPIENTS]


def prepare(item: NotifyEvent, people: list[str] | None = None) -> list[Notification]:
    """The notifications of one booking event (not yet written)."""
    from medpool.models.category import SCOPE as CATEGORIES, Category
    from medpool.models.department import SCOPE as DEPARTMENTS, Department
    from medpool.services.notify import fanout
    from medpool.services.notify.texts import device_label, local_time

    booking = dict(item.booking or {})
    people = recipients(item.event, booking) if people is None else people
    _, phrase, title = EVENTS[item.event]
    category = fanout._name(Category, CATEGORIES, booking["category_id"])
    department = fanout._name(Department, DEPARTMENTS, booking["department_id"])
    note = _note(item.event, booking, department)
    data = {"character_string1": booking["id"], "thing2": device_label(category, booking.get("device_id")),
            "phrase3": phrase, "time4": local_time(booking["start_at"]), "thing5": note}
    text = (f"{department}预约{category} {local_time(booking['start_at'])}–{local_time(booking['end_at'])}"
            f"（{phrase}）。{note}")
    pushed = get_settings().template_id(TEMPLATE) is not None
    notices = []
    for openid in people:
        nid = fanout.notification_id(f"booking#{booking['id']}", item.event, openid, item.due)
        notices.append(Notification(
            nid, openid=openid, created_key=f"{item.at}#{nid}", event=item.event, loan_id=booking.get("loan_id"),
            title=title, body=text, page=f"pages/bookings/index?id={booking['id']}", template=TEMPLATE, data=data,
            state="pending" if pushed else "in_app", attempts=0, created_at=item.at,
            queue="pending" if pushed else None, queue_at=item.at if pushed else None))
    return notices
