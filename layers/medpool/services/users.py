"""Login, registration and user management."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from pynamodb.exceptions import DoesNotExist, UpdateError

from medpool import clock
from medpool.errors import Conflict, NotFound
from medpool.labels import USER_STATUS
from medpool.models.user import User
from medpool.policy import require_user_admin
from medpool.services import departments, sessions
from medpool.services.audit import add_record, save_changes
from medpool.services.pages import DEFAULT_LIMIT, Page, decode_cursor, page_of, scope_of
from medpool.services.transactions import transaction

PROFILE_FIELDS = ("name", "phone", "employee_no")
SESSION_FIELDS = ("status", "role", "department_id")  # a change revokes the user's sessions
# status transitions a manager may make
TRANSITIONS = {
    "pending": {"active", "rejected"},
    "active": {"disabled"},
    "disabled": {"active"},
    "rejected": set(),
}
STATE_MESSAGES = {
    "pending": "注册申请已提交，等待设备科审核",
    "rejected": "注册申请未通过，请联系设备科",
    "disabled": "账号已停用，请联系设备科",
}


@dataclass(frozen=True)
class LoginResult:
    state: str  # active | registration_required | pending | rejected | disabled
    user: User | None = None
    session: sessions.IssuedToken | None = None
    registration: sessions.IssuedToken | None = None

    @property
    def message(self) -> str | None:
        return STATE_MESSAGES.get(self.state)


def snapshot(user: User) -> dict:
    return {"name": user.name, "department_id": user.department_id, "role": user.role, "status": user.status,
            "phone": user.phone, "employee_no": user.employee_no, "deleted_at": user.deleted_at}


def find_user(openid: str) -> User | None:
    try:
        return User.get(openid)
    except DoesNotExist:
        return None


def get_user(openid: str) -> User:
    user = find_user(openid)
    if user is None or user.deleted_at:
        raise NotFound("用户不存在", code="user_not_found")
    return user


def login(code: str, admit_openid: Callable[[str], None] | None = None) -> LoginResult:
    """wx.login code -> session for an active user, registration token for an unknown openid.
    `admit_openid` (the per-openid limit) may refuse the attempt once WeChat has named the user."""
    from medpool.wechat import get_wechat_client  # the WeChat client (and requests): only login calls WeChat

    wechat = get_wechat_client().code_to_session(code)
    if admit_openid:
        admit_openid(wechat.openid)
    user = find_user(wechat.openid)
    if user is None:
        return LoginResult("registration_required",
                           registration=sessions.issue_registration(wechat.openid, wechat.unionid))
    if user.deleted_at:
        return LoginResult("disabled", user=user)
    if wechat.unionid and user.unionid != wechat.unionid:
        user.update(actions=[User.unionid.set(wechat.unionid)])
    if user.status != "active":
        return LoginResult(user.status, user=user)
    return LoginResult("active", user=user, session=sessions.issue_session(user))


def register(registration_token: str, name: str, department_id: str, phone: str, employee_no: str,
             role: str, admit_openid: Callable[[str], None] | None = None) -> User:
    """Create a pending user. Retry-safe: repeating the same registration returns it unchanged;
    a rejected user may apply again. `admit_openid` as for login."""
    claims = sessions.verify_registration(registration_token)
    if admit_openid:
        admit_openid(claims.openid)
    departments.require_existing(department_id)
    existing = find_user(claims.openid)
    fields = {"name": name, "department_id": department_id, "phone": phone, "employee_no": employee_no,
              "role": role}
    if existing is not None:
        if existing.status == "pending" and all(getattr(existing, k) == v for k, v in fields.items()):
            return existing
        if existing.status != "rejected" or existing.deleted_at:
            raise Conflict("该微信账号已注册", code="already_registered")
    user = User(claims.openid, unionid=claims.unionid, status="pending", registered_at=clock.now_iso(), **fields)
    conflict = Conflict("该微信账号已注册", code="already_registered")
    with transaction(conflict) as writer:
        if existing is not None:  # a rejected user applies again: the same item, its chain continued
            user.version, user.record_head = existing.version, existing.record_head
            user.record_loose = existing.record_loose
        add_record(writer, kind="user", subject_id=user.openid, actor=user.openid, action="user.register",
                   after=snapshot(user), head=user)
        if existing is None:
            writer.save(user, condition=User.openid.does_not_exist())
        else:
            writer.save(user, condition=User.status == "rejected")
    return user


def _save_changes(actor: User, user: User, before: dict, action: str) -> User:
    save_changes(user, kind="user", subject_id=user.openid, actor=actor.openid, action=action, before=before,
                 after=snapshot(user))
    return user


def update_me(user: User, changes: dict) -> User:
    """An active user edits their own profile (name, phone, employee number)."""
    before = snapshot(user)
    for field in PROFILE_FIELDS:
        if field in changes:
            setattr(user, field, changes[field])
    return _save_changes(user, user, before, "user.update_profile")


def list_users(status: str | None, department_id: str | None, limit: int = DEFAULT_LIMIT,
               cursor: str | None = None) -> Page[User]:
    """Users by status (oldest registration first) or by department; deleted users are left out."""
    scope = scope_of("users", status, department_id)
    start = decode_cursor(cursor, scope)
    not_deleted = User.deleted_at.does_not_exist()
    if department_id:
        condition = not_deleted & (User.status == status) if status else not_deleted
        results = User.by_department.query(department_id, filter_condition=condition, limit=limit,
                                           last_evaluated_key=start)
    else:
        results = User.by_status.query(status or "pending", filter_condition=not_deleted, limit=limit,
                                       last_evaluated_key=start)
    return page_of(results, scope)


def update_user(actor: User, openid: str, changes: dict) -> User:
    """A manager approves/rejects a registration, changes role/department/name, disables or re-enables."""
    user = get_user(openid)
    require_user_admin(actor, user, changes.get("role"))
    before = snapshot(user)
    status = changes.get("status")
    if status and status != user.status:
        if status not in TRANSITIONS[user.status]:
            raise Conflict(f"用户状态不能从「{USER_STATUS[user.status]}」变为「{USER_STATUS[status]}」",
                           code="invalid_status_transition")
        user.status = status
    if changes.get("department_id") and changes["department_id"] != user.department_id:
        departments.require_existing(changes["department_id"])
        user.department_id = changes["department_id"]
    for field in ("role", "name"):
        if changes.get(field):
            setattr(user, field, changes[field])
    if any(getattr(user, field) != before[field] for field in SESSION_FIELDS):
        user.revoke_sessions()
    return _save_changes(actor, user, before, "user.update")


def delete_user(actor: User, openid: str) -> User:
    """Soft delete: the user can no longer log in; their history stays."""
    user = get_user(openid)
    require_user_admin(actor, user)
    before = snapshot(user)
    user.deleted_at = clock.now_iso()
    user.status = "disabled"
    user.revoke_sessions()
    return _save_changes(actor, user, before, "user.delete")



def create_admin(actor: str, openid: str, name: str, department_id: str) -> User:
    """Bootstrap (or restore) an admin: creates the user active, or promotes and reactivates them."""
    departments.require_existing(department_id)
    user = find_user(openid)
    now = clock.now_iso()
    if user is None:
        user = User(openid, name=name, department_id=department_id, role="admin", status="active", registered_at=now)
        before: dict = {}
    else:
        before = snapshot(user)
        user.name, user.department_id, user.role, user.status, user.deleted_at = (
            name, department_id, "admin", "active", None)
        if any(getattr(user, field) != before[field] for field in (*SESSION_FIELDS, "deleted_at")):
            user.revoke_sessions()
    save_changes(user, kind="user", subject_id=openid, actor=actor, action="user.create_admin", before=before,
                 after=snapshot(user))
    return user


def reindex_roles() -> int:
    """Once, after upgrading data written before the role index: give every active manager and admin the
    index key (and take it from anyone else). Scans the users table (an operation, not a request path);
    idempotent. Returns the users changed."""
    changed = 0
    for user in User.scan():
        derived = user.derived_notify_role()
        if user.notify_role == derived:
            continue
        action = User.notify_role.set(derived) if derived else User.notify_role.remove()
        try:
            user.update(actions=[action])  # conditioned on the version read: a concurrent edit re-derives it
        except UpdateError:
            continue
        changed += 1
    return changed
