"""Statistics and billing counters: one item per (Beijing month, category, borrowing department) cell,
holding what the cell's closed loans add up to, per Beijing day of the month, so any from..to of whole
days is a sum. Written with ADD in the transaction that writes the loans' ledger entries
(services/counters); the per-day figures are top-level attributes named `dDD_<figure>` (DynamoDB's ADD
works on top-level attributes only), read raw (services/counters/reads.py)."""
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from medpool.models.base import BaseMeta


class LedgerCounter(Model):
    class Meta(BaseMeta):
        table_name = "ledger_counters"

    month = UnicodeAttribute(hash_key=True)  # YYYY-MM, Beijing
    cell = UnicodeAttribute(range_key=True)  # <category_id>#<department_id> (the borrower)
    category_id = UnicodeAttribute(null=True)
    department_id = UnicodeAttribute(null=True)
