"""Personal data shown and kept no more than needed (PIPL; docs/privacy-guide.md): phone numbers in full only to
managers and the user themselves; masked (138****5678) in other answers, exports, logs and audit records."""
from __future__ import annotations

import re
from typing import Any

PHONE_FIELDS = ("phone",)
# a mainland mobile number (11 digits from 1[3-9]), also inside a longer text such as a note; not part of a
# longer run of digits (serial numbers, timestamps)
PHONE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_phone(phone: str | None) -> str | None:
    """138****5678; any other shape keeps at most its last 4 characters."""
    if not phone:
        return phone
    match = PHONE.fullmatch(phone)
    if match:
        return f"{match.group(1)}****{match.group(3)}"
    return "*" * max(len(phone) - 4, 4) + phone[-4:] if len(phone) > 4 else "****"


def mask_text(text: str) -> str:
    """Every phone number inside a text masked."""
    return PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def masked_fields(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """A copy with phone fields masked (audit records' before/after)."""
    if not values:
        return values
    return {key: mask_phone(value) if key in PHONE_FIELDS and isinstance(value, str) else value
            for key, value in values.items()}

