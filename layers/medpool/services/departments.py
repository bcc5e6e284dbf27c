"""Departments (cost centres): a small bounded list kept in one partition."""
from __future__ import annotations

from medpool import clock
from medpool.errors import Conflict, NotFound
from medpool.models.department import SCOPE, Department
from medpool.models.user import User
from medpool.services.audit import add_record, save_changes
from medpool.services.references import referenced
from medpool.services.transactions import transaction

FIELDS = ("name", "is_equipment_department")


def snapshot(department: Department) -> dict:
    return {"id": department.id, "name": department.name,
            "is_equipment_department": department.is_equipment_department}


def list_departments() -> list[Department]:
    """Every department, ordered by id (one Query on one partition)."""
    return list(Department.query(SCOPE))


def get_department(department_id: str) -> Department:
    try:
        return Department.get(SCOPE, department_id)
    except Department.DoesNotExist as error:
        raise NotFound("科室不存在", code="department_not_found") from error


def require_existing(department_id: str) -> Department:
    """A department referenced by another object must exist (422 otherwise)."""
    return referenced(get_department, department_id, "科室", "unknown_department")


def create_department(actor: User, department_id: str, name: str, is_equipment_department: bool) -> Department:
    department = Department(SCOPE, department_id, name=name, is_equipment_department=is_equipment_department,
                            created_at=clock.now_iso())
    conflict = Conflict(f"科室编码 {department_id} 已存在", code="department_exists")
    with transaction(conflict) as writer:
        add_record(writer, kind="department", subject_id=department_id, actor=actor.openid,
                   action="department.create", after=snapshot(department), head=department)
        writer.save(department, condition=Department.id.does_not_exist())
    return department


def update_department(actor: User, department_id: str, changes: dict) -> Department:
    department = get_department(department_id)
    before = snapshot(department)
    for field in FIELDS:
        if field in changes:
            setattr(department, field, changes[field])
    save_changes(department, kind="department", subject_id=department_id, actor=actor.openid,
                 action="department.update", before=before, after=snapshot(department))
    return department
