"""Announcements, the user's notifications, the outbox and escalation blocks."""

from typing import Literal

from medpool.api.schemas.common import Body, Code, Out, PageQuery, Time, omittable, required_text

Title = required_text(64)
ANNOUNCEMENT_PATH = {"id": r"^A[0-9]{14}[0-9A-F]{6}$"}  # services.announcements: A + time + 6 hex
AnnouncementText = required_text(5000)


class CreateAnnouncementBody(Body):
    title: Title
    body: AnnouncementText
    pinned: bool = False
    expires_at: Time | None = None


class UpdateAnnouncementBody(Body):
    title: Title = omittable()
    body: AnnouncementText = omittable()
    pinned: bool = omittable()
    expires_at: Time = omittable()


class AnnouncementOut(Out):
    id: str
    title: str
    body: str
    pinned: bool
    published_at: str
    expires_at: str | None = None
    author_openid: str
    updated_at: str | None = None


NotificationState = Literal["pending", "sent", "not_subscribed", "failed", "in_app"]


class NotificationOut(Out):
    id: str
    event: str
    loan_id: str | None = None
    title: str
    body: str
    page: str | None = None
    state: NotificationState
    created_at: str
    sent_at: str | None = None


class OutboxItemOut(NotificationOut):
    openid: str
    recipient_name: str | None = None  # the recipient's name and department (none for an unknown openid)
    recipient_department_id: str | None = None
    attempts: int
    last_error: str | None = None
    queue_at: str | None = None

    @classmethod
    def named(cls, item: object, people: dict | None = None) -> "OutboxItemOut":
        """An outbox item with its recipient named, from `people` (services.people.lookup)."""
        out = cls.model_validate(item)
        person = (people or {}).get(out.openid)
        if person is not None:
            out.recipient_name, out.recipient_department_id = person.name, person.department_id
        return out


class OutboxQuery(PageQuery):
    queue: Literal["failed", "pending"] = "failed"


class BlockOut(Out):
    department_id: Code
    loan_ids: list[str]
    lifted_loan_ids: list[str]
    blocked: bool


class BlockListOut(Out):
    enabled: bool
    hours: float
    items: list[BlockOut]
    next_cursor: str | None = None
