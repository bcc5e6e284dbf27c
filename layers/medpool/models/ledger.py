"""The statistics and billing ledger: per-month partitions written with the change they describe.

`month` (YYYY-MM) is the partition; one item per closed loan per month it spanned (`loan#<id>`,
written in the confirm-return transaction or by an import) and one per closed out-of-pool interval
of a device per month it spanned (`down#<device>#<start>`, written when the device leaves
maintenance). A period's statistics read only its months' partitions."""
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from medpool.models.base import BaseMeta

KINDS = ("loan", "down")


class LedgerEntry(Model):
    class Meta(BaseMeta):
        table_name = "ledger"

    month = UnicodeAttribute(hash_key=True)
    entry = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()
    device_id = UnicodeAttribute()
    category_id = UnicodeAttribute()
    start = UnicodeAttribute()  # loan: handed_over_at; down: out of the pool since
    end = UnicodeAttribute()  # loan: returned_at; down: back in the pool (or retired) at
    # loans only
    loan_id = UnicodeAttribute(null=True)
    department_id = UnicodeAttribute(null=True)
    owner_department_id = UnicodeAttribute(null=True)
    requested_at = UnicodeAttribute(null=True)
    approved_at = UnicodeAttribute(null=True)
    expected_return_at = UnicodeAttribute(null=True)
    # the ward's return request (null: none, an import, or an entry written before it was carried);
    # with `end` it says when the ward gave the device back (docs/statistics.md, overdue)
    return_requested_at = UnicodeAttribute(null=True)
    condition = UnicodeAttribute(null=True)
    rate_fen = NumberAttribute(null=True)
    rate_unit = UnicodeAttribute(null=True)
    charge_fen = NumberAttribute(null=True)
    # out-of-pool intervals only
    status = UnicodeAttribute(null=True)
