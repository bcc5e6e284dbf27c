"""The access log (网络安全法 Art. 21, docs/audit-and-privacy.md): one JSON line per API call, written to stdout
(CloudWatch Logs in AWS, kept 180 days; locally the terminal, and the file MEDPOOL_ACCESS_LOG_FILE when set).

A line says who (openid, role, department), what (operationId, method, route), on which subjects (loan, device,
user ids from the path, the body's id fields or the created object), the outcome (status, error code), when,
from where (source IP, user agent) and the request id. It is built from named fields only: the body, the query,
headers, tokens and session ids are never copied into it, and every string in it is passed through
`mask_text` (phone numbers masked) as a second guard."""
from __future__ import annotations

import json
import os
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from medpool import clock
from medpool.privacy import mask_text

KIND = "access"  # the `log` field of an access line (CloudWatch subscription filter: { $.log = "access" })
FILE_ENV = "MEDPOOL_ACCESS_LOG_FILE"
PATH_KINDS = {"loans": "loan", "devices": "device", "users": "user"}  # first path segment -> subject kind
PATH_PARAMS = ("id", "openid")  # the path parameter naming the object of the first segment
BODY_FIELDS = {"device_id": "device", "loan_id": "loan", "openid": "user"}
CREATES = {"createLoan": "loan", "createDevice": "device", "register": "user"}  # the answer names the subject
QUERY_FIELDS = {"loan": "loan", "device": "device", "device_id": "device", "loan_id": "loan"}
MAX_AGENT = 200
_file_lock = threading.Lock()


@dataclass
class Trace:
    """What the pipeline learned about one call, filled as it goes."""

    user: Any = None
    body: Any = None
    query: Any = None
    result: Any = None
    status: int = 0
    error: str | None = None
    started: float = field(default_factory=time.monotonic)


def _add(found: dict[str, list[str]], kind: str, value: Any) -> None:
    if isinstance(value, str) and value and value not in found.setdefault(kind, []):
        found[kind].append(value)


def _scanned_device(scan: Any) -> str | None:
    """A label's scene is `<asset tag>.<label secret>`: only the asset tag is logged, never the secret."""
    return scan.split(".", 1)[0] if isinstance(scan, str) and scan else None


def subjects(spec: Any, params: dict[str, str], trace: Trace) -> dict[str, list[str]]:
    """The loans, devices and users a call is about: the path's object, id fields of the body and the query,
    and the object a create made."""
    found: dict[str, list[str]] = {}
    kind = PATH_KINDS.get(spec.path.strip("/").split("/")[0])
    for name in PATH_PARAMS:
        if kind and name in params:
            _add(found, kind, params[name])
    for source in (trace.body, trace.query):
        for name, target in {**BODY_FIELDS, **(QUERY_FIELDS if source is trace.query else {})}.items():
            _add(found, target, getattr(source, name, None))
    if trace.body is not None:
        _add(found, "device", _scanned_device(getattr(trace.body, "scan", None)))
    if spec.operation_id in CREATES and trace.status < 300:
        created = getattr(trace.result, "id", None) or getattr(trace.result, "openid", None)
        _add(found, CREATES[spec.operation_id], created)
    return found


def _who(trace: Trace) -> Any:
    """The session's user; for login and registration, the user the answer names (a public route has no session)."""
    if trace.user is not None:
        return trace.user
    if trace.status < 300 and trace.result is not None:
        return getattr(trace.result, "user", None) or (trace.result if hasattr(trace.result, "role") else None)
    return None


def line(spec: Any, params: dict[str, str], trace: Trace, context: dict, headers: dict[str, str]) -> dict:
    who = _who(trace)
    identity = context.get("identity") or {}
    entry = {
        "log": KIND,
        "at": clock.now_iso(),
        "request_id": context.get("requestId") or uuid.uuid4().hex,
        "operation": spec.operation_id,
        "method": spec.method,
        "route": spec.path,
        "openid": getattr(who, "openid", None),
        "role": getattr(who, "role", None),
        "department_id": getattr(who, "department_id", None),
        "subjects": subjects(spec, params, trace),
        "status": trace.status,
        "error": trace.error,
        "source_ip": identity.get("sourceIp"),
        "user_agent": (headers.get("user-agent") or identity.get("userAgent") or "")[:MAX_AGENT] or None,
        "duration_ms": round((time.monotonic() - trace.started) * 1000, 1),
    }
    return _masked(entry)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def emit(entry: dict) -> None:
    """Write one access line to stdout (and to the local file when configured). Never fails the request."""
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
        path = os.environ.get(FILE_ENV)
        if path:
            with _file_lock, open(path, "a", encoding="utf-8") as out:
                out.write(text + "\n")
    except Exception:  # noqa: BLE001 - a full disk must not turn a served answer into a 500
        pass


def parse_lines(text: str) -> list[dict]:
    """The access lines among log lines (other output is skipped)."""
    found = []
    for raw in text.splitlines():
        raw = raw.strip()
        if not raw.startswith("{") or KIND not in raw:
            continue
        try:
            entry = json.loads(raw)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("log") == KIND:
            found.append(entry)
    return found

