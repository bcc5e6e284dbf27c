"""The WeChat server access token, shared by every container (one item per AppID)."""
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from medpool.models.base import BaseMeta


class WeChatToken(Model):
    class Meta(BaseMeta):
        table_name = "wechat_tokens"

    appid = UnicodeAttribute(hash_key=True)
    token = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(default=0)  # epoch seconds
    fetched_at = UnicodeAttribute(null=True)
    refresh_lease_until = NumberAttribute(default=0)  # epoch seconds: one container force-refreshes at a time
