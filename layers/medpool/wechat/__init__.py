"""The one client of WeChat's server APIs (base URL from configuration)."""
from medpool.wechat.client import CodeSession, WeChatClient, get_wechat_client

__all__ = ["CodeSession", "WeChatClient", "get_wechat_client"]
