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
    model.Meta.table_name = settings.table_name(logical_name)
    model.Meta.region = settings.region
    model.Meta.host = settings.dynamodb_endpoint
    model._connection = None
    transaction_connection.cache_clear()


@functools.lru_cache(maxsize=1)
def transaction_connection() -> Connection:
    """The connection transactions run on, created once per container."""
    settings = get_settings()
    return Connection(region=settings.region, host=settings.dynamodb_endpoint)
