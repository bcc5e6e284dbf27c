"""reports: the audit trail (statistics and billing arrive with their issue)."""
from medpool.api.routing import FunctionApi, Request
from medpool.api.schemas.common import PageOut
from medpool.api.schemas.loans import RecordListQuery, RecordOut
from medpool.policy import Access
from medpool.services import records

api = FunctionApi("reports")


@api.route("GET", "/records", "listRecords", Access.MANAGER, summary="操作记录（按对象、操作人、日期）",
           query=RecordListQuery, response=PageOut[RecordOut])
def list_records(request: Request) -> PageOut[RecordOut]:
    q = request.query
    page = records.list_records(q.subject, q.actor, q.day, q.limit, q.cursor)
    return PageOut[RecordOut](items=[RecordOut.model_validate(r) for r in page.items], next_cursor=page.next_cursor)
