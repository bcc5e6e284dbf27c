"""Conditional multi-item writes: one TransactWrite, failures mapped to a domain Conflict.

A transaction that failed only because another transaction was touching one of its items at that moment
(every cancellation reason `TransactionConflict` or `None`: no condition was found false) is sent again, the
same items and conditions, after a jittered backoff. That is what keeps a surge working when many loans of one
category write its category item (the availability counts) at once. A failed condition is never retried here:
the caller decides on fresh data (loan_flow runs the transition once more)."""
from __future__ import annotations

import random
import time
from contextlib import contextmanager
from typing import Any, Iterator

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from medpool.errors import Conflict
from medpool.models.base import transaction_connection

RACE_CODES = {"ConditionalCheckFailed", "TransactionConflict"}
CONFLICT_ATTEMPTS = 8  # sends of one transaction that meets only other transactions' conflicts
BACKOFF_SECONDS = 0.02  # doubled per attempt (capped), full jitter
BACKOFF_CAP = 0.4


def only_conflicts(error: TransactWriteError) -> bool:
    """Cancelled only because of concurrent transactions on its items (no condition failed, nothing else)."""
    if error.cause_response_code == "TransactionConflictException":
        return True
    codes = {reason.code for reason in (error.cancellation_reasons or []) if reason and reason.code != "None"}
    return codes == {"TransactionConflict"}


class RetryingTransactWrite(TransactWrite):
    """A TransactWrite that sends itself again while it fails only with TransactionConflict."""

    def _commit(self) -> Any:
        for attempt in range(CONFLICT_ATTEMPTS):
            try:
                return super()._commit()
            except TransactWriteError as error:
                if attempt == CONFLICT_ATTEMPTS - 1 or not only_conflicts(error):
                    raise
            time.sleep(random.uniform(0, min(BACKOFF_CAP, BACKOFF_SECONDS * 2 ** attempt)))
        raise AssertionError("unreachable")


@contextmanager
def transaction(conflict: Conflict, client_request_token: str | None = None) -> Iterator[TransactWrite]:
    """Yield a TransactWrite; if a condition fails or another writer interferes, raise `conflict`.

    PynamoDB reorders the items (checks, deletes, puts, updates), so reasons are not mapped by position.
    """
    try:
        with RetryingTransactWrite(connection=transaction_connection(),
                                   client_request_token=client_request_token) as writer:
            yield writer
    except TransactWriteError as error:
        codes = {reason.code for reason in (error.cancellation_reasons or []) if reason}
        if codes & RACE_CODES or error.cause_response_code == "TransactionConflictException":
            raise conflict from error
        raise


def is_condition_failure(error: PutError | UpdateError) -> bool:
    return error.cause_response_code == "ConditionalCheckFailedException"
