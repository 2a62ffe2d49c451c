"""A self-evaluation's steps (Art. 17, 18): the tax department concurs with its current content (商税务部门;
any edit voids it: src/services/concurrence.py), it is submitted upward — by the provincial agency for a
fund pooled at the province, by the prefecture's finance (牵头报) for one pooled at a prefecture
(routing.py) — then 财政厅 and the fund's administration (人社厅 or 省医保局) each accept it — ACCEPTED when
both have — or either returns it with a reason, and it is reworked and submitted again.

DRAFT ─submit─▶ SUBMITTED ─accept (财政厅 and the administration)─▶ ACCEPTED
  ▲                 │
  └──── RETURNED ◀──┘ return (either, with a reason)

What a submission needs (Art. 18: every shortfall explained) and when it is late (Art. 17: by the end of
May, marked, not refused) is in submission.py.
"""

from enum import StrEnum

from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.base import utcnow
from src.models.enums import ActorType, label_zh
from src.models.evaluation import (
    SelfEvaluation,
    SelfEvaluationEventKind,
    SelfEvaluationStatus,
    SelfEvaluationTransition,
)
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrence import concur, require_concurrence
from src.services.concurrency import claim
from src.services.errors import (
    ErrorCode,
    FieldProblem,
    GoalErrorCode,
    InvalidTransition,
    MonitoringReportErrorCode,
    ValidationFailed,
)
from src.services.evaluation.scope import DRAFTS
from src.services.evaluation.self_evaluations import visible_self_evaluation
from src.services.evaluation.submission import due_on, submission_problems
from src.services.monitoring import clock, narrative
from src.subjects.events import record_event


class SelfEvaluationAction(StrEnum):
    TAX_CONCUR = "TAX_CONCUR"
    SUBMIT = "SUBMIT"
    ACCEPT = "ACCEPT"
    RETURN = "RETURN"


OPERATION = {
    SelfEvaluationAction.TAX_CONCUR: "selfEvaluationTaxConcur",
    SelfEvaluationAction.SUBMIT: "selfEvaluationSubmit",
    SelfEvaluationAction.ACCEPT: "selfEvaluationAccept",
    SelfEvaluationAction.RETURN: "selfEvaluationReturn",
}
TEXTS = ("conclusion", "problems", "measures")


def _invalid(
    evaluation: SelfEvaluation, action: SelfEvaluationAction, why: str | None = None
) -> InvalidTransition:
    return InvalidTransition(
        why
        or f"自评当前状态为“{label_zh(evaluation.status)}”（{evaluation.status.value}），"
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


async def _claim_in_status(session: AsyncSession, evaluation: SelfEvaluation, row_version: int) -> None:
    await claim(
        session=session,
        row=evaluation,
        expected_version=row_version,
        extra_where=(col(SelfEvaluation.status) == evaluation.status,),
    )


async def _log(
    session: AsyncSession,
    actor: Actor,
    evaluation: SelfEvaluation,
    action: SelfEvaluationAction,
    before: SelfEvaluationStatus,
    reason: str | None,
) -> None:
    assert evaluation.id is not None
    session.add(
        SelfEvaluationTransition(
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
        kind=SelfEvaluationEventKind.SELF_EVALUATION_STATUS_CHANGED,
        subject=evaluation,
        actor=actor,
        payload=payload,
    )


async def concur_self_evaluation(
    *, session: AsyncSession, actor: Actor, evaluation_id: int, row_version: int, opinion: str | None = None
) -> SelfEvaluation:
    """The tax department of the pooling region concurs with the current content; it holds until the next
    edit. The opinion, if any, is the transition's reason."""
    evaluation, scope = await visible_self_evaluation(
        session=session, actor=actor, evaluation_id=evaluation_id
    )
    policy.require(actor, policy.Action.SELF_EVALUATION_TAX_OPINION, scope)
    if evaluation.status not in DRAFTS:
        raise _invalid(
            evaluation, SelfEvaluationAction.TAX_CONCUR, "税务部门只对草稿或已退回的自评出具会商意见"
        )
    text = _text("input.opinion", opinion)
    before = evaluation.status
    operation = OPERATION[SelfEvaluationAction.TAX_CONCUR]
    async with audit.changing(session=session, actor=actor, operation=operation, row=evaluation) as extra:
        await _claim_in_status(session, evaluation, row_version)
        concur(evaluation)
        extra["opinion"] = text
    await _log(session, actor, evaluation, SelfEvaluationAction.TAX_CONCUR, before, text or None)
    return evaluation


async def submit_self_evaluation(
    *, session: AsyncSession, actor: Actor, evaluation_id: int, row_version: int
) -> SelfEvaluation:
    """Report a draft or returned self-evaluation upward: its narrative written, every shortfall explained
    (Art. 18), its current content concurred with by the tax department; marked late after the deadline."""
    evaluation, scope = await visible_self_evaluation(
        session=session, actor=actor, evaluation_id=evaluation_id
    )
    policy.require(actor, policy.Action.SELF_EVALUATION_SUBMIT, scope)
    if evaluation.status not in DRAFTS:
        raise _invalid(evaluation, SelfEvaluationAction.SUBMIT)
    narrative.required({name: getattr(evaluation, name) for name in TEXTS}, "selfEvaluation", "上报前须填写")
    problems = await submission_problems(session, evaluation)
    if problems:
        raise ValidationFailed(problems)
    await require_concurrence(
        session,
        evaluation,
        missing="{region}尚未设置税务部门，自评无法商税务部门（第十七条），不能上报；请系统管理员先建立该地区的税务部门",
        why_not="{why}。上报前须取得同级税务部门对当前内容的同意（第十七条：经办机构商税务部门具体实施并形成自评报告）",
        never="自评尚未商税务部门",
        after="税务部门同意后自评又有修改",
    )
    before = evaluation.status
    late = clock.china_today() > await due_on(session, evaluation)
    operation = OPERATION[SelfEvaluationAction.SUBMIT]
    async with audit.changing(session=session, actor=actor, operation=operation, row=evaluation):
        await _claim_in_status(session, evaluation, row_version)
        evaluation.status = SelfEvaluationStatus.SUBMITTED
        evaluation.submitted_at = utcnow()
        evaluation.late = late
        evaluation.finance_accepted_at = evaluation.administration_accepted_at = None
        evaluation.return_reason = None
    reason = "逾期上报（第十七条：每年5月底前完成）" if late else None
    await _log(session, actor, evaluation, SelfEvaluationAction.SUBMIT, before, reason)
    return evaluation


async def accept_self_evaluation(
    *, session: AsyncSession, actor: Actor, evaluation_id: int, row_version: int
) -> SelfEvaluation:
    """财政厅, or the fund's provincial administration, accepts a submitted self-evaluation; with both it is
    ACCEPTED."""
    evaluation, scope = await visible_self_evaluation(
        session=session, actor=actor, evaluation_id=evaluation_id
    )
    policy.require(actor, policy.Action.SELF_EVALUATION_ACCEPT, scope)
    if evaluation.status != SelfEvaluationStatus.SUBMITTED:
        raise _invalid(evaluation, SelfEvaluationAction.ACCEPT)
    finance = actor.actor_type == ActorType.FINANCE
    side, other = ("财政厅", "主管行政部门") if finance else ("主管行政部门", "财政厅")
    if (evaluation.finance_accepted_at if finance else evaluation.administration_accepted_at) is not None:
        raise InvalidTransition(
            f"{side}已审核通过该自评，待{other}审核",
            current_status=evaluation.status.value,
            operation=OPERATION[SelfEvaluationAction.ACCEPT],
            code=MonitoringReportErrorCode.ALREADY_ACCEPTED,
        )
    before = evaluation.status
    operation = OPERATION[SelfEvaluationAction.ACCEPT]
    async with audit.changing(session=session, actor=actor, operation=operation, row=evaluation):
        await _claim_in_status(session, evaluation, row_version)
        if finance:
            evaluation.finance_accepted_at = utcnow()
        else:
            evaluation.administration_accepted_at = utcnow()
        if evaluation.finance_accepted_at is not None and evaluation.administration_accepted_at is not None:
            evaluation.status = SelfEvaluationStatus.ACCEPTED
    await _log(session, actor, evaluation, SelfEvaluationAction.ACCEPT, before, f"{side}审核通过")
    return evaluation


async def return_self_evaluation(
    *, session: AsyncSession, actor: Actor, evaluation_id: int, row_version: int, reason: str
) -> SelfEvaluation:
    """财政厅 or the fund's administration sends a submitted self-evaluation back with a reason: it is
    reworked (its acceptances so far no longer hold) and submitted again."""
    evaluation, scope = await visible_self_evaluation(
        session=session, actor=actor, evaluation_id=evaluation_id
    )
    policy.require(actor, policy.Action.SELF_EVALUATION_ACCEPT, scope)
    if evaluation.status != SelfEvaluationStatus.SUBMITTED:
        raise _invalid(evaluation, SelfEvaluationAction.RETURN)
    why = _text("input.reason", reason, required="退回须说明理由")
    before = evaluation.status
    operation = OPERATION[SelfEvaluationAction.RETURN]
    async with audit.changing(session=session, actor=actor, operation=operation, row=evaluation):
        await _claim_in_status(session, evaluation, row_version)
        evaluation.status = SelfEvaluationStatus.RETURNED
        evaluation.return_reason = why
        evaluation.finance_accepted_at = evaluation.administration_accepted_at = None
    await _log(session, actor, evaluation, SelfEvaluationAction.RETURN, before, why)
    return evaluation
