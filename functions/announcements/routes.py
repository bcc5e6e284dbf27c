"""announcements: the 公告 tab — announcements (managers write, everyone reads) and the user's own
notifications (every notification is also kept in the app)."""
import re

from medpool.api.routing import FunctionApi, Request
from medpool.api.schemas.announcements import (ANNOUNCEMENT_PATH, AnnouncementOut, CreateAnnouncementBody,
                                               NotificationOut, UpdateAnnouncementBody)
from medpool.api.schemas.common import PageOut, PageQuery, page_out
from medpool.errors import BadRequest
from medpool.policy import Access
from medpool.services import announcements
from medpool.services.notify import feed as notification_feed

api = FunctionApi("announcements")
IDEMPOTENCY_KEY = r"^[A-Za-z0-9_.:-]{8,64}$"  # as on createLoan


def _optional_idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is not None and not re.fullmatch(IDEMPOTENCY_KEY, key):
        raise BadRequest("请求头 Idempotency-Key 格式错误", code="invalid_idempotency_key")
    return key


@api.route("GET", "/announcements", "listAnnouncements", Access.ACTIVE, summary="公告（置顶优先，最新在前）",
           query=PageQuery, response=PageOut[AnnouncementOut])
def list_announcements(request: Request) -> PageOut[AnnouncementOut]:
    page = announcements.list_announcements(request.query.limit, request.query.cursor)
    return page_out(AnnouncementOut, page)


@api.route("POST", "/announcements", "createAnnouncement", Access.MANAGER, summary="发布公告（可选 Idempotency-Key）",
           body=CreateAnnouncementBody, response=AnnouncementOut, status=201,
           errors={409: "同一 Idempotency-Key 的公告正在创建 (announcement_exists)",
                   422: "过期时间须晚于当前时间 (expires_in_past)；Idempotency-Key 已用于另一条公告 (idempotency_key_reused)"})
def create_announcement(request: Request) -> AnnouncementOut:
    item, _created = announcements.create_announcement(request.user, request.body.model_dump(mode="json"),
                                                       _optional_idempotency_key(request))
    return AnnouncementOut.model_validate(item)


@api.route("PUT", "/announcements/{id}", "updateAnnouncement", Access.MANAGER, summary="编辑、置顶或取消置顶公告",
           body=UpdateAnnouncementBody, response=AnnouncementOut,
           params=ANNOUNCEMENT_PATH,
           errors={409: "公告已被他人修改 (concurrent_modification)",
                   422: "过期时间须晚于当前时间 (expires_in_past)"})
def update_announcement(request: Request) -> AnnouncementOut:
    return AnnouncementOut.model_validate(
        announcements.update_announcement(request.user, request.params["id"], request.changes))


@api.route("DELETE", "/announcements/{id}", "deleteAnnouncement", Access.MANAGER, summary="删除公告",
           params=ANNOUNCEMENT_PATH, errors={409: "公告已被他人修改 (concurrent_modification)"})
def delete_announcement(request: Request) -> None:
    announcements.delete_announcement(request.user, request.params["id"])


@api.route("GET", "/notifications", "listNotifications", Access.ACTIVE, summary="我的消息通知（最新在前）",
           query=PageQuery, response=PageOut[NotificationOut])
def list_notifications(request: Request) -> PageOut[NotificationOut]:
    page = notification_feed.list_for_user(request.user, request.query.limit, request.query.cursor)
    return page_out(NotificationOut, page)
