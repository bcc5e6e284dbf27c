"""apply: a department applies for a device, follows its loans, cancels before hand-over."""
from medpool.api.routing import FunctionApi, Request
from medpool.api.schemas.common import PageOut, page_out
from medpool.api.schemas.loans import IDEMPOTENCY_KEY, LOAN_PATH, CreateLoanBody, LoanListQuery, LoanOut
from medpool.policy import Access
from medpool.services import loan_flow, loans, people

api = FunctionApi("apply")


@api.route("POST", "/loans", "createLoan", Access.ACTIVE, summary="申请借用设备（按类别或指定设备）",
           body=CreateLoanBody, response=LoanOut, status=201, headers={"Idempotency-Key": IDEMPOTENCY_KEY},
           errors={409: "设备不可借 (device_unavailable)；本科室逾期被限制 (department_blocked)；同一申请正在创建 (loan_exists)",
                   422: "归还时间须在未来且不超过类别上限 (expected_return_in_past, expected_return_too_late)；类别或设备不存在、不一致或未选择 (unknown_category, unknown_device, wrong_category, category_or_device_required)；Idempotency-Key 已用于另一个申请 (idempotency_key_reused)"})
def create_loan(request: Request) -> LoanOut:
    body = request.changes
    loan, _created = loans.create_loan(
        request.user, loans.LoanRequest(category_id=body.get("category_id"), device_id=body.get("device_id"),
                                        urgency=body["urgency"], reason=body["reason"],
                                        expected_return_at=body["expected_return_at"]),
        request.headers["idempotency-key"])
    return LoanOut.of(loan)


@api.route("GET", "/loans", "listLoans", Access.ACTIVE, summary="借用列表（申请方：本科室；设备科：全部）",
           query=LoanListQuery, response=PageOut[LoanOut],
           errors={400: "调回列表不与其他条件同用 (recall_filter_alone)",
                   403: "申请方只能查看本科室；调回列表仅限设备科 (other_department, managers_only)"})
def list_loans(request: Request) -> PageOut[LoanOut]:
    q = request.query
    if q.recall:
        from medpool.services import recall  # the recall list only

        return named_page(request, recall.list_open(request.user, q.status, q.overdue, q.department_id, q.device_id,
                                                    limit=q.limit, cursor=q.cursor))
    return named_page(request, loans.list_loans(request.user, q.status, q.overdue, q.department_id, q.device_id,
                                                q.limit, q.cursor))


def named_page(request: Request, page: object) -> PageOut[LoanOut]:
    """A page of loans with their applicants' names (one BatchGetItem of the users)."""
    who = people.lookup(loan.applicant_openid for loan in page.items)
    return page_out(LoanOut, page, lambda loan: LoanOut.of(loan, people=who, viewer=request.user))


@api.route("GET", "/loans/{id}", "getLoan", Access.ACTIVE, summary="借用详情与时间线", response=LoanOut,
           params=LOAN_PATH, errors={403: "申请方只能查看本科室的借用 (other_department)"})
def get_loan(request: Request) -> LoanOut:
    loan = loans.get_loan(request.user, request.params["id"])
    timeline = loans.timeline(loan.id)
    who = people.lookup([loan.applicant_openid, *(record.actor for record in timeline)])
    return LoanOut.of(loan, timeline=timeline, people=who, viewer=request.user)


@api.route("POST", "/loans/{id}/cancel", "cancelLoan", Access.ACTIVE, summary="取消申请（交接前）", response=LoanOut,
           params=LOAN_PATH, errors={403: "只能取消本科室的申请 (other_department)", 409: "已交接或已结束 (loan_not_cancellable)"})
def cancel_loan(request: Request) -> LoanOut:
    return LoanOut.of(loan_flow.cancel(request.user, request.params["id"]))
