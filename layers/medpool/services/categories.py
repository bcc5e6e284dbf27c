"""Device categories: billing rate, maximum loan length, operating guide, live availability (the counts kept
on the category item by services.availability)."""
from __future__ import annotations

from medpool import clock
from medpool.errors import Conflict, NotFound
from medpool.models.category import SCOPE, Category
from medpool.models.user import User
from medpool.services import availability, waitlist
from medpool.services.audit import add_record, changed_fields
from medpool.services.references import referenced
from medpool.services.transactions import transaction

FIELDS = ("name", "rate_fen", "rate_unit", "max_loan_hours", "guide", "guide_url", "maintenance_interval_days",
          "calibration_interval_days", "emergency_reserve", "auto_reserve_emergency")


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


def board(category: Category) -> dict[str, int]:
    """Devices of the category per status: the counts on its item (no device is read)."""
    return availability.board(category)


def waiting_list(category: Category) -> dict:
    """What the board says of the waiting list: the emergency reserve and what routine requests may take, the
    automatic reservation setting, the queue's length."""
    return {"emergency_reserve": waitlist.reserve_of(category),
            "available_to_routine": waitlist.free_for(category, "routine"),
            "auto_reserve_emergency": bool(category.auto_reserve_emergency),
            "queue_length": waitlist.queue_length(category)}


def create_category(actor: User, category_id: str, fields: dict) -> Category:
    category = Category(SCOPE, category_id, created_at=clock.now_iso(), **fields)
    with transaction(Conflict(f"类别编码 {category_id} 已存在", code="category_exists")) as writer:
        writer.save(category, condition=Category.id.does_not_exist())
        add_record(writer, kind="category", subject_id=category_id, actor=actor.openid,
                   action="category.create", after=snapshot(category))
    return category


def update_category(actor: User, category_id: str, changes: dict) -> Category:
    """Edit fields: an update of those fields only (guarded by the version), so the availability counts,
    changed meanwhile by loans, are never overwritten."""
    category = get_category(category_id)
    before = snapshot(category)
    for field in FIELDS:
        if field in changes:
            setattr(category, field, changes[field])
    old, new = changed_fields(before, snapshot(category))
    if not new:
        return category
    category.updated_at = clock.now_iso()
    actions = [getattr(Category, field).set(value) if value is not None else getattr(Category, field).remove()
               for field, value in new.items()] + [Category.updated_at.set(category.updated_at)]
    with transaction(Conflict("信息已被他人修改，请刷新后重试", code="concurrent_modification")) as writer:
        writer.update(category, actions=actions)  # + the version condition (and version + 1)
        add_record(writer, kind="category", subject_id=category_id, actor=actor.openid, action="category.update",
                   before=old, after=new)
    return category
