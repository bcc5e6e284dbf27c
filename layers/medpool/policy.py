"""Who may do what: every authorization rule of MedPool lives here.

Route level: each route declares one Access; the HTTP adapter calls `authorize`.
Object level: services call the `require_*` helpers (department scoping, role grants).
"""
from __future__ import annotations

import enum

from medpool.errors import Forbidden
from medpool.models.user import User


class Access(enum.Enum):
    PUBLIC = "public"              # anyone, no token
    REGISTRATION = "registration"  # a registration token in the body (checked by the service)
    ACTIVE = "active"              # any active user
    MANAGER = "manager"            # equipment-department staff (manager or admin)
    ADMIN = "admin"

    @property
    def needs_session(self) -> bool:
        return self in (Access.ACTIVE, Access.MANAGER, Access.ADMIN)


def authorize(user: User, access: Access) -> None:
    """Route-level gate for an authenticated active user."""
    if access is Access.MANAGER and not user.is_manager:
        raise Forbidden("仅设备科管理人员可以执行此操作", code="manager_required")
    if access is Access.ADMIN and user.role != "admin":
        raise Forbidden("仅系统管理员可以执行此操作", code="admin_required")


def sees_department(user: User, department_id: str) -> bool:
    """Applicants see only their own department's loans; managers see all."""
    return user.is_manager or user.department_id == department_id


# what a device tells of the loan holding it (and of its label): shown to applicants only for their own department
HOLDING_FIELDS = ("current_loan_id", "holder_department_id", "status_reason", "status_changed_at")
LABEL_FIELDS = ("label_issued_at",)
# the equipment department's own work on a device (disinfection waiting times): for managers
UPKEEP_FIELDS = ("last_disinfected_at", "cleaning_since", "waiting_hours", "cleaning_alert", "cleaning_hours_total")


def hidden_device_fields(user: User, holder_department_id: str | None) -> tuple[str, ...]:
    """Applicants see whether a device can be had, and their own department's loan on it; who else holds it,
    why it is out (reasons name loans and departments) and its label are for managers."""
    if user.is_manager:
        return ()
    if holder_department_id and holder_department_id == user.department_id:
        return LABEL_FIELDS + UPKEEP_FIELDS
    return HOLDING_FIELDS + LABEL_FIELDS + UPKEEP_FIELDS


def sees_phone(user: User, openid: str) -> bool:
    """A phone number is shown in full to managers and to its own user only (issue 16 part 4)."""
    return user.is_manager or user.openid == openid


def require_department(user: User, department_id: str) -> None:
    """Applicants act only for their own department; managers for all."""
    if not sees_department(user, department_id):
        raise Forbidden("只能查看或操作本科室的记录", code="other_department")


def require_not_own_request(actor: User, applicant_openid: str) -> None:
    """Four eyes: a manager who applied for a device does not approve their own request (an admin may)."""
    if actor.openid == applicant_openid and actor.role != "admin":
        raise Forbidden("不能审批自己提交的申请，请由其他管理人员审批", code="own_request")


def can_grant_role(actor: User, role: str) -> bool:
    """Only an admin may make someone (or change someone who is) a manager or admin."""
    return role == "applicant" or actor.role == "admin"


def require_user_admin(actor: User, target: User, new_role: str | None = None) -> None:
    if not can_grant_role(actor, target.role) or (new_role and not can_grant_role(actor, new_role)):
        raise Forbidden("只有系统管理员可以设置或修改管理人员", code="admin_required")
    if actor.openid == target.openid:
        raise Forbidden("不能修改自己的角色或状态", code="cannot_modify_self")
