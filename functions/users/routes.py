"""users: registrations, users and departments, managed by the equipment department."""
from medpool.api.routing import FunctionApi, Request
from medpool.api.schemas.common import CODE_PATH, PageOut, page_out
from medpool.api.schemas.users import (CreateDepartmentBody, DepartmentListOut, DepartmentOut, UpdateDepartmentBody,
                                       UpdateUserBody, UserListQuery, UserOut)
from medpool.policy import Access
from medpool.services import departments, users

api = FunctionApi("users")


@api.route("GET", "/users", "listUsers", Access.MANAGER, summary="用户列表（默认待审核注册）", query=UserListQuery,
           response=PageOut[UserOut])
def list_users(request: Request) -> PageOut[UserOut]:
    query = request.query
    page = users.list_users(query.status, query.department_id, query.limit, query.cursor)
    return page_out(UserOut, page)


@api.route("PUT", "/users/{openid}", "updateUser", Access.MANAGER, summary="审核注册、修改角色/科室、停用",
           body=UpdateUserBody, response=UserOut,
           errors={403: "只有系统管理员可以修改管理人员；不能修改自己 (admin_required, cannot_modify_self)",
                   409: "状态不能如此变更或已被他人修改 (concurrent_modification)",
                   422: "科室不存在 (unknown_department)"})
def update_user(request: Request) -> UserOut:
    return UserOut.for_viewer(request.user, users.update_user(request.user, request.params["openid"], request.changes))


@api.route("DELETE", "/users/{openid}", "deleteUser", Access.MANAGER, summary="删除用户（保留历史）",
           errors={403: "只有系统管理员可以删除管理人员；不能删除自己 (admin_required, cannot_modify_self)",
                   409: "已被他人修改 (concurrent_modification)"})
def delete_user(request: Request) -> None:
    users.delete_user(request.user, request.params["openid"])


@api.route("GET", "/departments", "listDepartments", Access.PUBLIC, summary="科室列表", response=DepartmentListOut)
def list_departments(request: Request) -> DepartmentListOut:
    return DepartmentListOut(items=[DepartmentOut.model_validate(d) for d in departments.list_departments()])


@api.route("POST", "/departments", "createDepartment", Access.MANAGER, summary="新建科室",
           body=CreateDepartmentBody, response=DepartmentOut, status=201,
           errors={409: "科室编码已存在 (department_exists)"})
def create_department(request: Request) -> DepartmentOut:
    body = request.body
    return DepartmentOut.model_validate(
        departments.create_department(request.user, body.id, body.name, body.is_equipment_department))


@api.route("PUT", "/departments/{id}", "updateDepartment", Access.MANAGER, summary="修改科室",
           body=UpdateDepartmentBody, response=DepartmentOut,
           params=CODE_PATH, errors={409: "已被他人修改 (concurrent_modification)"})
def update_department(request: Request) -> DepartmentOut:
    return DepartmentOut.model_validate(
        departments.update_department(request.user, request.params["id"], request.changes))
