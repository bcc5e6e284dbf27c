"""Statistics, billing, import and export (docs/statistics.md defines the figures)."""

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from medpool.api.schemas.common import ID_PATTERN, Body, Code, Day, Month, Out, PageQuery, Query
from medpool.api.schemas.loans import RecordOut

class StatsQuery(Query):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: Day = Field(alias="from", description="first day (Beijing time, from 00:00 +08:00), YYYY-MM-DD")
    to: Day = Field(description="last day (Beijing time, inclusive), YYYY-MM-DD; at most 366 days")


class PurchaseQuery(StatsQuery):
    category: Code | None = Field(None, description="one category (default: every category)")
    format: Literal["json", "xlsx"] = Field("json", description="xlsx: sheets 购置依据, 使用热力图 and 分类统计")


class BillingQuery(Query):
    month: Month = Field(description="billing month in Beijing time (from the 1st 00:00 +08:00), YYYY-MM")
    format: Literal["json", "csv", "xlsx"] = "json"
    lines: bool = Field(True, description="false: the departments' totals only, without the per-loan lines "
                        "(read from the month's counters; the files then hold the summary only)")


class ExportQuery(Query):
    format: Literal["csv", "xlsx"] = "csv"


class ImportBody(Body):
    content: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="the file: CSV text (UTF-8), or an xlsx workbook in base64")
    format: Literal["csv", "xlsx"] = "csv"
    dry_run: bool = False


class ImportJobBody(Body):
    kind: Literal["loans"] = Field("loans", description="what the file holds (historical loans)")
    content: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="the file: CSV text (UTF-8), or an xlsx workbook in base64")
    format: Literal["csv", "xlsx"] = "csv"


class ImportConflictOut(Out):
    line: int
    reason: str


class ImportJobOut(Out):
    id: str
    kind: Literal["loans"]
    status: Literal["running", "done", "failed"]
    format: Literal["csv", "xlsx"]
    created_by: str
    created_at: str
    updated_at: str
    finished_at: str | None
    total: int = Field(description="rows in the file")
    written: int = Field(description="rows written so far (imported + already_imported + repaired + skipped)")
    imported: int
    already_imported: int
    repaired: int = Field(description="loans found from an earlier partial import, their missing parts written")
    skipped: int = Field(description="rows whose loan id is held by a different loan (see conflicts)")
    conflicts: list[ImportConflictOut]
    error: str | None = Field(description="the last failed step's error (the job retries; failed after 5)")


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
    repaired: int = 0
    dry_run: bool
    loan_ids: list[str] = Field(description="the file's loans not stored before (written, or being written)")
    job_id: str | None = Field(None, description="the import job (null in a dry run)")
    status: Literal["running", "done", "failed"] = Field(
        "done", description="running: the file did not finish within this request; follow GET /imports/{job_id}")


class ImportDevicesOut(Out):
    rows: int
    imported: int
    dry_run: bool
    device_ids: list[str]


class SubjectAccessQuery(PageQuery):
    loan: Annotated[str, StringConstraints(pattern=ID_PATTERN)] | None = Field(None, description="a loan id")
    device: Annotated[str, StringConstraints(pattern=ID_PATTERN)] | None = Field(None, description="a device id")


class AccessOut(Out):
    """One API call that named the subject (from the access log)."""

    at: str
    request_id: str
    operation: str
    status: int
    error: str | None = None
    openid: str | None = None
    role: str | None = None
    department_id: str | None = None
    source_ip: str | None = None
    user_agent: str | None = None


class SubjectAccessOut(Out):
    subject: str
    items: list[AccessOut] = Field(description="calls naming the subject, newest first (access log, 180+ days)")
    next_cursor: str | None
    changes: list[RecordOut] = Field(description="with the first page: the subject's newest audit records")


class WaitFiguresOut(Out):
    count: int
    median_minutes: float | None
    p90_minutes: float | None = Field(description="nearest-rank 90th percentile")


class WaitsOut(Out):
    emergency: WaitFiguresOut
    urgent: WaitFiguresOut
    routine: WaitFiguresOut
    total: WaitFiguresOut
    still_waiting: int = Field(description="queued requests of the period not yet approved, cancelled or rejected")


class ReplayOutcomeOut(Out):
    devices: int
    meets_target: bool
    emergency_within_target: float | None = Field(description="share of emergencies served within the target")
    other_within_target: float | None
    waited: int = Field(description="requests that would have waited at all")
    median_wait_minutes: float | None
    p90_wait_minutes: float | None
    max_wait_minutes: float | None


class RecommendationOut(Out):
    devices: int = Field(description="the smallest pool meeting the target in the replay (0: no requests)")
    options: list[ReplayOutcomeOut] = Field(description="the replay with one device fewer, the recommendation, one more")
    current: ReplayOutcomeOut | None = Field(description="the replay with the current pool (null: no devices or requests)")


class LoadOut(Out):
    arrivals_per_day: float
    mean_hold_hours: float
    offered_load: float = Field(description="arrival rate x mean hold: mean devices in use")
    p95_in_use: int = Field(description="95th percentile of Poisson(offered load)")
    maintenance_share: float
    cleaning_share: float
    devices: int = Field(description="p95 / (1 - maintenance and cleaning share), rounded up")


class PurchaseCategoryOut(Out):
    category_id: str
    name: str
    current_devices: int
    requests: int
    queued_requests: int
    peak_in_use: int
    peak_at: str | None
    hours_none_available: float
    waits: WaitsOut
    cancelled_while_waiting: int
    heatmap: list[list[float]] = Field(description="mean devices in use, [weekday 0=Monday][hour 0..23], Beijing time")
    recommendation: RecommendationOut
    load: LoadOut
    sentence: str


class PurchaseTargetOut(Out):
    emergency_minutes: float
    emergency_share: float
    other_minutes: float
    other_share: float


class PurchaseOut(Out):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    as_of: str
    target: PurchaseTargetOut
    lookback_days: int
    categories: list[PurchaseCategoryOut]
