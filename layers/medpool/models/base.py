"""Common PynamoDB settings: table names, region and endpoint from configuration, and the one DynamoDB
connection every model shares."""
from __future__ import annotations

import contextlib
import functools

from pynamodb.connection import Connection, TableConnection
from pynamodb.models import Model

from medpool.config import get_settings

POOL_CONNECTIONS = 64  # a Lambda container serves one request at a time; the local server serves 50 at once


class BaseMeta:
    billing_mode = "PAY_PER_REQUEST"


def bind(model: type[Model], logical_name: str) -> None:
    """Point a model at its table for the current settings (called at import and after reconfiguration)."""
    model._get_connection = classmethod(_shared_table_connection)
    settings = get_settings()
    target = (settings.table_name(logical_name), settings.region, settings.dynamodb_endpoint)
    if target == (model.Meta.table_name, getattr(model.Meta, "region", None), getattr(model.Meta, "host", None)):
        return  # keep the connection: building a botocore client is costly
    model.Meta.table_name, model.Meta.region, model.Meta.host = target
    model._connection = None
    transaction_connection.cache_clear()


@functools.lru_cache(maxsize=1)
def transaction_connection() -> Connection:
    """The process's one DynamoDB connection (its botocore client is built on first use): transactions and
    every model's table run on it."""
    settings = get_settings()
    return Connection(region=settings.region, host=settings.dynamodb_endpoint,
                      max_pool_connections=POOL_CONNECTIONS)


def _shared_table_connection(cls: type[Model]) -> TableConnection:
    """Model._get_connection on the shared connection. PynamoDB gives each model a connection of its own, with
    its own botocore session and client: each loads DynamoDB's service description again (tens of ms of
    a cold start per model a request touches) and keeps its own pool of HTTP connections."""
    table = Model._get_connection.__func__(cls)
    shared = transaction_connection()
    if table.connection is not shared:
        with contextlib.suppress(ValueError):  # raised when the table's schema is known already (DescribeTable)
            shared.add_meta_table(table.get_meta_table())  # the key schema, so no DescribeTable is needed
        table.connection = shared
    return table
