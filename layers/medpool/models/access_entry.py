"""The access log by subject: one item per (loan / device / user, API call), copied from the access log's JSON
lines (medpool.api.access_log) off the request path, so managers can ask who looked at or changed a loan or a
device. The lines themselves (CloudWatch Logs, 180 days) are the record; these copies expire by TTL after
ACCESS_RETENTION_DAYS."""
from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from medpool.models.base import BaseMeta

ACCESS_RETENTION_DAYS = 200  # >= 180 days (网络安全法 Art. 21: six months)


class AccessEntry(Model):
    class Meta(BaseMeta):
        table_name = "access_log"

    subject = UnicodeAttribute(hash_key=True)  # "<kind>#<id>", as audit records' subjects
    entry_key = UnicodeAttribute(range_key=True)  # "<at>#<request id>": time order, one per call
    at = UnicodeAttribute()
    request_id = UnicodeAttribute()
    operation = UnicodeAttribute()
    status = NumberAttribute()
    error = UnicodeAttribute(null=True)
    openid = UnicodeAttribute(null=True)
    role = UnicodeAttribute(null=True)
    department_id = UnicodeAttribute(null=True)
    source_ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
