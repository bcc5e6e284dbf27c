"""A staff member known by WeChat openid."""
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from medpool.models.base import BaseMeta

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


class User(Model):
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
    version = VersionAttribute()

    by_status = UserStatusIndex()
    by_department = UserDepartmentIndex()

    def revoke_sessions(self) -> None:
        """Every session issued so far stops working (the change is saved with the user)."""
        self.session_version = int(self.session_version or 0) + 1

    @property
    def is_manager(self) -> bool:
        return self.role in ("manager", "admin")
