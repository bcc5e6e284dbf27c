"""return: the borrowing department asks to return; the equipment department confirms with the condition."""
from medpool.api.routing import FunctionApi, Request
from medpool.api.schemas.loans import LOAN_PATH, ConfirmReturnBody, LoanOut, RecallAnswerBody
from medpool.policy import Access
from medpool.services import loan_flow, recall

api = FunctionApi("returns")


@api.route("POST", "/loans/{id}/return-request", "requestReturn", Access.ACTIVE, summary="申请归还",
           response=LoanOut,
           params=LOAN_PATH, errors={403: "只能归还本科室的借用 (other_department)", 409: "借用不在使用中 (loan_not_in_use)"})
def request_return(request: Request) -> LoanOut:
    return LoanOut.of(loan_flow.request_return(request.user, request.params["id"]))


@api.route("POST", "/loans/{id}/confirm-return", "confirmReturn", Access.MANAGER,
           summary="确认归还（扫描设备标签或输入资产编号，登记设备状况）", body=ConfirmReturnBody, response=LoanOut,
           params=LOAN_PATH, errors={409: "借用不是待归还或使用中状态，或已确认归还 (loan_not_returnable, loan_already_returned)",
                                     422: "未扫码、标签已失效或设备不是借出的设备 (scan_required, invalid_scan, scan_or_device_id, wrong_device)"})
def confirm_return(request: Request) -> LoanOut:
    body = request.body
    return LoanOut.of(loan_flow.confirm_return(request.user, request.params["id"], body.condition, body.note,
                                               device_id=body.device_id, scan=body.scan))


@api.route("POST", "/loans/{id}/recall-answer", "answerRecall", Access.ACTIVE,
           summary="答复调回（同意按时归还，或说明无法归还的理由）", body=RecallAnswerBody, response=LoanOut,
           params=LOAN_PATH,
           errors={403: "只能答复本科室的调回 (other_department)", 409: "没有待答复的调回 (no_open_recall)",
                   422: "无法归还须说明理由；归还时间无效 (recall_reason_required, recall_return_by_invalid)"})
def answer_recall(request: Request) -> LoanOut:
    body = request.body
    return LoanOut.of(recall.answer(request.user, request.params["id"], body.accept, body.reason, body.return_by))
