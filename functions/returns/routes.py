"""return: the borrowing department asks to return; the equipment department confirms with the condition."""
from medpool.api.routing import FunctionApi, Request
from medpool.api.schemas.loans import ConfirmReturnBody, LoanOut
from medpool.policy import Access
from medpool.services import loan_flow

api = FunctionApi("returns")


@api.route("POST", "/loans/{id}/return-request", "requestReturn", Access.ACTIVE, summary="申请归还",
           response=LoanOut)
def request_return(request: Request) -> LoanOut:
    return LoanOut.of(loan_flow.request_return(request.user, request.params["id"]))


@api.route("POST", "/loans/{id}/confirm-return", "confirmReturn", Access.MANAGER,
           summary="确认归还（扫描设备标签或输入资产编号，登记设备状况）", body=ConfirmReturnBody, response=LoanOut)
def confirm_return(request: Request) -> LoanOut:
    body = request.body
    return LoanOut.of(loan_flow.confirm_return(request.user, request.params["id"], body.condition, body.note,
                                               device_id=body.device_id, scan=body.scan))
