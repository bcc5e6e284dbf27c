"""Device categories: billing rate, maximum loan length, operating guide, live availability."""
from __future__ import annotations

from collections import Counter

from medpool import clock
from medpool.errors import Conflict, NotFound
from medpool.models.category import SCOPE, Category
from medpool.models.device import SCOPE as DEVICE_SCOPE, Device
from medpool.models.user import User
from medpool.services.audit import add_record, save_changes
from medpool.services.references import referenced
from medpool.services.transactions import transaction

FIELDS = ("name", "rate_fen", "rate_unit", "max_loan_hours", "guide", "guide_url")
BOARD_STATUSES = ("available", "reserved", "on_loan", "maintenance")


def snapshot(category: Category) -> dict:
    return {field: getattr(category, field) for field in FIELDS}


def list_categories() -> list[Category]:
    return list(Category.query(SCOPE))


def get_category(category_id: str) -> Category:
    try:
        return Category.get(SCOPE, category_id)
    except Category.DoesNotExist as error:
        raise NotFound("设备类别不存在", code="category_not_found") from error


def require_existing(category_id: str) -> Category:
    return referenced(get_category, category_id, "设备类别", "unknown_category")


def _board(counts: Counter, category_id: str) -> dict[str, int]:
    return {status: counts.get((category_id, status), 0) for status in BOARD_STATUSES}


def availability(category_id: str) -> dict[str, int]:
    """Devices of one category per status (one Query on the category+status index)."""
    devices = Device.by_category_status.query(category_id, attributes_to_get=["id", "category_id", "status"])
    return _board(Counter((d.category_id, d.status) for d in devices), category_id)


def availability_board(category_ids: list[str]) -> dict[str, dict[str, int]]:
    """Devices per status for each category: one Query on the inventory index however many categories there
    are (the same items a Query per category would read, in one call per MB instead of one per category)."""
    devices = Device.by_scope.query(DEVICE_SCOPE, attributes_to_get=["id", "category_id", "status"])
    counts = Counter((d.category_id, d.status) for d in devices)
    return {category_id: _board(counts, category_id) for category_id in category_ids}


def create_category(actor: User, category_id: str, fields: dict) -> Category:
    category = Category(SCOPE, category_id, created_at=clock.now_iso(), **fields)
    with transaction(Conflict(f"类别编码 {category_id} 已存在", code="category_exists")) as writer:
        writer.save(category, condition=Category.id.does_not_exist())
        add_record(writer, kind="category", subject_id=category_id, actor=actor.openid,
                   action="category.create", after=snapshot(category))
    return category


def update_category(actor: User, category_id: str, changes: dict) -> Category:
    category = get_category(category_id)
    before = snapshot(category)
    for field in FIELDS:
        if field in changes:
            setattr(category, field, changes[field])
    save_changes(category, kind="category", subject_id=category_id, actor=actor.openid, action="category.update",
                 before=before, after=snapshot(category))
    return category
