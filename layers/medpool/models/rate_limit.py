"""Fixed-window attempt counters for per-client limits (login and registration), one item per
(scope, client, window); DynamoDB's TTL deletes spent windows."""
from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from medpool.models.base import BaseMeta


class RateLimitCounter(Model):
    class Meta(BaseMeta):
        table_name = "rate_limits"

    key = UnicodeAttribute(hash_key=True)  # "<scope>#<client>#<window start, epoch seconds>"
    hits = NumberAttribute(default=0)
    expires_at = TTLAttribute(null=True)  # window end: the item is never read again after it
