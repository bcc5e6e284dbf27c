"""Create and drop the tables defined by the models (idempotent)."""
from __future__ import annotations

from medpool.models import TABLES


def create_tables() -> list[str]:
    """Create every missing table; return the names created."""
    created = []
    for model in TABLES.values():
        if not model.exists():
            model.create_table(wait=True)
            created.append(model.Meta.table_name)
    return created


def delete_tables() -> None:
    for model in TABLES.values():
        if model.exists():
            model.delete_table()
