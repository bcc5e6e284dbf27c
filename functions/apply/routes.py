"""apply: a department applies for a device, follows its loans, cancels before hand-over; books a device for a
future window (预约), follows and cancels its bookings."""
from medpool.api.routing import FunctionApi, Request
from medpool.api.schemas.common import PageOut, page_out
from medpool.api.schemas.bookings import BOOKING_PATH, BookingListQuery, BookingOut, CreateBookingBody
from medpool.api.schemas.loans import IDEMPOTENCY_KEY, LOAN_PATH, CreateLoanBody, LoanListQuery, LoanOut, RecordOut
from medpool.policy import Access
from medpool.services import loan_flow, loans, people, waitlist

api = FunctionApi("apply")


@api.route("POST", "/loans", "createLoan", Access.ACTIVE, summary="申请借用设备（按类别或指定设备；无可用设备时进入排队）",
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
    return LoanOut.of(loan, place=loan.place)  # a replay answers from the same read: no place (GET /loans/{id})


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
    """A page of loans with their applicants' names (one BatchGetItem of the users) and the pending ones' places
    in the waiting list (a BatchGetItem of their categories, a Query of each one's queue)."""
    who = people.lookup(loan.applicant_openid for loan in page.items)
    placed = waitlist.places(page.items)  # pending loans: their place in the waiting list
    return page_out(LoanOut, page, lambda loan: LoanOut.of(loan, people=who, viewer=request.user,
                                                           place=placed.get(loan.id)))


@api.route("GET", "/loans/{id}", "getLoan", Access.ACTIVE, summary="借用详情与时间线", response=LoanOut,
           params=LOAN_PATH, errors={403: "申请方只能查看本科室的借用 (other_department)"})
def get_loan(request: Request) -> LoanOut:
    loan = loans.get_loan(request.user, request.params["id"])
    timeline = loans.timeline(loan.id)
    who = people.lookup([loan.applicant_openid, *(record.actor for record in timeline)])
    return LoanOut.of(loan, timeline=timeline, people=who, viewer=request.user,
                      place=waitlist.places([loan]).get(loan.id))


@api.route("POST", "/loans/{id}/cancel", "cancelLoan", Access.ACTIVE, summary="取消申请（交接前）", response=LoanOut,
           params=LOAN_PATH, errors={403: "只能取消本科室的申请 (other_department)", 409: "已交接或已结束 (loan_not_cancellable)"})
def cancel_loan(request: Request) -> LoanOut:
    return LoanOut.of(loan_flow.cancel(request.user, request.params["id"]))


# bookings (预约): a ward books a category (or a device) for a future window (services/bookings)
BOOKING_ERRORS = {409: "所选时段已约满或设备不可用/已被预约 (booking_full, device_not_bookable, device_booked, booking_busy)",
                  422: "时段须在未来、结束晚于开始、180 天内且不超过类别借用上限 (booking_in_past, booking_window_invalid, "
                       "booking_too_far, booking_too_long)；类别或设备不存在或不一致 (unknown_category, unknown_device, "
                       "wrong_category)；Idempotency-Key 已用于另一个预约 (idempotency_key_reused)"}


@api.route("POST", "/bookings", "createBooking", Access.ACTIVE, summary="预约设备（按类别或指定设备，未来时段）",
           body=CreateBookingBody, response=BookingOut, status=201, headers={"Idempotency-Key": IDEMPOTENCY_KEY},
           errors=BOOKING_ERRORS)
def create_booking(request: Request) -> BookingOut:
    from medpool.services.bookings import flow

    body = request.body
    booking, _created = flow.create(request.user, flow.BookingRequest(
        category_id=body.category_id, device_id=body.device_id, start_at=body.start_at, end_at=body.end_at,
        reason=body.reason), request.headers["idempotency-key"])
    return BookingOut.model_validate(booking)


@api.route("GET", "/bookings", "listBookings", Access.ACTIVE,
           summary="预约列表（按开始时间；某日或今日起；申请方：本科室）", query=BookingListQuery,
           response=PageOut[BookingOut], errors={403: "申请方只能查看本科室 (other_department)"})
def list_bookings(request: Request) -> PageOut[BookingOut]:
    from medpool.services.bookings import listing

    q = request.query
    page = listing.list_bookings(request.user, q.day, q.category_id, q.department_id, q.limit, q.cursor)
    return page_out(BookingOut, page)


@api.route("GET", "/bookings/{id}", "getBooking", Access.ACTIVE, summary="预约详情与时间线", response=BookingOut,
           params=BOOKING_PATH, errors={403: "申请方只能查看本科室的预约 (other_department)"})
def get_booking(request: Request) -> BookingOut:
    from medpool.services.bookings import flow

    booking = flow.get(request.user, request.params["id"])
    out = BookingOut.model_validate(booking)
    out.timeline = [RecordOut.model_validate(r) for r in timeline_of(booking.id)]
    return out


def timeline_of(booking_id: str) -> list:
    from medpool.models.record import Record
    from medpool.services.audit import subject_key

    return list(Record.query(subject_key("booking", booking_id)))


@api.route("POST", "/bookings/{id}/cancel", "cancelBooking", Access.ACTIVE, summary="取消预约（转为借用前）",
           response=BookingOut, params=BOOKING_PATH,
           errors={403: "只能取消本科室的预约 (other_department)",
                   409: "预约已转为借用、已驳回或已过期 (booking_fulfilled, booking_not_requested)"})
def cancel_booking(request: Request) -> BookingOut:
    from medpool.services.bookings import flow

    return BookingOut.model_validate(flow.cancel(request.user, request.params["id"]))
