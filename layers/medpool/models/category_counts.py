"""The availability counts of a category item (the same item as models.category.Category), as written:
`ADD count_<status> ±1` in the transaction that moves a device between statuses. This view has no version
attribute, so a count change neither checks nor bumps the category's version (edits and loans do not make
each other fail) and a count update never touches the category's other fields."""
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from medpool.models.base import BaseMeta


class AvailabilityCounts:
    """The count attributes, declared once for both views of the category item (Category reads them), and the
    emergency reserve the approval's count update compares the available count with."""

    count_available = NumberAttribute(null=True)
    count_reserved = NumberAttribute(null=True)
    count_on_loan = NumberAttribute(null=True)
    count_cleaning = NumberAttribute(null=True)
    count_maintenance = NumberAttribute(null=True)
    count_retired = NumberAttribute(null=True)
    # pending requests of the category (its waiting list) per urgency: a new request's place is known from them
    queue_emergency = NumberAttribute(null=True)
    queue_urgent = NumberAttribute(null=True)
    queue_routine = NumberAttribute(null=True)
    # set by managers on the category; here because the approval's count update is conditioned on it
    emergency_reserve = NumberAttribute(null=True)


class CategoryCounts(AvailabilityCounts, Model):
    class Meta(BaseMeta):
        table_name = "categories"

    scope = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)
