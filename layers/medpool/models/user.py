"""A staff member known by WeChat openid."""
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from medpool.models.base import BaseMeta
from medpool.models.chain_head import ChainHead

ROLES = ("applicant", "manager", "admin")
STATUSES = ("pending", "active", "rejected", "disabled")


class UserStatusIndex(GlobalSecondaryIndex):
    """Users by status, oldest registration first (pending registrations queue)."""

    class Meta:
        index_name = "status-registered_at"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    registered_at = UnicodeAttribute(range_key=True)


class UserDepartmentIndex(GlobalSecondaryIndex):
    """Users of one department."""

    class Meta:
        index_name = "department_id-openid"
        projection = AllProjection()

    department_id = UnicodeAttribute(hash_key=True)
    openid = UnicodeAttribute(range_key=True)


class UserNotifyRoleIndex(GlobalSecondaryIndex):
    """Sparse: only active, not deleted managers and admins carry `notify_role`, so the notifier reads
    exactly the people it tells (one small partition), never every active user."""

    class Meta:
        index_name = "notify_role-openid"
        projection = AllProjection()

    notify_role = UnicodeAttribute(hash_key=True)
    openid = UnicodeAttribute(range_key=True)


MANAGER_ROLE_KEY = "manager"


class User(ChainHead, Model):
    class Meta(BaseMeta):
        table_name = "users"

    openid = UnicodeAttribute(hash_key=True)
    unionid = UnicodeAttribute(null=True)
    name = UnicodeAttribute()
    department_id = UnicodeAttribute()
    role = UnicodeAttribute()
    status = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    employee_no = UnicodeAttribute(null=True)
    registered_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    deleted_at = UnicodeAttribute(null=True)
    # in every session token; bumped when the account's access changes, so older tokens are refused
    session_version = NumberAttribute(default=0)
    # derived from role, status and deleted_at on every put (see serialize): the role index's key
    notify_role = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_status = UserStatusIndex()
    by_department = UserDepartmentIndex()
    by_notify_role = UserNotifyRoleIndex()

    def derived_notify_role(self) -> str | None:
        active_manager = self.role in ("manager", "admin") and self.status == "active" and not self.deleted_at
        return MANAGER_ROLE_KEY if active_manager else None

    def serialize(self, null_check: bool = True) -> dict:
        """Every put (save, transaction, batch) keeps the role index right: approving, disabling, deleting
        or re-roling a user moves them in or out of it in the same write."""
        self.notify_role = self.derived_notify_role()
        return super().serialize(null_check=null_check)

    def revoke_sessions(self) -> None:
        """Every session issued so far stops working (the change is saved with the user)."""
        self.session_version = int(self.session_version or 0) + 1

    @property
    def is_manager(self) -> bool:
        return self.role in ("manager", "admin")


# the actor of what the system does by itself (demo data, CLI tools, the waiting list's automatic reservation)
SYSTEM = User("system", name="系统", role="admin", status="active", department_id="-", registered_at="")
