"""The provincial evaluation's steps (Art. 17, 18): 省税务局 concurs with the current content (商省税务局; any
edit voids it), the provincial agency sends it to 财政厅 (by 10 July: the PROVINCIAL_REPORT_DEADLINE; one sent
later is marked late, not refused) with its narrative written — the aggregate as it stands is kept with it —
and 财政厅 approves it, or returns it with a reason for rework and a new submission.

DRAFT ─submit─▶ SUBMITTED ─approve (财政厅)─▶ APPROVED
  ▲                 │
  └──── RETURNED ◀──┘ return (财政厅, with a reason)
"""

from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Region
from src.models.base import utcnow
from src.models.enums import label_zh
from src.models.provincial_evaluation import (
    ProvincialEvaluation,
    ProvincialEvaluationEventKind,
    ProvincialEvaluationStatus,
    ProvincialEvaluationTransition,
)
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrence import concur, require_concurrence
from src.services.concurrency import claim
from src.services.errors import ErrorCode, FieldProblem, GoalErrorCode, InvalidTransition, ValidationFailed
from src.services.evaluation.provincial.aggregate import to_json
from src.services.evaluation.provincial.aggregate_reads import live_aggregate
from src.services.evaluation.provincial.evaluations import visible_provincial_evaluation
from src.services.evaluation.provincial.scope import DRAFTS
from src.services.monitoring import clock, narrative
from src.services.rules import rules_for
from src.subjects.events import record_event

S = ProvincialEvaluationStatus
# What the report must say before it goes (FORMS §4A 一 to 六; 七 其他 may be empty, printed as 无).
REQUIRED = {
    "overview": "基本情况",
    "work": "绩效评价工作开展情况",
    "conclusion": "综合评价情况及评价结论",
    "analysis": "绩效评价指标分析",
    "problems": "存在的问题及原因分析",
    "suggestions": "有关建议",
}


class ProvincialEvaluationAction(StrEnum):
    TAX_CONCUR = "TAX_CONCUR"
    SUBMIT = "SUBMIT"
    APPROVE = "APPROVE"
    RETURN = "RETURN"


OPERATION = {
    ProvincialEvaluationAction.TAX_CONCUR: "provincialEvaluationTaxConcur",
    ProvincialEvaluationAction.SUBMIT: "provincialEvaluationSubmit",
    ProvincialEvaluationAction.APPROVE: "provincialEvaluationApprove",
    ProvincialEvaluationAction.RETURN: "provincialEvaluationReturn",
}


def _invalid(
    evaluation: ProvincialEvaluation, action: ProvincialEvaluationAction, why: str | None = None
) -> InvalidTransition:
    return InvalidTransition(
        why
        or f"省级绩效评价当前状态为“{label_zh(evaluation.status)}”（{evaluation.status.value}），"
        f"不能执行{OPERATION[action]}",
        current_status=evaluation.status.value,
        operation=OPERATION[action],
        code=GoalErrorCode.WRONG_STATUS,
    )


def _text(field: str, text: str | None, *, required: str | None = None) -> str:
    value = narrative.clean(text or "")
    if required is not None and not value:
        raise ValidationFailed([FieldProblem(field, required, ErrorCode.REQUIRED)])
    problem = narrative.text_problem(field, value)
    if problem is not None:
        raise ValidationFailed([problem])
    return value


async def due_on(session: AsyncSession, evaluation: ProvincialEvaluation) -> date:
    """The province's PROVINCIAL_REPORT_DEADLINE in the year after the one evaluated (Art. 17: 7月10日前)."""
    deadline = (await rules_for(session=session, region_id=evaluation.region_id)).provincial_report_deadline
    return date(evaluation.year + 1, deadline.month, deadline.day)


async def _step(
    session: AsyncSession,
    actor: Actor,
    evaluation: ProvincialEvaluation,
    action: ProvincialEvaluationAction,
    row_version: int,
    change: Mapping[str, object],
    reason: str | None,
    *,
    apply: Callable[[ProvincialEvaluation], None] | None = None,
) -> ProvincialEvaluation:
    """Apply `change` (and `apply`) to the evaluation in its current status (claimed by `row_version`),
    audited, its transition and event recorded."""
    before = evaluation.status
    async with audit.changing(session=session, actor=actor, operation=OPERATION[action], row=evaluation):
        await claim(
            session=session,
            row=evaluation,
            expected_version=row_version,
            extra_where=(col(ProvincialEvaluation.status) == evaluation.status,),
        )
        for name, value in change.items():
            setattr(evaluation, name, value)
        if apply is not None:
            apply(evaluation)
    assert evaluation.id is not None
    session.add(
        ProvincialEvaluationTransition(
            evaluation_id=evaluation.id,
            action=action.value,
            from_status=before,
            to_status=evaluation.status,
            reason=reason,
            user_id=actor.user_id,
            organization_id=actor.organization_id,
        )
    )
    payload = {
        "action": action.value,
        "fromStatus": before.value,
        "toStatus": evaluation.status.value,
        "contentRevision": evaluation.content_revision,
        "late": evaluation.late,
    }
    await record_event(
        session=session,
        kind=ProvincialEvaluationEventKind.PROVINCIAL_EVALUATION_STATUS_CHANGED,
        subject=evaluation,
        actor=actor,
        payload=payload,
    )
    return evaluation


async def concur_provincial_evaluation(
    *, session: AsyncSession, actor: Actor, evaluation_id: int, row_version: int, opinion: str | None = None
) -> ProvincialEvaluation:
    """省税务局 concurs with the current content; it holds until the next edit."""
    evaluation, scope = await visible_provincial_evaluation(
        session=session, actor=actor, evaluation_id=evaluation_id
    )
    policy.require(actor, policy.Action.PROVINCIAL_EVALUATION_TAX_OPINION, scope)
    if evaluation.status not in DRAFTS:
        raise _invalid(
            evaluation,
            ProvincialEvaluationAction.TAX_CONCUR,
            "省税务局只对草稿或已退回的评价报告出具会商意见",
        )
    text = _text("input.opinion", opinion)
    action = ProvincialEvaluationAction.TAX_CONCUR
    return await _step(session, actor, evaluation, action, row_version, {}, text or None, apply=concur)


async def submit_provincial_evaluation(
    *, session: AsyncSession, actor: Actor, evaluation_id: int, row_version: int
) -> ProvincialEvaluation:
    """The provincial agency sends a draft or returned report to 财政厅: its narrative written, its current
    content concurred with by 省税务局; the aggregate as it stands now is kept with it; late after the
    province's deadline (marked, not refused)."""
    evaluation, scope = await visible_provincial_evaluation(
        session=session, actor=actor, evaluation_id=evaluation_id
    )
    policy.require(actor, policy.Action.PROVINCIAL_EVALUATION_SUBMIT, scope)
    action = ProvincialEvaluationAction.SUBMIT
    if evaluation.status not in DRAFTS:
        raise _invalid(evaluation, action)
    problems = [
        FieldProblem(f"provincialEvaluation.{name}", f"{label}：送财政厅前须填写", ErrorCode.REQUIRED)
        for name, label in REQUIRED.items()
        if not getattr(evaluation, name).strip()
    ]
    if problems:
        raise ValidationFailed(problems)
    await require_concurrence(
        session,
        evaluation,
        missing="{region}尚未设置税务部门，省级绩效评价无法商省税务局（第十七条），不能送财政厅",
        why_not="{why}。送财政厅前须取得省税务局对当前内容的同意（第十七条：省级社保经办机构商省税务局具体实施）",
        never="评价报告尚未商省税务局",
        after="省税务局同意后评价报告又有修改",
    )
    province = await session.get_one(Region, evaluation.region_id)
    fund = await session.get_one(FundType, evaluation.fund_type_id)
    aggregate = await live_aggregate(
        session, province=province, fund=fund, year=evaluation.year, pooling_level=evaluation.pooling_level
    )
    late = clock.china_today() > await due_on(session, evaluation)
    change = {
        "status": S.SUBMITTED,
        "submitted_at": utcnow(),
        "late": late,
        "approved_at": None,
        "return_reason": None,
        "snapshot": to_json(aggregate),
    }
    reason = "逾期送财政厅（第十七条：每年7月10日前）" if late else None
    return await _step(session, actor, evaluation, action, row_version, change, reason)


async def approve_provincial_evaluation(
    *, session: AsyncSession, actor: Actor, evaluation_id: int, row_version: int
) -> ProvincialEvaluation:
    """财政厅 approves a report sent to it."""
    evaluation, scope = await visible_provincial_evaluation(
        session=session, actor=actor, evaluation_id=evaluation_id
    )
    policy.require(actor, policy.Action.PROVINCIAL_EVALUATION_APPROVE, scope)
    action = ProvincialEvaluationAction.APPROVE
    if evaluation.status != S.SUBMITTED:
        raise _invalid(evaluation, action)
    change = {"status": S.APPROVED, "approved_at": utcnow()}
    return await _step(session, actor, evaluation, action, row_version, change, "财政厅审核通过")


async def return_provincial_evaluation(
    *, session: AsyncSession, actor: Actor, evaluation_id: int, row_version: int, reason: str
) -> ProvincialEvaluation:
    """财政厅 sends a report back with a reason; it is reworked and sent again."""
    evaluation, scope = await visible_provincial_evaluation(
        session=session, actor=actor, evaluation_id=evaluation_id
    )
    policy.require(actor, policy.Action.PROVINCIAL_EVALUATION_APPROVE, scope)
    action = ProvincialEvaluationAction.RETURN
    if evaluation.status != S.SUBMITTED:
        raise _invalid(evaluation, action)
    why = _text("input.reason", reason, required="退回须说明理由")
    change = {"status": S.RETURNED, "return_reason": why}
    return await _step(session, actor, evaluation, action, row_version, change, why)


async def approved_fund_ids(session: AsyncSession, *, region_id: int, year: int) -> set[int]:
    """The funds whose provincial evaluation of `year` in the province 财政厅 approved."""
    stmt = select(ProvincialEvaluation.fund_type_id).where(
        ProvincialEvaluation.region_id == region_id,
        ProvincialEvaluation.year == year,
        ProvincialEvaluation.status == S.APPROVED,
    )
    return set((await session.exec(stmt)).all())
