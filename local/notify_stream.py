"""The notifier on DynamoDB Local's stream (what the Lambda event source mapping does in AWS): read the
outbox table's stream shard by shard (DescribeStream, GetShardIterator, GetRecords) and feed each batch
of records to the same handler the Lambda runs (medpool.services.notify.stream.handle).

`make run` and the end-to-end stack run it in a thread (`start`); tests call `drain()` to process, in
their own thread, everything committed so far. Shards are re-listed as they split or close; a shard found
after the worker started is read from its beginning, the first ones from LATEST (what was written before
the worker started is the scheduled sweep's)."""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

import boto3

log = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any]], dict[str, Any]]
MAX_RETRIES = 5  # as the Lambda mapping's MaximumRetryAttempts: then the record is skipped (the sweep has it)


def _default_handler(event: dict[str, Any]) -> dict[str, Any]:
    from medpool.services.notify.stream import handle

    return handle(event)


class StreamWorker:
    def __init__(self, handler: Handler | None = None, start_at: str = "LATEST", poll_seconds: float = 0.1,
                 batch_size: int = 100, streams_endpoint: str | None = None):
        from medpool.config import get_settings
        from medpool.models.notify_event import NotifyEvent

        settings = get_settings()
        options = {"region_name": settings.region}
        if settings.dynamodb_endpoint:
            options["endpoint_url"] = settings.dynamodb_endpoint
        table = boto3.client("dynamodb", **options).describe_table(TableName=NotifyEvent.Meta.table_name)["Table"]
        if not table.get("LatestStreamArn"):
            raise RuntimeError(f"{NotifyEvent.Meta.table_name} has no stream (create the tables again)")
        self.stream_arn = table["LatestStreamArn"]
        if streams_endpoint:
            options["endpoint_url"] = streams_endpoint
        self.client = boto3.client("dynamodbstreams", **options)
        self.handler = handler or _default_handler
        self.poll_seconds, self.batch_size = poll_seconds, batch_size
        self.iterators: dict[str, str | None] = {}  # shard id -> next iterator (None: closed and read)
        self.last_sequence: dict[str, str] = {}  # shard id -> the last record handled
        self.failures: dict[str, int] = {}  # sequence number -> failed attempts
        self.lock = threading.Lock()  # one poll at a time (thread and drain)
        self.processed = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._refresh_shards(start_at)

    def _shards(self) -> list[dict]:
        shards, start = [], None
        while True:
            kwargs = {"StreamArn": self.stream_arn, **({"ExclusiveStartShardId": start} if start else {})}
            description = self.client.describe_stream(**kwargs)["StreamDescription"]
            shards += description["Shards"]
            start = description.get("LastEvaluatedShardId")
            if not start:
                return shards

    def _refresh_shards(self, start_at: str = "TRIM_HORIZON") -> None:
        for shard in self._shards():
            if shard["ShardId"] not in self.iterators:
                self.iterators[shard["ShardId"]] = self.client.get_shard_iterator(
                    StreamArn=self.stream_arn, ShardId=shard["ShardId"], ShardIteratorType=start_at)["ShardIterator"]

    def _retry_from(self, shard_id: str, sequence_number: str, after: bool = False) -> None:
        self.iterators[shard_id] = self.client.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=shard_id,
            ShardIteratorType="AFTER_SEQUENCE_NUMBER" if after else "AT_SEQUENCE_NUMBER",
            SequenceNumber=sequence_number)["ShardIterator"]

    def _reposition(self, shard_id: str) -> None:
        """An iterator DynamoDB Local no longer honours (expired, or taken on an empty shard): continue after
        the last record handled, or from the shard's start (replays are harmless: the handler is idempotent)."""
        last = self.last_sequence.get(shard_id)
        kwargs = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": last} if last else {
            "ShardIteratorType": "TRIM_HORIZON"}
        self.iterators[shard_id] = self.client.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard_id,
                                                                  **kwargs)["ShardIterator"]

    def _read(self, shard_id: str, iterator: str) -> dict:
        try:
            return self.client.get_records(ShardIterator=iterator, Limit=self.batch_size)
        except (self.client.exceptions.TrimmedDataAccessException, self.client.exceptions.ExpiredIteratorException):
            self._reposition(shard_id)
            return self.client.get_records(ShardIterator=self.iterators[shard_id], Limit=self.batch_size)

    def poll_once(self) -> int:
        """Read every open shard once and hand each batch to the handler; returns the records read."""
        with self.lock:
            self._refresh_shards()
            count = 0
            for shard_id, iterator in list(self.iterators.items()):
                if iterator is None:
                    continue
                answer = self._read(shard_id, iterator)
                records = answer.get("Records", [])
                following = answer.get("NextShardIterator")
                if not records:
                    # closed and read: done; else keep polling with the iterator that works (DynamoDB Local
                    # refuses the next iterator of an empty read on a shard that never had a record)
                    if following is None:
                        self.iterators[shard_id] = None
                    continue
                self.iterators[shard_id] = following
                count += len(records)
                failures = self.handler({"Records": records}).get("batchItemFailures") or []
                failed = failures[0]["itemIdentifier"] if failures else None
                done = records
                if failed is not None:
                    self.failures[failed] = self.failures.get(failed, 0) + 1
                    give_up = self.failures[failed] > MAX_RETRIES  # as the mapping would (to its DLQ)
                    log.log(logging.ERROR if give_up else logging.WARNING, "notify stream: record %s failed%s",
                            failed, ", skipped" if give_up else "; read again")
                    # read again from the failed record, or from the one after it when giving up on it
                    self._retry_from(shard_id, failed, after=give_up)
                    done = [r for r in records if int(r["dynamodb"]["SequenceNumber"]) < int(failed) + give_up]
                if done:
                    self.last_sequence[shard_id] = done[-1]["dynamodb"]["SequenceNumber"]
            self.processed += count
            return count

    def drain(self, settle_seconds: float = 0.0) -> int:
        """Process everything committed so far (until a poll reads nothing); returns the records read."""
        if settle_seconds:
            time.sleep(settle_seconds)
        total = 0
        while True:
            count = self.poll_once()
            total += count
            if count == 0:
                return total

    def _loop(self, sweep_first: bool) -> None:
        if sweep_first:  # what was committed while no worker ran (the schedule's job in AWS)
            try:
                from medpool.services.notify.stream import sweep

                log.info("notify sweep: %s", sweep(budget_seconds=60))
            except Exception:  # noqa: BLE001
                log.exception("notify sweep failed")
        while not self._stop.is_set():
            try:
                busy = self.poll_once()
            except Exception:  # noqa: BLE001 - keep serving; the sweep catches up on what is missed
                log.exception("notify stream worker: poll failed")
                busy = 0
            if not busy:
                self._stop.wait(self.poll_seconds)

    def start(self, sweep_first: bool = False) -> "StreamWorker":
        self._thread = threading.Thread(target=self._loop, args=(sweep_first,), daemon=True, name="notify-stream")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
