"""Who looked at or changed a loan or a device: the access log's lines copied by subject into the access_log
table (off the request path: the log subscription in AWS, the tailer of .data/access.log in `make run`), read
with the subject's audit records. Every read is a Query on the subject's key."""
from __future__ import annotations

import base64
import gzip
import json
from datetime import timedelta
from typing import Iterable

from medpool import clock
from medpool.models.access_entry import ACCESS_RETENTION_DAYS, AccessEntry
from medpool.models.record import Record
from medpool.services.pages import DEFAULT_LIMIT, Page, decode_cursor, page_of, scope_of

KINDS = ("loan", "device", "user")
CHANGES_SHOWN = 100  # the subject's newest audit records answered with the first page


def entries_of(line: dict) -> list[AccessEntry]:
    """One item per subject the line names."""
    at = line.get("at") or clock.now_iso()
    expires = clock.parse_iso(at) + timedelta(days=ACCESS_RETENTION_DAYS)
    items = []
    for kind, ids in (line.get("subjects") or {}).items():
        for subject_id in ids if kind in KINDS else []:
            items.append(AccessEntry(
                f"{kind}#{subject_id}", f"{at}#{line.get('request_id')}", at=at, request_id=str(line.get("request_id")),
                operation=line.get("operation") or "?", status=int(line.get("status") or 0), error=line.get("error"),
                openid=line.get("openid"), role=line.get("role"), department_id=line.get("department_id"),
                source_ip=line.get("source_ip"), user_agent=line.get("user_agent"), expires_at=expires))
    return items


def ingest(lines: Iterable[dict]) -> int:
    """Copy access lines into the table (BatchWriteItem, 25 items a call); idempotent (same keys). Returns items."""
    written = 0
    with AccessEntry.batch_write() as batch:
        for line in lines:
            for item in entries_of(line):
                batch.save(item)
                written += 1
    return written


def lines_of_subscription(event: dict) -> list[dict]:
    """The access lines in a CloudWatch Logs subscription event (base64 gzip JSON of log events)."""
    from medpool.api.access_log import parse_lines

    data = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    if data.get("messageType") != "DATA_MESSAGE":
        return []
    return parse_lines("\n".join(item["message"] for item in data.get("logEvents", [])))


def subject_access(kind: str, subject_id: str, limit: int = DEFAULT_LIMIT,
                   cursor: str | None = None) -> tuple[Page[AccessEntry], list[Record]]:
    """The calls that named the subject (newest first, a page) and, with the first page, its newest audit
    records (who changed it)."""
    subject = f"{kind}#{subject_id}"
    scope = scope_of("access", subject)
    page = page_of(AccessEntry.query(subject, scan_index_forward=False, limit=limit,
                                     last_evaluated_key=decode_cursor(cursor, scope)), scope)
    changes = [] if cursor else list(Record.query(subject, scan_index_forward=False, limit=CHANGES_SHOWN))
    return page, changes
