"""Conditional multi-item writes: one TransactWrite, failures mapped to a domain Conflict."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from medpool.errors import Conflict
from medpool.models.base import transaction_connection

RACE_CODES = {"ConditionalCheckFailed", "TransactionConflict"}


@contextmanager
def transaction(conflict: Conflict, client_request_token: str | None = None) -> Iterator[TransactWrite]:
    """Yield a TransactWrite; if a condition fails or another writer interferes, raise `conflict`.

    PynamoDB reorders the items (checks, deletes, puts, updates), so reasons are not mapped by position.
    """
    try:
        with TransactWrite(connection=transaction_connection(),
                           client_request_token=client_request_token) as writer:
            yield writer
    except TransactWriteError as error:
        codes = {reason.code for reason in (error.cancellation_reasons or []) if reason}
        if codes & RACE_CODES or error.cause_response_code == "TransactionConflictException":
            raise conflict from error
        raise


def is_condition_failure(error: PutError | UpdateError) -> bool:
    return error.cause_response_code == "ConditionalCheckFailedException"
