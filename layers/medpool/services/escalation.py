"""Escalation (configurable, off by default: MEDPOOL_ESCALATION_HOURS): a department holding loans
overdue more than N hours cannot open routine or urgent requests until they are returned; emergency
requests always pass. A manager may lift a department's block for the loans overdue now (a loan that
becomes overdue later blocks again). Reads go through the status + due index (open loans only)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from medpool import clock
from medpool.config import get_settings
from medpool.errors import Conflict
from medpool.models.block_lift import BlockLift
from medpool.models.department import SCOPE, Department
from medpool.models.loan import Loan
from medpool.models.user import User
from medpool.services.audit import add_record
from medpool.services.transactions import transaction


@dataclass(frozen=True)
class Block:
    department_id: str
    loan_ids: list[str]  # in-use loans overdue more than N hours
    lifted_loan_ids: list[str]

    @property
    def blocked(self) -> bool:
        return bool(set(self.loan_ids) - set(self.lifted_loan_ids))


def hours() -> float:
    return get_settings().escalation_hours


def _long_overdue(department_id: str | None = None) -> dict[str, list[str]]:
    limit = clock.to_iso(clock.now() - timedelta(hours=hours()))
    found: dict[str, list[str]] = {}
    condition = (Loan.department_id == department_id) if department_id else None
    for loan in Loan.by_due.query("in_use", Loan.expected_return_at < limit, filter_condition=condition):
        found.setdefault(loan.department_id, []).append(loan.id)
    return found


def _lift_of(department_id: str) -> BlockLift | None:
    try:
        return BlockLift.get(department_id, consistent_read=True)
    except BlockLift.DoesNotExist:
        return None


def blocks() -> list[Block]:
    """Departments holding long-overdue loans, blocked or lifted (empty when escalation is off)."""
    if hours() <= 0:
        return []
    overdue = _long_overdue()
    lifts = {lift.department_id: lift for lift in BlockLift.batch_get(list(overdue))} if overdue else {}
    return [Block(dept, sorted(ids), sorted(set(ids) & set(lifts[dept].loan_ids or ())) if dept in lifts else [])
            for dept, ids in sorted(overdue.items())]


def block_of(department_id: str) -> Block:
    ids = _long_overdue(department_id).get(department_id, []) if hours() > 0 else []
    lift = _lift_of(department_id) if ids else None
    return Block(department_id, sorted(ids), sorted(set(ids) & set(lift.loan_ids or ())) if lift else [])


def require_not_blocked(department_id: str, urgency: str) -> None:
    """Refuse a routine or urgent request from a blocked department (emergency always passes)."""
    if hours() <= 0 or urgency == "emergency":
        return
    block = block_of(department_id)
    if block.blocked:
        raise Conflict(f"本科室有借用逾期超过 {hours():g} 小时未归还（{', '.join(block.loan_ids[:3])}），"
                       f"归还前只能提交抢救申请；如需解除请联系设备科", code="department_blocked")


def lift(actor: User, department_id: str) -> Block:
    """Lift the block for the loans overdue now. Repeating it changes nothing."""
    block = block_of(department_id)
    if not block.blocked:
        if block.loan_ids:
            return block
        raise Conflict("该科室当前没有被限制", code="department_not_blocked")
    existing = _lift_of(department_id)
    now = clock.now_iso()
    item = BlockLift(department_id, loan_ids=set(block.loan_ids), lifted_by=actor.openid, lifted_at=now)
    if existing is not None:
        item.version = existing.version  # the save is conditioned on it: concurrent lifts conflict
    with transaction(Conflict("已被他人处理，请刷新后重试", code="state_changed")) as writer:
        writer.save(item)
        add_record(writer, kind="department", subject_id=department_id, actor=actor.openid,
                   action="department.block_lifted", after={"loan_ids": block.loan_ids}, at=now,
                   note=f"解除逾期限制（{len(block.loan_ids)} 笔逾期借用）", loose_on=Department(SCOPE, department_id))
    return Block(department_id, block.loan_ids, block.loan_ids)
