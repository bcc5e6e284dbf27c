"""The notify function's Lambda entry point: batches of records from the outbox table's DynamoDB Stream
(an event source mapping; infra/ reads STREAMS). Each new event is fanned out to its recipients and pushed;
the answer lists the first record that failed (ReportBatchItemFailures), so only the rest is retried."""
from medpool.services.notify.stream import handle

# Lambda handler attribute -> the logical table (medpool.models.TABLES) whose stream feeds it
STREAMS = {"handler": "notify_events"}


def handler(event: dict, context: object) -> dict:
    return handle(event, context)
