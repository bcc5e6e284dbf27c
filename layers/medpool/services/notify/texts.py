"""What each notification says: the in-app title and text, and the subscribe-message values by keyword.

WeChat cuts a `thing` value at 20 characters, so each note leads with what the reader must do (the rest may
be cut) and the device field keeps the device number whole.

Template keyword layout (choose templates with these keywords in the WeChat admin console):
  loan_result  character_string1 借用单号, thing2 设备, phrase3 状态, time4 时间, thing5 备注
  loan_due     character_string1 借用单号, thing2 设备, time3 应还时间, phrase4 状态, thing5 提示
  new_request  character_string1 借用单号, thing2 科室与设备, phrase3 紧急程度, time4 申请时间, thing5 原因
  device_due   character_string1 资产编号, thing2 设备, phrase3 事项, date4 到期日期, thing5 提示
"""
from __future__ import annotations

from medpool import clock
from medpool.models.loan import Loan

URGENCY = {"routine": "常规", "urgent": "紧急", "emergency": "抢救"}
# event -> (template name, phrase (<= 5 Chinese characters), in-app title)
EVENTS = {
    "loan_approved": ("loan_result", "已批准", "借用申请已批准"),
    "loan_rejected": ("loan_result", "已驳回", "借用申请未通过"),
    "loan_handed_over": ("loan_result", "已交接", "设备已交接"),
    "loan_returned": ("loan_result", "已归还", "设备归还已确认"),
    "loan_due_soon": ("loan_due", "即将到期", "借用即将到期"),
    "loan_overdue": ("loan_due", "已逾期", "借用已逾期"),
    "new_request": ("new_request", "", "新的借用申请"),
    "loan_recalled": ("loan_due", "调回", "设备科请求提前归还（调回）"),
    "recall_answered": ("loan_result", "已答复调回", "科室已答复调回"),
    # the waiting list (to managers, about the request heading a category's queue)
    "device_freed": ("new_request", "", "有设备空闲，可批准排队申请"),
    "loan_auto_reserved": ("new_request", "", "系统已为抢救申请自动预留设备"),
}


# device events (to managers): event -> (template name, phrase, in-app title)
DEVICE_EVENTS = {
    "device_maintenance_due": ("device_due", "预防维护", "设备维护即将到期"),
    "device_calibration_due": ("device_due", "计量检定", "设备计量检定即将到期"),
}


def device_content(event: str, device: dict, category: str, today: str) -> tuple[str, str, dict]:
    """(title, text, subscribe-message values) of a device's maintenance or calibration falling due."""
    _, phrase, title = DEVICE_EVENTS[event]
    late = device["due"] < today
    note = "已过期，设备停借，请尽快安排" if late else "到期后设备将停借，请提前安排"
    name = f"{category} {device['name']}".strip()
    data = {"character_string1": device["id"], "thing2": name[:20], "phrase3": phrase,
            "date4": device["due"], "thing5": note}
    return title, f"{name}（{device['id']}）{phrase}到期日 {device['due']}：{note}", data


def local_time(iso: str | None) -> str:
    """A stored UTC time as WeChat's `time` value, in Beijing time: 2026年11月27日 10:20."""
    if not iso:
        return ""
    return clock.parse_iso(iso).astimezone(clock.SHANGHAI).strftime("%Y年%m月%d日 %H:%M")


THING_LIMIT = 20  # WeChat's limit on a `thing` value (medpool.wechat.client.shape_value cuts longer ones)


def short_time(iso: str | None) -> str:
    """A stored UTC time in Beijing time without the year, to fit a note: 11月27日 10:20."""
    if not iso:
        return ""
    local = clock.parse_iso(iso).astimezone(clock.SHANGHAI)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def device_label(category: str, device_id: str | None) -> str:
    """Category and device number within THING_LIMIT: the category is shortened, the number kept whole."""
    if not device_id:
        return category[:THING_LIMIT]
    room = THING_LIMIT - len(device_id) - 1
    if len(category) > room:
        category = category[:room - 1] + "…" if room > 1 else ""
    return f"{category} {device_id}".strip()


def _note(event: str, loan: Loan, department: str) -> str:
    if event == "loan_approved":
        return f"已预留，请到设备调配中心领取 {loan.device_id or ''}".strip()
    if event == "loan_rejected":
        return f"原因：{loan.reject_reason or '未说明'}"
    if event == "loan_handed_over":
        return f"请于 {short_time(loan.expected_return_at)} 前归还"
    if event == "loan_returned":
        charge = f"，费用 {loan.charge_fen / 100:.2f} 元" if loan.charge_fen is not None else ""
        return f"状况：{'完好' if loan.condition == 'ok' else '损坏'}{charge}"
    if event == "loan_due_soon":
        return "请按时归还，或联系设备科续借"
    if event == "loan_overdue":
        return f"请尽快归还，{department}借用已逾期"
    if event == "loan_recalled":
        return f"请答复调回：{loan.recall_reason or '未说明'}"
    if event == "device_freed":
        return f"请批准：{loan.device_id} 已空闲"
    if event == "loan_auto_reserved":
        return f"已自动预留 {loan.device_id}，请交接"
    if event == "recall_answered":
        if loan.recall_state == "refused":
            return f"{department}无法归还：{loan.recall_answer_reason or '未说明'}"
        return f"{department}同意于 {short_time(loan.expected_return_at)} 前归还"
    return loan.reason


def content(event: str, loan: Loan, category: str, department: str, at: str) -> tuple[str, str, dict]:
    """(title, text, subscribe-message values) of one event about one loan."""
    template, phrase, title = EVENTS[event]
    note = _note(event, loan, department)
    device = device_label(category, loan.device_id)
    full_device = f"{category} {loan.device_id or ''}".strip()  # the in-app text has room for all of it
    if template == "loan_result":
        data = {"character_string1": loan.id, "thing2": device, "phrase3": phrase, "time4": local_time(at),
                "thing5": note}
        text = f"{full_device}：{phrase}。{note}"
    elif template == "loan_due":
        data = {"character_string1": loan.id, "thing2": device, "time3": local_time(loan.expected_return_at),
                "phrase4": phrase, "thing5": note}
        text = f"{full_device} 应于 {local_time(loan.expected_return_at)} 归还（{phrase}）。{note}"
    else:
        urgency = URGENCY.get(loan.urgency, loan.urgency)
        data = {"character_string1": loan.id, "thing2": f"{department} {category}", "phrase3": urgency,
                "time4": local_time(loan.requested_at), "thing5": note}
        text = f"{department}申请{category}（{urgency}）：{loan.reason}"
        if event != "new_request":  # the waiting list: what to do first, then the request it concerns
            text = f"{note}。{'排队首位' if event == 'device_freed' else '抢救申请'}：{text}"
    return title, text, data
