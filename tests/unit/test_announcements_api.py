"""Announcements: managers write (create, edit, pin, expire, soft delete); every active user reads them
pinned first, then newest first, paginated; bad input gets a 4xx and writes nothing."""
from datetime import timedelta

import pytest

from medpool import clock
from tests.support import iso_in, table_counts


@pytest.fixture
def tokens(api):
    return {who: api.login(who) for who in ("demo-manager", "demo-nurse-icu")}


def _create(api, token, title, **fields):
    reply = api.post("/announcements", {"title": title, "body": f"{title}的内容", **fields}, token)
    assert reply.status == 201, reply.body
    return reply.body


def test_pinned_first_then_newest_first_and_paginated(api, tokens):
    manager, nurse = tokens["demo-manager"], tokens["demo-nurse-icu"]
    start = clock.now()
    try:
        for n, title in enumerate(["旧通知", "置顶通知", "新通知"]):
            clock.freeze(start + timedelta(minutes=n))
            _create(api, manager, title, pinned=title == "置顶通知")
    finally:
        clock.freeze(None)
    reply = api.get("/announcements", nurse)
    assert reply.status == 200
    assert [a["title"] for a in reply.body["items"]] == ["置顶通知", "新通知", "旧通知"]
    first = api.get("/announcements?limit=2", nurse).body
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = api.get(f"/announcements?limit=2&cursor={first['next_cursor']}", nurse).body
    assert [a["title"] for a in rest["items"]] == ["旧通知"]


def test_pin_unpin_edit_and_soft_delete(api, tokens):
    manager, nurse = tokens["demo-manager"], tokens["demo-nurse-icu"]
    old = _create(api, manager, "第一条")
    _create(api, manager, "第二条")
    reply = api.put(f"/announcements/{old['id']}", {"pinned": True, "title": "第一条（更新）"}, manager)
    assert reply.status == 200 and reply.body["pinned"] is True
    assert api.get("/announcements", nurse).body["items"][0]["title"] == "第一条（更新）"
    assert api.put(f"/announcements/{old['id']}", {"pinned": False}, manager).status == 200
    assert api.get("/announcements", nurse).body["items"][0]["title"] == "第二条"
    assert api.delete(f"/announcements/{old['id']}", manager).status == 204
    assert api.delete(f"/announcements/{old['id']}", manager).status == 204  # repeat: harmless
    assert [a["title"] for a in api.get("/announcements", nurse).body["items"]] == ["第二条"]
    assert api.put(f"/announcements/{old['id']}", {"pinned": True}, manager).error_code == "announcement_not_found"
    timeline = api.get(f"/records?subject=announcement%23{old['id']}", manager).body["items"]
    assert {r["action"] for r in timeline} == {"announcement.create", "announcement.update", "announcement.delete"}


def test_expired_announcements_are_left_out(api, tokens):
    manager, nurse = tokens["demo-manager"], tokens["demo-nurse-icu"]
    _create(api, manager, "短期通知", expires_at=iso_in(1))
    _create(api, manager, "长期通知")
    clock.freeze(clock.now() + timedelta(hours=2))
    try:
        assert [a["title"] for a in api.get("/announcements", nurse).body["items"]] == ["长期通知"]
    finally:
        clock.freeze(None)


def test_only_managers_write(api, tokens):
    nurse = tokens["demo-nurse-icu"]
    before = table_counts()
    assert api.post("/announcements", {"title": "x", "body": "y"}, nurse).status == 403
    assert api.get("/announcements").status == 401
    assert table_counts() == before


@pytest.mark.parametrize("body, status", [
    ({"title": "", "body": "内容"}, 400),
    ({"title": "标题"}, 400),
    ({"title": "标题", "body": "内容", "pinned": "yes"}, 400),
    ({"title": "标题", "body": "内容", "extra": 1}, 400),
    ({"title": "标" * 65, "body": "内容"}, 400),
    ({"title": "标题", "body": "内容", "expires_at": "2020-01-01T00:00:00Z"}, 422),
    ({"title": "标题", "body": "内容", "expires_at": "tomorrow"}, 400),
])
def test_bad_input_is_refused_and_writes_nothing(api, tokens, body, status):
    before = table_counts()
    assert api.post("/announcements", body, tokens["demo-manager"]).status == status
    assert table_counts() == before


def test_bad_updates_are_refused(api, tokens):
    manager = tokens["demo-manager"]
    item = _create(api, manager, "通知")
    before = table_counts()
    assert api.put(f"/announcements/{item['id']}", {"pinned": None}, manager).status == 400
    assert api.put(f"/announcements/{item['id']}", {"title": "  "}, manager).status == 400
    assert api.put("/announcements/NOPE", {"pinned": True}, manager).error_code == "invalid_path_parameter"
    assert api.put("/announcements/A20260101000000ABCDEF", {"pinned": True}, manager).status == 404
    assert api.delete("/announcements/A20260101000000ABCDEF", manager).status == 404
    assert table_counts() == before


def test_create_is_retry_safe_with_an_idempotency_key(api, tokens):
    manager = tokens["demo-manager"]
    body = {"title": "停电通知", "body": "周六设备间停电"}
    first = api.post("/announcements", body, manager, headers={"Idempotency-Key": "announce-0001"})
    again = api.post("/announcements", body, manager, headers={"Idempotency-Key": "announce-0001"})
    assert first.status == again.status == 201 and first.body["id"] == again.body["id"]
    other = api.post("/announcements", {**body, "title": "另一条"}, manager, headers={"Idempotency-Key": "announce-0001"})
    assert other.error_code == "idempotency_key_reused"
    assert api.post("/announcements", body, manager, headers={"Idempotency-Key": "bad key!"}).status == 400
    assert len(api.get("/announcements", manager).body["items"]) == 1
