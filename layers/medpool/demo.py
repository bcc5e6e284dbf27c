"""Demo data for the local stage: departments, categories, devices and accounts. Idempotent:
what exists is left as it is, so `make run` seeds once and later runs find the data again."""
from __future__ import annotations

from medpool import clock
from medpool.errors import Conflict
from medpool.models.user import User
from medpool.services import departments, users
from medpool.services.audit import add_record
from medpool.services.transactions import transaction

SYSTEM = User("system", name="系统", role="admin", status="active", department_id="-", registered_at="")
EQUIPMENT_DEPARTMENT = "SBK"
DEPARTMENTS = [
    ("SBK", "设备科", True),
    ("ICU", "重症医学科", False),
    ("EM", "急诊科", False),
    ("RICU", "呼吸与危重症医学科", False),
    ("CCU", "心血管内科", False),
]
# openid, name, department, role, status
ACCOUNTS = [
    ("demo-admin", "王管理", "SBK", "admin", "active"),
    ("demo-manager", "李设备", "SBK", "manager", "active"),
    ("demo-nurse-icu", "张护士长", "ICU", "applicant", "active"),
    ("demo-nurse-em", "刘护士长", "EM", "applicant", "active"),
    ("demo-pending", "陈主任", "CCU", "applicant", "pending"),
]


def seed_departments() -> int:
    existing = {d.id for d in departments.list_departments()}
    created = 0
    for department_id, name, is_equipment in DEPARTMENTS:
        if department_id not in existing:
            departments.create_department(SYSTEM, department_id, name, is_equipment)
            created += 1
    return created


def seed_accounts() -> int:
    created = 0
    for openid, name, department_id, role, status in ACCOUNTS:
        if users.find_user(openid) is not None:
            continue
        user = User(openid, name=name, department_id=department_id, role=role, status=status,
                    phone="13800000000", employee_no=openid.upper(), registered_at=clock.now_iso())
        with transaction(Conflict(code="already_registered")) as writer:
            writer.save(user, condition=User.openid.does_not_exist())
            add_record(writer, kind="user", subject_id=openid, actor=SYSTEM.openid, action="user.seed",
                       after=users.snapshot(user))
        created += 1
    return created


def seed_demo() -> dict[str, int]:
    """Create whatever demo data is missing; returns how many of each kind were created."""
    return {"departments": seed_departments(), "accounts": seed_accounts()}
