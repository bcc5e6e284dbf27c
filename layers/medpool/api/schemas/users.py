"""Login, registration, users and departments."""

from typing import Any, Literal

from pydantic import Field

from medpool.api.schemas.common import Body, Code, EmployeeNo, Name, Out, PageQuery, Phone, omittable
from medpool.policy import sees_phone
from medpool.privacy import mask_phone

Role = Literal["applicant", "manager", "admin"]
Status = Literal["pending", "active", "rejected", "disabled"]


class LoginBody(Body):
    code: str = Field(min_length=1, max_length=128)


class RegisterBody(Body):
    registration_token: str = Field(min_length=1, max_length=2048)
    name: Name
    department_id: Code
    phone: Phone
    employee_no: EmployeeNo
    role: Literal["applicant", "manager"] = "applicant"


class UpdateMeBody(Body):
    name: Name = omittable()
    phone: Phone = omittable()
    employee_no: EmployeeNo = omittable()


class UpdateUserBody(Body):
    status: Status = omittable()
    role: Role = omittable()
    department_id: Code = omittable()
    name: Name = omittable()


class UserListQuery(PageQuery):
    status: Status | None = None
    department_id: Code | None = None


class UserOut(Out):
    openid: str
    name: str
    department_id: str
    role: Role
    status: Status
    phone: str | None = None
    employee_no: str | None = None
    registered_at: str
    updated_at: str | None = None

    @classmethod
    def for_viewer(cls, viewer: Any, user: Any) -> "UserOut":
        """The user as `viewer` may see them: the phone in full only for managers and the user (policy)."""
        out = cls.model_validate(user)
        if not sees_phone(viewer, out.openid):
            out.phone = mask_phone(out.phone)
        return out


class LoginOut(Out):
    state: Literal["active", "registration_required", "pending", "rejected", "disabled"]
    message: str | None = None
    token: str | None = None
    expires_at: str | None = None
    user: UserOut | None = None
    registration_required: bool = False
    registration_token: str | None = None
    registration_expires_at: str | None = None


class DepartmentOut(Out):
    id: str
    name: str
    is_equipment_department: bool


class DepartmentListOut(Out):
    items: list[DepartmentOut]
    next_cursor: None = None


class CreateDepartmentBody(Body):
    id: Code
    name: Name
    is_equipment_department: bool = False


class UpdateDepartmentBody(Body):
    name: Name = omittable()
    is_equipment_department: bool = omittable()

