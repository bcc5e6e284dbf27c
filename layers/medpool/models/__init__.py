"""PynamoDB models, one per file. TABLES maps each table's logical name to its model:
the one source of truth for local table creation and for infra/."""
from medpool.models.base import bind
from medpool.models.category import Category
from medpool.models.department import Department
from medpool.models.device import Device
from medpool.models.loan import Loan
from medpool.models.record import Record
from medpool.models.user import User

TABLES = {
    "users": User,
    "departments": Department,
    "records": Record,
    "categories": Category,
    "devices": Device,
    "loans": Loan,
}


def bind_all() -> None:
    """Point every model at the tables of the current settings."""
    for logical_name, model in TABLES.items():
        bind(model, logical_name)


bind_all()
