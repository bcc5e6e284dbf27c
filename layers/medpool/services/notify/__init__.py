"""Notifications off the request path.

- `outbox`: a state change's transaction writes one small event item (no recipient, no name, no WeChat).
- `stream`: the worker fed by that table's DynamoDB Stream (a Lambda in AWS, a thread on DynamoDB Local's
  stream locally: local/notify_stream.py) fans each new event out and pushes it; the scheduled run sweeps
  what the stream path did not handle.
- `fanout`: recipients (managers through the users' role index, the department's users), texts, and the
  per-recipient Notification items (the in-app list), idempotent on redelivery.
- `texts`: what each notification says (in-app title and text, subscribe-message values).
- `delivery`: claim (lease), send, record the outcome with backoff; `resend`: the managers' resend.
- `feed`: reading them (a user's list, the managers' outbox).
"""
