"""approve: the equipment department approves (assigning a device), rejects, and hands devices over."""
from medpool.api.routing import FunctionApi, Request
from medpool.api.schemas.loans import (LOAN_PATH, ApproveLoanBody, ExtendLoanBody, HandOverBody, LoanOut, RecallBody,
                                       RejectLoanBody)
from medpool.api.schemas.bookings import BOOKING_PATH, BookingOut, MoveBookingBody, RejectBookingBody
from medpool.policy import Access
from medpool.services import loan_flow, recall

api = FunctionApi("approve")


@api.route("POST", "/loans/{id}/approve", "approveLoan", Access.MANAGER, summary="批准并分配设备",
           body=ApproveLoanBody, response=LoanOut,
           params=LOAN_PATH,
           errors={403: "不能审批自己的申请 (own_request)",
                   409: "借用不是待审批状态、设备不可借（含待消毒）或维护/检定已过期 (loan_not_pending, "
                        "device_unavailable, maintenance_overdue, calibration_overdue)",
                   422: "未选择设备、设备不存在或不属于该类别 (device_required, unknown_device, wrong_category)"})
def approve_loan(request: Request) -> LoanOut:
    return LoanOut.of(loan_flow.approve(request.user, request.params["id"], request.body.device_id))


@api.route("POST", "/loans/{id}/reject", "rejectLoan", Access.MANAGER, summary="驳回申请", body=RejectLoanBody,
           response=LoanOut,
           params=LOAN_PATH, errors={409: "借用不是待审批状态 (loan_not_pending)"})
def reject_loan(request: Request) -> LoanOut:
    return LoanOut.of(loan_flow.reject(request.user, request.params["id"], request.body.reason))


@api.route("POST", "/loans/{id}/handover", "handOverLoan", Access.ACTIVE,
           summary="交接设备（扫描设备标签确认；设备科可手工输入资产编号）", body=HandOverBody, response=LoanOut,
           params=LOAN_PATH,
           errors={403: "只能交接本科室的借用；手工输入资产编号仅限设备科 (other_department, scan_required)",
                   409: "借用不是已批准状态、设备状态不一致或维护/检定已过期 (loan_not_approved, device_state_mismatch, "
                        "maintenance_overdue, calibration_overdue)",
                   422: "未扫码、标签已失效或扫描的设备不是分配的设备 (scan_required, invalid_scan, scan_or_device_id, wrong_device)"})
def hand_over_loan(request: Request) -> LoanOut:
    body = request.body
    return LoanOut.of(loan_flow.hand_over(request.user, request.params["id"], body.device_id, scan=body.scan))


@api.route("POST", "/loans/{id}/extend", "extendLoan", Access.MANAGER, summary="续借（设备科确定新的归还时间）",
           body=ExtendLoanBody, response=LoanOut,
           params=LOAN_PATH,
           errors={409: "借用不在已批准或使用中状态 (loan_not_extendable)",
                   422: "新的归还时间须晚于当前时间 (expected_return_in_past)"})
def extend_loan(request: Request) -> LoanOut:
    body = request.changes
    return LoanOut.of(loan_flow.extend(request.user, request.params["id"], body["expected_return_at"], body["reason"],
                                       body.get("over_limit_reason")))


@api.route("POST", "/loans/{id}/recall", "recallLoan", Access.MANAGER, summary="调回（请使用科室提前归还）",
           body=RecallBody, response=LoanOut,
           params=LOAN_PATH,
           errors={409: "借用不在使用中，或已有未结束的调回 (loan_not_in_use, recall_open)",
                   422: "归还时间须晚于当前时间、早于当前应还时间 (recall_return_by_past, recall_return_by_late)"})
def recall_loan(request: Request) -> LoanOut:
    body = request.body
    return LoanOut.of(recall.recall(request.user, request.params["id"], body.reason, body.return_by))


# bookings (预约): managers approve, reject (reason) or move (new window, checked again) a booking
@api.route("POST", "/bookings/{id}/approve", "approveBooking", Access.MANAGER, summary="批准预约", response=BookingOut,
           params=BOOKING_PATH, errors={409: "预约不是待审批状态 (booking_not_requested)"})
def approve_booking(request: Request) -> BookingOut:
    from medpool.services.bookings import flow

    return BookingOut.model_validate(flow.approve(request.user, request.params["id"]))


@api.route("POST", "/bookings/{id}/reject", "rejectBooking", Access.MANAGER, summary="驳回预约",
           body=RejectBookingBody, response=BookingOut, params=BOOKING_PATH,
           errors={409: "预约已转为借用、已取消或已过期 (booking_not_requested)"})
def reject_booking(request: Request) -> BookingOut:
    from medpool.services.bookings import flow

    return BookingOut.model_validate(flow.reject(request.user, request.params["id"], request.body.reason))


@api.route("POST", "/bookings/{id}/move", "moveBooking", Access.MANAGER, summary="调整预约时段（按新时段重新核对）",
           body=MoveBookingBody, response=BookingOut, params=BOOKING_PATH,
           errors={409: "预约已结束，或新时段已约满/设备不可用 (booking_not_requested, booking_full, device_not_bookable, "
                        "device_booked, booking_busy)",
                   422: "时段须在未来、结束晚于开始、180 天内且不超过类别借用上限 (booking_in_past, booking_window_invalid, "
                        "booking_too_far, booking_too_long)"})
def move_booking(request: Request) -> BookingOut:
    from medpool.services.bookings import flow

    body = request.body
    return BookingOut.model_validate(flow.move(request.user, request.params["id"], body.start_at, body.end_at,
                                               body.reason))
