"""Subscribe-message values lead with what the reader must do, within WeChat's 20-character `thing` limit."""
from types import SimpleNamespace

import pytest

from medpool.services.notify.texts import THING_LIMIT, content, device_label
from medpool.wechat.client import shape_value

DEVICE = "WXC-2024-ICU-0001"


def _loan(**overrides):
    fields = dict(id="L0123456789ABCDEF012", device_id=DEVICE, reject_reason=None, expected_return_at="2026-11-27T02:20:00Z",
                  condition="ok", charge_fen=None, reason="3床呼吸衰竭", urgency="emergency",
                  requested_at="2026-11-26T02:20:00Z")
    fields.update(overrides)
    return SimpleNamespace(**fields)


def _sent(event, **loan):
    """The thing values as WeChat shows them (after shape_value's cut)."""
    _, text, data = content(event, _loan(**loan), "有创呼吸机（进口高端型）", "重症医学科", "2026-11-26T03:00:00Z")
    return text, {k: shape_value(k, v) for k, v in data.items()}


def test_approval_note_arrives_with_the_pickup_instruction():
    _, data = _sent("loan_approved")
    assert data["thing5"].startswith("已预留，请到设备调配中心领取")
    assert "…" not in data["thing5"][:14]


def test_overdue_note_leads_with_return_now():
    _, data = _sent("loan_overdue")
    assert data["thing5"].startswith("请尽快归还")
    assert len(data["thing5"]) <= THING_LIMIT


def test_hand_over_note_keeps_the_due_time_whole():
    _, data = _sent("loan_handed_over")
    assert data["thing5"] == "请于 11月27日 10:20 前归还"  # Beijing time, no year, fits 20


@pytest.mark.parametrize("event", ["loan_approved", "loan_handed_over", "loan_overdue", "loan_due_soon"])
def test_device_field_keeps_the_device_number_whole(event):
    _, data = _sent(event)
    assert data["thing2"].endswith(DEVICE)
    assert len(data["thing2"]) <= THING_LIMIT


def test_device_label_shortens_only_the_category():
    assert device_label("有创呼吸机", "VENT-1") == "有创呼吸机 VENT-1"
    assert device_label("有创呼吸机（进口高端型）", "VENT-001") == "有创呼吸机（进口高端… VENT-001"
    assert len(device_label("有创呼吸机（进口高端型）", DEVICE)) <= THING_LIMIT
    assert device_label("有创呼吸机", None) == "有创呼吸机"


def test_in_app_text_keeps_everything():
    text, _ = _sent("loan_approved")
    assert text.startswith(f"有创呼吸机（进口高端型） {DEVICE}：已批准。已预留，请到设备调配中心领取")
