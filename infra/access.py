"""Least privilege: which tables each function may use, and how. Declared here on purpose (a
deliberate grant, reviewed like code); tests/infra check it against the tables each function's
code actually reaches (infra.usage), so it can neither miss a table nor grant an unused one."""
from __future__ import annotations

READ = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem")
APPEND = ("dynamodb:PutItem", "dynamodb:ConditionCheckItem")
WRITE = READ + ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem")
# an item not otherwise written gets a loose audit record listed on it (services/audit_chain.anchor): UpdateItem
READ_UPDATE = READ + ("dynamodb:UpdateItem",)

# Access level -> IAM actions. Transactions need no action of their own: DynamoDB checks each
# item's action (Put/Update/Delete/ConditionCheck). Scan is granted to nobody until a function needs it.
# The records table (the audit trail) is only ever granted `append` or `read_append`: no role may update or
# delete a record (nor BatchWriteItem, which can delete).
LEVELS: dict[str, tuple[str, ...]] = {"read": READ, "append": APPEND, "read_append": READ + APPEND,
                                   "read_update": READ_UPDATE, "write": WRITE}

# function -> {logical table name (medpool.models.TABLES) -> level}
FUNCTION_TABLES: dict[str, dict[str, str]] = {
    # login: sessions re-read the user; registration creates the user (checking the department) + audit record;
    # login and registration count attempts per source IP and per openid (UpdateItem ADD on rate_limits).
    "login": {"users": "write", "departments": "read", "records": "append", "rate_limits": "write"},
    # users: user and department management, each change with its audit record.
    "users": {"users": "write", "departments": "write", "records": "append"},
    # The loan flow (apply/approve/returns) changes loans and device states in one transaction + audit record
    # and the availability counts on the category item (UpdateItem ADD); a confirmed return appends its
    # statistics ledger entries in that transaction and ADDs them to the statistics counters (ledger_counters).
    # A notified change puts one outbox event (notify_events) in its transaction: append only.
    "apply": {"bookings": "write", "loans": "write", "devices": "write", "records": "read_append", "ledger": "append",
              "ledger_counters": "write", "users": "read", "departments": "read", "categories": "write",
              "notify_events": "append", "wechat_tokens": "write", "block_lifts": "read"},
    "approve": {"bookings": "write", "loans": "write", "devices": "write", "records": "append", "ledger": "append",
                "ledger_counters": "write", "users": "read", "departments": "read", "categories": "write",
                "notify_events": "append", "wechat_tokens": "write", "block_lifts": "read"},
    "returns": {"bookings": "write", "loans": "write", "devices": "write", "records": "append", "ledger": "append",
                "ledger_counters": "write", "users": "read", "departments": "read", "categories": "write",
                "notify_events": "append", "wechat_tokens": "write", "block_lifts": "read"},
    # devices: the catalogue (devices, categories) and a device's history (loans, records; a disinfection lists
    # its loose record on the returned loan: UpdateItem); leaving
    # maintenance appends the closed out-of-pool interval to the ledger; device codes (wxacode) use and may
    # refresh the shared WeChat access token. (ledger_counters: reached through the ledger's writer, which
    # adds counters only for loan entries; a device's interval adds none: read only.)
    "devices": {"bookings": "write", "devices": "write", "categories": "write", "records": "read_append", "ledger": "append",
                "ledger_counters": "read",
                "loans": "read_update", "users": "read", "departments": "read",
                "notify_events": "read_append", "wechat_tokens": "write", "block_lifts": "read"},
    # reports: statistics and billing (counters, ledger + open loans), record queries; import jobs (their
    # stored rows in chunks, deleted when done) write historical loans with their records, ledger entries and
    # counter ADDs in transactions, and register devices (transactions, counted on their category item).
    # Audit records are append-only for every role (tests/infra/test_infra_audit.py): imports put theirs.
    # access_log: GET /access queries it; ingest_access_log batch-writes the access lines into it.
    "reports": {"bookings": "read", "records": "read_append", "loans": "write", "devices": "read_append", "categories": "write",
                "users": "read", "departments": "read", "ledger": "write", "ledger_counters": "write",
                "import_jobs": "write", "import_chunks": "write", "access_log": "write",
                "notify_events": "read", "wechat_tokens": "read", "block_lifts": "read"},
    # Notifications (issue 11): loan changes put one outbox event in the same transaction; no request pushes.
    # create_loan reads escalation lifts. devices and reports import the loan services but never notify: read.
    # announcements: announcements + audit record; a user's own notifications.
    "announcements": {"announcements": "write", "records": "append", "notifications": "read", "users": "read"},
    # overdue: the scheduled check flags loans (+ record + outbox event) and reminds of devices falling due for
    # maintenance or calibration (the devices' due index), then the notifier's sweep (events
    # not fanned out, pending notifications); managers see and resend failed notifications (record + resend
    # event) and lift escalation blocks. A reminder or a lifted block lists its loose audit record on the device
    # or department it names (UpdateItem).
    "overdue": {"bookings": "write", "loans": "write", "records": "append", "notifications": "write",
                "wechat_tokens": "write", "block_lifts": "write", "users": "read", "departments": "read_update",
                "categories": "write", "devices": "write", "notify_events": "write", "ledger": "append",
                "ledger_counters": "write"},
    # Bookings (预约, issue 13): apply creates and cancels them, approve decides (and an emergency approval may
    # take a booked device), devices and returns mark the bookings a device leaving the pool puts at risk (with
    # an outbox event: devices appends to notify_events), the overdue schedule turns them into loans (a loan, the
    # device reserved, the category's counts: it writes devices and categories); reports reaches them only
    # through the loan services' imports.
    # notify: fed by the outbox stream; resolves recipients (users' role and department indexes), reads the
    # category and department names, writes the notifications, marks the event fanned out, pushes with the
    # shared access token. `loans`: the Loan model holds the committed snapshot for the texts (never read).
    # A freed device (device_freed) is resolved to the head of its category's waiting list and, for an emergency
    # there with automatic reservation on, approved by the system: the loan state machine's tables (loans,
    # devices, categories' counts, records, the outbox; bookings when an emergency takes a booked device).
    "notify": {"notify_events": "write", "notifications": "write", "users": "read", "departments": "read",
               "categories": "write", "wechat_tokens": "write", "loans": "write", "devices": "write",
               "records": "append", "bookings": "write", "ledger": "append", "ledger_counters": "write",
               "block_lifts": "read"},
}


# function -> {bucket (infra/template/storage.py BUCKETS) -> S3 actions on its objects under the prefix}.
# The devices function stores and reads certificate files; nobody may delete or list them.
FUNCTION_BUCKETS: dict[str, dict[str, tuple[str, ...]]] = {
    "devices": {"certificates": ("s3:GetObject", "s3:PutObject")},
}
BUCKET_PREFIXES = {"certificates": "certificates/"}


def tables_of(function: str, grants: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """The declared grants of a function; a function without a declaration cannot be deployed."""
    grants = FUNCTION_TABLES if grants is None else grants
    if function not in grants:
        raise KeyError(f"functions/{function}: declare its tables in infra/access.py FUNCTION_TABLES "
                       f"(least privilege is a decision, not a default)")
    return grants[function]


def actions(level: str) -> list[str]:
    return sorted(set(LEVELS[level]))
