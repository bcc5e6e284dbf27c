"""Statistics, billing, import and export (docs/statistics.md defines the figures)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from medpool.api.schemas.common import Body, Day, Month, Out, Query

class StatsQuery(Query):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: Day = Field(alias="from", description="first day (UTC), YYYY-MM-DD")
    to: Day = Field(description="last day (UTC, inclusive), YYYY-MM-DD; at most 366 days")


class BillingQuery(Query):
    month: Month
    format: Literal["json", "csv", "xlsx"] = "json"


class ExportQuery(Query):
    format: Literal["csv", "xlsx"] = "csv"


class ImportBody(Body):
    content: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="the file: CSV text (UTF-8), or an xlsx workbook in base64")
    format: Literal["csv", "xlsx"] = "csv"
    dry_run: bool = False


class DepartmentUsageOut(Out):
    department_id: str
    loans: int
    device_hours: float
    revenue_fen: int


class StatsFigures(Out):
    loans: int = Field(description="台次: loans handed over in the period")
    device_hours: float
    device_seconds: int
    pool_device_hours: float = Field(description="device-hours in the pool (not in maintenance or retired)")
    utilization: float | None
    returns: int
    damaged_returns: int
    damage_rate: float | None
    open_at_end: int
    overdue_loans: int
    overdue_rate: float | None
    revenue_fen: int
    purchase_value_fen: int
    benefit_rate: float | None = Field(description="revenue / purchase value, annualised")
    median_minutes_to_approval: float | None
    median_minutes_to_handover: float | None


class CategoryStatsOut(StatsFigures):
    category_id: str
    name: str
    top_departments: list[DepartmentUsageOut]


class StatsOut(Out):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    as_of: str
    categories: list[CategoryStatsOut]
    total: StatsFigures
    top_departments: list[DepartmentUsageOut]


class BillingLineOut(Out):
    loan_id: str
    category_id: str
    device_id: str
    borrower_department_id: str
    owner_department_id: str | None
    handed_over_at: str
    returned_at: str | None
    units: int
    rate_fen: int
    rate_unit: Literal["hour", "day"]
    amount_fen: int


class BillingDepartmentOut(Out):
    department_id: str
    name: str
    charges_fen: int
    credits_fen: int
    net_fen: int
    charges: list[BillingLineOut]
    credits: list[BillingLineOut]


class BillingOut(Out):
    month: str
    as_of: str
    final: bool
    total_fen: int
    departments: list[BillingDepartmentOut]


class ImportLoansOut(Out):
    rows: int
    imported: int
    already_imported: int
    dry_run: bool
    loan_ids: list[str]


class ImportDevicesOut(Out):
    rows: int
    imported: int
    dry_run: bool
    device_ids: list[str]
