"""approve: the equipment department approves (assigning a device), rejects, and hands devices over."""
from medpool.api.routing import FunctionApi, Request
from medpool.api.schemas.loans import ApproveLoanBody, ExtendLoanBody, HandOverBody, LoanOut, RejectLoanBody
from medpool.policy import Access
from medpool.services import loan_flow

api = FunctionApi("approve")


@api.route("POST", "/loans/{id}/approve", "approveLoan", Access.MANAGER, summary="批准并分配设备",
           body=ApproveLoanBody, response=LoanOut)
def approve_loan(request: Request) -> LoanOut:
    return LoanOut.of(loan_flow.approve(request.user, request.params["id"], request.body.device_id))


@api.route("POST", "/loans/{id}/reject", "rejectLoan", Access.MANAGER, summary="驳回申请", body=RejectLoanBody,
           response=LoanOut)
def reject_loan(request: Request) -> LoanOut:
    return LoanOut.of(loan_flow.reject(request.user, request.params["id"], request.body.reason))


@api.route("POST", "/loans/{id}/handover", "handOverLoan", Access.ACTIVE,
           summary="交接设备（扫描设备标签确认；设备科可手工输入资产编号）", body=HandOverBody, response=LoanOut)
def hand_over_loan(request: Request) -> LoanOut:
    body = request.body
    return LoanOut.of(loan_flow.hand_over(request.user, request.params["id"], body.device_id, scan=body.scan))


@api.route("POST", "/loans/{id}/extend", "extendLoan", Access.MANAGER, summary="续借（设备科确定新的归还时间）",
           body=ExtendLoanBody, response=LoanOut)
def extend_loan(request: Request) -> LoanOut:
    body = request.changes
    return LoanOut.of(loan_flow.extend(request.user, request.params["id"], body["expected_return_at"], body["reason"],
                                       body.get("over_limit_reason")))
