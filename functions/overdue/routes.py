"""overdue: chasing loans — the outbox of notifications (failed ones for managers to see and resend)
and escalation blocks (managers see and lift them). The check itself is the scheduled handler."""
from medpool.api.routing import FunctionApi, Request
from medpool.api.schemas.announcements import BlockListOut, BlockOut, OutboxItemOut, OutboxQuery
from medpool.api.schemas.common import CODE_PATH, PageOut, page_out
from medpool.policy import Access
from medpool.services import escalation, people
from medpool.services.notify import feed as notification_feed
from medpool.services.notify import resend

api = FunctionApi("overdue")


def _block(block: escalation.Block) -> BlockOut:
    return BlockOut(department_id=block.department_id, loan_ids=block.loan_ids,
                    lifted_loan_ids=block.lifted_loan_ids, blocked=block.blocked)


@api.route("GET", "/outbox", "listOutbox", Access.MANAGER, summary="消息发送队列（失败或待发送）",
           query=OutboxQuery, response=PageOut[OutboxItemOut])
def list_outbox(request: Request) -> PageOut[OutboxItemOut]:
    q = request.query
    page = notification_feed.list_outbox(q.queue, q.limit, q.cursor)
    who = people.lookup(item.openid for item in page.items)
    return page_out(OutboxItemOut, page, lambda item: OutboxItemOut.named(item, who))


@api.route("POST", "/outbox/{id}/retry", "retryNotification", Access.MANAGER, summary="重新发送失败的通知",
           response=OutboxItemOut,
           errors={409: "通知不是发送失败状态或已被他人处理 (notification_not_failed, state_changed)"})
def retry_notification(request: Request) -> OutboxItemOut:
    return OutboxItemOut.model_validate(resend.retry(request.user, request.params["id"]))


@api.route("GET", "/blocks", "listBlocks", Access.MANAGER, summary="逾期限制（科室逾期超过 N 小时）",
           response=BlockListOut)
def list_blocks(request: Request) -> BlockListOut:
    hours = escalation.hours()
    return BlockListOut(enabled=hours > 0, hours=hours, items=[_block(b) for b in escalation.blocks()])


@api.route("POST", "/blocks/{id}/lift", "liftBlock", Access.MANAGER, summary="解除科室的逾期限制",
           response=BlockOut,
           params=CODE_PATH, errors={409: "该科室当前没有被限制或已被他人处理 (department_not_blocked, state_changed)"})
def lift_block(request: Request) -> BlockOut:
    return _block(escalation.lift(request.user, request.params["id"]))
