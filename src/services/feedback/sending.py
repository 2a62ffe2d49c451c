"""财政厅 sends a feedback (Art. 19 「及时将评价结果反馈相关地区和经办机构」) as a joint 评价结果反馈函
(FORMS §4C): its parts written and the self-evaluation still accepted; the self-evaluation's score and
grade copied (what the letter said stays what it said); co-issued with the province's body of the fund's
administration (人社厅 or 省医保局) and 省税务局; addressed to the region's finance, administration and
agency, who then see it and acknowledge it; numbered now (a 财社 document of 财政厅,
src/reports/numbering.py); answered by the region's FEEDBACK_ANSWER_DAYS (30 by the province's default:
「收文之日起30日内」) after sending."""

from datetime import timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import EvaluationFeedbackRecipient, FundType, Organization, Region, SelfEvaluation
from src.models.base import utcnow
from src.models.enums import ActorType, Administration, label_zh
from src.models.evaluation import SelfEvaluationStatus
from src.models.feedback import EvaluationFeedback, FeedbackDocumentKind, FeedbackEventKind, FeedbackStatus
from src.reports.numbering import Issue, number_for
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import (
    ErrorCode,
    FieldProblem,
    MonitoringReportErrorCode,
    PreconditionFailed,
    SelfEvaluationErrorCode,
    ValidationFailed,
)
from src.services.feedback.feedbacks import LABELS, event, require_draft, visible_feedback
from src.services.feedback.scope import province_scope
from src.services.monitoring import clock
from src.services.rules import rules_for
from src.subjects.documents import FINANCE_SOCIAL_SECURITY, DocumentSpec, NumberSpec
from src.subjects.registry import registry

LETTER_KIND = FeedbackDocumentKind.EVALUATION_FEEDBACK_LETTER
SUBJECT = "EvaluationFeedback"
NUMBER = NumberSpec(issuer=ActorType.FINANCE, family=FINANCE_SOCIAL_SECURITY)
ADMINISTRATION_BODY = {
    Administration.HRSS: ActorType.HRSS,
    Administration.MEDICAL_SECURITY: ActorType.MEDICAL_SECURITY,
}


async def _no_document(**_: Any) -> dict[str, Any]:
    raise NotImplementedError("the letter's document kind is registered with its template")


async def _no_versions(*_: Any) -> dict[int, list[Any]]:
    raise NotImplementedError("the letter's document kind is registered with its template")


def number_spec() -> DocumentSpec:
    """The letter's kind as numbering reads it: the registered one once its template is, else the same
    kind, subject and number without a template — the number drawn is the document's either way."""
    registered: DocumentSpec | None = registry().documents.get(LETTER_KIND)
    if registered is not None:
        return registered
    return DocumentSpec(
        kind=LETTER_KIND, label="评价结果反馈函", subject=SUBJECT, build_context=_no_document,
        versions=_no_versions, number=NUMBER,
    )  # fmt: skip


async def _bodies(
    session: AsyncSession, region_id: int, wanted: list[tuple[ActorType, Administration | None]]
) -> list[Organization]:
    """The region's body of each (type, administration) wanted, in that order; PreconditionFailed naming the
    missing ones (the letter would have nobody to issue or receive it)."""
    stmt = select(Organization).where(Organization.region_id == region_id).order_by(col(Organization.id))
    found = (await session.exec(stmt)).all()
    chosen: list[Organization] = []
    missing: list[str] = []
    for actor_type, administration in wanted:
        match = next(
            (o for o in found if o.actor_type == actor_type and o.administration in (administration, None)),
            None,
        )
        if match is None:
            missing.append(label_zh(actor_type))
        else:
            chosen.append(match)
    if missing:
        region = await session.get(Region, region_id)
        name = region.name if region else ""
        raise PreconditionFailed(
            f"{name}尚未设置{'、'.join(missing)}，评价结果反馈函无法联合印发或送达；请系统管理员先建立这些单位",
            code=MonitoringReportErrorCode.RECIPIENT_MISSING,
        )
    return chosen


async def send_feedback(
    *, session: AsyncSession, actor: Actor, feedback_id: int, row_version: int
) -> EvaluationFeedback:
    """财政厅 sends it: numbered, the score and grade copied, answer-by fixed, recipients recorded."""
    feedback = await visible_feedback(session=session, actor=actor, feedback_id=feedback_id)
    policy.require(actor, policy.Action.FEEDBACK_SEND, await province_scope(session, feedback))
    operation = "evaluationFeedbackSend"
    require_draft(feedback, operation)
    problems = [
        FieldProblem(f"feedback.{name}", f"{label}：反馈前须填写", ErrorCode.REQUIRED)
        for name, label in LABELS.items()
        if not getattr(feedback, name).strip()
    ]
    if problems:
        raise ValidationFailed(problems)
    evaluation = await session.get(SelfEvaluation, feedback.self_evaluation_id)
    assert evaluation is not None
    if evaluation.status != SelfEvaluationStatus.ACCEPTED:
        raise PreconditionFailed(
            "所反馈的自评已不是“已审核通过”状态，不能反馈（第十九条）",
            code=SelfEvaluationErrorCode.NOT_YET_EVALUATED,
        )
    fund = await session.get(FundType, feedback.fund_type_id)
    assert fund is not None and fund.administration is not None
    body = ADMINISTRATION_BODY[fund.administration]
    co_issuers = await _bodies(
        session, feedback.province_id, [(body, fund.administration), (ActorType.TAX, None)]
    )
    recipients = await _bodies(
        session,
        feedback.region_id,
        [(ActorType.FINANCE, None), (body, fund.administration), (ActorType.AGENCY, fund.administration)],
    )
    days = (await rules_for(session=session, region_id=feedback.region_id)).feedback_answer_days
    async with audit.changing(session=session, actor=actor, operation=operation, row=feedback):
        await claim(
            session=session,
            row=feedback,
            expected_version=row_version,
            extra_where=(col(EvaluationFeedback.status) == FeedbackStatus.DRAFT,),
        )
        now = utcnow()
        issue = Issue(organization_id=actor.organization_id, at=now)
        feedback.document_number = await number_for(
            session=session, spec=number_spec(), subject=feedback, issue=issue
        )
        feedback.status = FeedbackStatus.SENT
        feedback.sent_at = now
        feedback.answer_by = clock.china_today() + timedelta(days=int(days))
        feedback.score = evaluation.total_score
        feedback.grade = evaluation.grade
        feedback.organization_id = actor.organization_id
        feedback.co_issuer_ids = [o.id for o in co_issuers if o.id is not None]
    assert feedback.id is not None
    for organization in recipients:
        assert organization.id is not None
        session.add(
            EvaluationFeedbackRecipient(
                feedback_id=feedback.id, organization_id=organization.id, actor_type=organization.actor_type
            )
        )
    await session.flush()
    payload = {
        "action": "SEND",
        "toStatus": feedback.status.value,
        "number": feedback.document_number,
        "answerBy": feedback.answer_by.isoformat(),
    }
    await event(session, actor, feedback, FeedbackEventKind.EVALUATION_FEEDBACK_STATUS_CHANGED, payload)
    return feedback
