"""reports: the audit trail, statistics, inter-department billing, import and export."""
import base64
import binascii
from datetime import date

from medpool.api.routing import XLSX, FileResult, FunctionApi, Request
from medpool.api.schemas.common import PageOut, page_out
from medpool.api.schemas.loans import RecordListQuery, RecordOut
from medpool.api.schemas.reports import (AccessOut, BillingOut, BillingQuery, ExportQuery, ImportBody, ImportDevicesOut,
                                         ImportJobBody, ImportJobOut, ImportLoansOut, PurchaseOut, PurchaseQuery,
                                         StatsOut, StatsQuery, SubjectAccessOut, SubjectAccessQuery)
from medpool.errors import BadRequest
from medpool.policy import Access
from medpool.services import access_store, billing, people, records, stats
from medpool.services.tabular import CONTENT_TYPES, write_table
# The import and export routes load their services (file parsing, import jobs) when first called: the
# function's everyday requests are the records, statistics and bills.

api = FunctionApi("reports")
FILES = ("text/csv", XLSX)


@api.route("GET", "/records", "listRecords", Access.MANAGER, summary="操作记录（按对象、操作人、日期）",
           query=RecordListQuery, response=PageOut[RecordOut])
def list_records(request: Request) -> PageOut[RecordOut]:
    q = request.query
    page = records.list_records(q.subject, q.actor, q.day, q.limit, q.cursor)
    who = people.lookup(record.actor for record in page.items)
    return page_out(RecordOut, page, lambda record: RecordOut.named(record, who))


@api.route("GET", "/access", "listSubjectAccess", Access.MANAGER, summary="谁查看或修改了某笔借用/某台设备",
           query=SubjectAccessQuery, response=SubjectAccessOut,
           errors={400: "须且只能指定 loan 或 device 之一 (subject_required)；分页参数不是本列表签发的 (invalid_cursor)"})
def list_subject_access(request: Request) -> SubjectAccessOut:
    q = request.query
    if (q.loan is None) == (q.device is None):
        raise BadRequest("请指定 loan 或 device 之一", code="subject_required")
    kind, subject_id = ("loan", q.loan) if q.loan else ("device", q.device)
    page, changes = access_store.subject_access(kind, subject_id, q.limit, q.cursor)
    return SubjectAccessOut(subject=f"{kind}#{subject_id}", next_cursor=page.next_cursor,
                            items=[AccessOut.model_validate(item) for item in page.items],
                            changes=[RecordOut.model_validate(record) for record in changes])


@api.route("GET", "/stats", "getStats", Access.MANAGER,
           summary="分类统计：台次、借出机时、使用率、损坏率、逾期率、收入、经济效益", query=StatsQuery, response=StatsOut,
           errors={422: "结束日期早于开始日期或区间超过 366 天 (invalid_period, period_too_long)"})
def get_stats(request: Request) -> StatsOut:
    q = request.query
    return StatsOut.model_validate(stats.period_stats(date.fromisoformat(q.from_), date.fromisoformat(q.to)))


@api.route("GET", "/stats/purchase", "getPurchaseReport", Access.MANAGER,
           summary="购置依据：高峰在用、无可用时长、等待与取消、使用热力图、按实际申请回放的建议台数（可导出 xlsx）",
           query=PurchaseQuery, response=PurchaseOut, files=(XLSX,),
           errors={404: "设备类别不存在 (category_not_found)",
                   422: "结束日期早于开始日期或区间超过 366 天 (invalid_period, period_too_long)"})
def get_purchase_report(request: Request):
    from medpool.services.reports import purchase, sheets

    q = request.query
    first, last = date.fromisoformat(q.from_), date.fromisoformat(q.to)
    result = purchase.purchase_report(first, last, q.category)
    if q.format == "json":
        return PurchaseOut.model_validate(result)
    content = write_table(sheets.purchase_sheets(result, stats.period_stats(first, last)), "xlsx")
    return FileResult(content, XLSX, f"purchase-{q.from_}-{q.to}.xlsx")


@api.route("GET", "/billing", "getBilling", Access.MANAGER, summary="科室月度结算（借用扣费、出借收入；可导出 csv/xlsx）",
           query=BillingQuery, response=BillingOut, files=FILES)
def get_billing(request: Request):
    q = request.query
    result = billing.monthly_billing(q.month, lines=q.lines)
    if q.format == "json":
        return BillingOut.model_validate(result)
    sheets = [("明细", *billing.billing_table(result))] if q.lines else []
    sheets.append(("汇总", *billing.summary_table(result)))
    content = write_table(sheets, q.format)
    return FileResult(content.decode("utf-8") if q.format == "csv" else content, CONTENT_TYPES[q.format],
                      f"billing-{q.month}.{q.format}")


def _file(body: ImportBody | ImportJobBody) -> bytes:
    if body.format == "csv":
        return body.content.encode("utf-8")
    try:
        return base64.b64decode(body.content, validate=True)
    except (binascii.Error, ValueError) as error:
        raise BadRequest("xlsx 文件须以 base64 编码放在 content 中", code="invalid_base64") from error


@api.route("POST", "/imports/loans", "importLoans", Access.MANAGER,
           summary="导入历史借用记录（先校验整个文件，有错则全部不导入）", body=ImportBody, response=ImportLoansOut,
           errors={400: "xlsx 文件不是 base64 (invalid_base64)", 413: "文件过大或行数超过上限 (file_too_large)",
                   422: "文件有错误（逐行列出）或无法读取，未导入任何记录 (invalid_import_file, empty_file, unreadable_file)"})
def import_loans(request: Request) -> ImportLoansOut:
    from medpool.services import importing

    body = request.body
    result = importing.import_loans(request.user, _file(body), body.format, body.dry_run)
    return ImportLoansOut.model_validate(result)


def _job(job) -> ImportJobOut:
    return ImportJobOut(id=job.id, kind=job.kind, status=job.status, format=job.format, created_by=job.created_by,
                        created_at=job.created_at, updated_at=job.updated_at, finished_at=job.finished_at,
                        total=int(job.total), written=int(job.cursor), imported=int(job.imported),
                        already_imported=int(job.already_imported), repaired=int(job.repaired),
                        skipped=int(job.skipped), conflicts=job.conflicts or [], error=job.last_error)


@api.route("POST", "/imports", "createImport", Access.MANAGER, status=202,
           summary="创建导入任务：先校验整个文件（有错则全部不导入），再分步写入；进度见 GET /imports/{id}",
           body=ImportJobBody, response=ImportJobOut,
           errors={400: "xlsx 文件不是 base64 (invalid_base64)", 413: "文件过大或行数超过上限 (file_too_large)",
                   422: "文件有错误（逐行列出）或无法读取，未导入任何记录 (invalid_import_file, empty_file, unreadable_file)"})
def create_import(request: Request) -> ImportJobOut:
    from medpool.services import importing
    from medpool.services.imports import jobs

    body = request.body
    rows = importing.validate_loans(_file(body), body.format)
    return _job(jobs.start(request.user.openid, rows, body.format))


@api.route("GET", "/imports/{id}", "getImport", Access.MANAGER, summary="导入任务的进度（已写入行数 / 总行数）",
           response=ImportJobOut)
def get_import(request: Request) -> ImportJobOut:
    from medpool.services.imports import jobs, worker

    job = jobs.get(request.params["id"])
    worker.resume_if_stale(job)
    return _job(job)


@api.route("POST", "/imports/devices", "importDevices", Access.MANAGER,
           summary="批量登记设备（先校验整个文件，有错则全部不导入）", body=ImportBody, response=ImportDevicesOut,
           errors={400: "xlsx 文件不是 base64 (invalid_base64)", 413: "文件过大或行数超过上限 (file_too_large)",
                   422: "文件有错误（逐行列出）或无法读取，未导入任何记录 (invalid_import_file, empty_file, unreadable_file)"})
def import_devices(request: Request) -> ImportDevicesOut:
    from medpool.services import device_io

    body = request.body
    return ImportDevicesOut.model_validate(device_io.import_devices(request.user, _file(body), body.format,
                                                                    body.dry_run))


@api.route("GET", "/exports/devices", "exportDevices", Access.MANAGER, summary="导出设备台账（csv/xlsx）",
           query=ExportQuery, files=FILES)
def export_devices(request: Request) -> FileResult:
    from medpool.services import device_io

    fmt = request.query.format
    content = device_io.export_devices(fmt)
    return FileResult(content.decode("utf-8") if fmt == "csv" else content, CONTENT_TYPES[fmt], f"devices.{fmt}")
