"""Common PynamoDB settings: table names, region and endpoint from configuration."""
from __future__ import annotations

import functools

from pynamodb.connection import Connection
from pynamodb.models import Model

from medpool.config import get_settings


class BaseMeta:
    billing_mode = "PAY_PER_REQUEST"


def bind(model: type[Model], logical_name: str) -> None:
    """Point a model at its table for the current settings (called at import and after reconfiguration)."""
    settings = get_settings()
    target = (settings.table_name(logical_name), settings.region, settings.dynamodb_endpoint)
    if target == (model.Meta.table_name, getattr(model.Meta, "region", None), getattr(model.Meta, "host", None)):
        return  # keep the connection: building a botocore client is costly
    model.Meta.table_name, model.Meta.region, model.Meta.host = target
    model._connection = None
    transaction_connection.cache_clear()


@functools.lru_cache(maxsize=1)
def transaction_connection() -> Connection:
    """The connection transactions run on, created once per container."""
    settings = get_settings()
    return Connection(region=settings.region, host=settings.dynamodb_endpoint)
