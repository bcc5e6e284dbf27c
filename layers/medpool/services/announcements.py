"""Announcements: managers create, edit, pin/unpin and (softly) delete, with an optional expiry;
every active user reads the live ones, pinned first, then newest first."""
from __future__ import annotations

import hashlib
import json
import secrets

from medpool import clock
from medpool.errors import Conflict, NotFound, Unprocessable
from medpool.models.announcement import EXPIRING, LIVE, Announcement
from medpool.models.user import User
from medpool.services import idempotency
from medpool.services.audit import add_record, changed_fields
from medpool.services.pages import DEFAULT_LIMIT, Page, decode_cursor, encode_cursor, scope_of
from medpool.services.transactions import transaction

FIELDS = ("title", "body", "pinned", "expires_at")
REUSED = Unprocessable("Idempotency-Key 已用于另一条公告", code="idempotency_key_reused")
CHANGED = Conflict("公告已被他人修改，请刷新后重试", code="concurrent_modification")


def snapshot(item: Announcement) -> dict:
    return {field: getattr(item, field) for field in FIELDS} | {"deleted_at": item.deleted_at}


def _check_expiry(expires_at: str | None) -> str | None:
    if expires_at is None:
        return None
    moment = clock.parse_iso(expires_at)
    if moment <= clock.now():
        raise Unprocessable("过期时间必须晚于当前时间", code="expires_in_past")
    return clock.to_iso(moment)


def _fingerprint(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def get_announcement(announcement_id: str) -> Announcement:
    try:
        item = Announcement.get(announcement_id, consistent_read=True)
    except Announcement.DoesNotExist as error:
        raise NotFound("公告不存在", code="announcement_not_found") from error
    if item.deleted_at:
        raise NotFound("公告不存在或已删除", code="announcement_not_found")
    return item


def list_announcements(limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> Page[Announcement]:
    """Live announcements, pinned first, newest first; expired ones are not read. Those without an expiry are
    read a page at a time in feed order; those with one by a key condition on their expiry (expires_at after
    now), so every one read is live (they are re-read per page: a bounded set, the live announcements that
    expire), and merged in feed order. The cursor is the feed position of the last one shown."""
    scope = scope_of("announcements")
    after = (decode_cursor(cursor, scope) or {}).get("after")
    expiring = sorted((item for item in Announcement.by_feed.query(
        EXPIRING, Announcement.feed_key > f"{clock.now_iso()}$")  # "$" sorts after "#": expiring at now is out
        if after is None or item.position < after), key=lambda item: item.position, reverse=True)
    lasting = Announcement.by_feed.query(LIVE, (Announcement.feed_key < after) if after else None,
                                         scan_index_forward=False, limit=limit)
    lasting_items = list(lasting)
    merged = sorted(expiring + lasting_items, key=lambda item: item.position, reverse=True)
    items, rest = merged[:limit], merged[limit:]
    more = bool(rest) or (lasting.last_evaluated_key is not None and len(lasting_items) == limit)
    return Page(items=items, next_cursor=encode_cursor({"after": items[-1].position}, scope) if more and items
                else None)


def _find(announcement_id: str) -> Announcement | None:
    try:
        return Announcement.get(announcement_id, consistent_read=True)
    except Announcement.DoesNotExist:
        return None


def create_announcement(actor: User, fields: dict, idempotency_key: str | None = None) -> tuple[Announcement, bool]:
    """Publish an announcement. With an Idempotency-Key a retried create (also one racing the first)
    returns the first one, as createLoan does."""
    fields = {**fields, "expires_at": _check_expiry(fields.get("expires_at"))}
    fingerprint = _fingerprint(fields)
    if idempotency_key:
        announcement_id = idempotency.derived_id("A", actor.openid, idempotency_key)
        existing = idempotency.replay(lambda: _find(announcement_id), fingerprint, REUSED)
        if existing is not None:
            return existing, False
    else:
        announcement_id = "A" + clock.now().strftime("%Y%m%d%H%M%S") + secrets.token_hex(3).upper()
    now = clock.now_iso()
    item = Announcement(announcement_id, title=fields["title"], body=fields["body"],
                        pinned=bool(fields.get("pinned")), expires_at=fields["expires_at"], published_at=now,
                        author_openid=actor.openid, idempotency_key=idempotency_key,
                        request_fingerprint=fingerprint, updated_at=now)
    item.place_in_feed()

    def write() -> Announcement:
        with transaction(Conflict("公告已存在", code="announcement_exists")) as writer:
            writer.save(item, condition=Announcement.id.does_not_exist())
            add_record(writer, kind="announcement", subject_id=item.id, actor=actor.openid,
                       action="announcement.create", after=snapshot(item), at=now)
        return item

    if not idempotency_key:
        return write(), True
    return idempotency.create_or_replay(write, lambda: _find(announcement_id), fingerprint, REUSED)


def _save(actor: User, item: Announcement, before: dict, action: str) -> Announcement:
    old, new = changed_fields(before, snapshot(item))
    if not new:
        return item  # a repeated request changes nothing and records nothing
    item.updated_at = clock.now_iso()
    item.place_in_feed()
    with transaction(CHANGED) as writer:
        writer.save(item)  # version condition: refused if someone changed it meanwhile
        add_record(writer, kind="announcement", subject_id=item.id, actor=actor.openid, action=action,
                   before=old, after=new, at=item.updated_at)
    return item


def update_announcement(actor: User, announcement_id: str, changes: dict) -> Announcement:
    """Edit title/body, pin or unpin, set a new expiry."""
    item = get_announcement(announcement_id)
    before = snapshot(item)
    if "expires_at" in changes:
        changes = {**changes, "expires_at": _check_expiry(changes["expires_at"])}
    for field in FIELDS:
        if field in changes:
            setattr(item, field, changes[field])
    return _save(actor, item, before, "announcement.update")


def delete_announcement(actor: User, announcement_id: str) -> None:
    """Soft delete: it leaves the feed, the item and its records stay. Deleting twice is fine."""
    try:
        item = Announcement.get(announcement_id, consistent_read=True)
    except Announcement.DoesNotExist as error:
        raise NotFound("公告不存在", code="announcement_not_found") from error
    if item.deleted_at:
        return
    before = snapshot(item)
    item.deleted_at = clock.now_iso()
    _save(actor, item, before, "announcement.delete")
