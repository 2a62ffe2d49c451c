"""What the 评价结果反馈函 (FORMS §4C) is made of, read for an actor who may read the feedback: the issuers
(财政厅 first, then the co-issuers recorded at sending, or while a draft the province's bodies that would
co-issue it), the region's bodies it is addressed to, the score and grade (as sent; the self-evaluation's
current ones while a draft), the parts and the answer-by date. The context (src/reports/contexts/
evaluation_feedback_letter.py) turns it into the document's keys."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Organization, Region, SelfEvaluation
from src.models.enums import ActorType
from src.models.evaluation import GRADE_LABELS
from src.models.feedback import FeedbackStatus
from src.services.actors import Actor
from src.services.deadlines.items import china_date
from src.services.feedback.acknowledgements import recipients_of
from src.services.feedback.feedbacks import visible_feedback
from src.services.feedback.sending import ADMINISTRATION_BODY
from src.services.rules import rules_for


@dataclass(frozen=True)
class FeedbackLetterData:
    year: int
    region_name: str
    fund_name: str
    issuers: list[str]  # 财政厅 first, then the administration's body and 省税务局
    number: str  # "" until sent
    sent_on: date | None
    recipients: list[str]  # the region's finance, administration and agency
    score: Decimal | None
    grade_label: str
    achievements: str
    problems: str
    recommendations: str
    rectification: str
    application: str
    answer_by: date | None  # as fixed at sending; None while a draft
    answer_days: int  # the region's FEEDBACK_ANSWER_DAYS


def _first(found: Sequence[Organization], actor_type: ActorType, administration: Any) -> Organization | None:
    return next(
        (o for o in found if o.actor_type == actor_type and o.administration in (administration, None)), None
    )


async def _of_region(session: AsyncSession, region_id: int) -> list[Organization]:
    stmt = select(Organization).where(Organization.region_id == region_id).order_by(col(Organization.id))
    return list((await session.exec(stmt)).all())


async def feedback_letter_data(
    *, session: AsyncSession, actor: Actor, feedback_id: int
) -> FeedbackLetterData:
    """The letter of a feedback; NotFound when `actor` may not read it."""
    feedback = await visible_feedback(session=session, actor=actor, feedback_id=feedback_id)
    region = await session.get_one(Region, feedback.region_id)
    fund = await session.get_one(FundType, feedback.fund_type_id)
    evaluation = await session.get_one(SelfEvaluation, feedback.self_evaluation_id)
    province = await _of_region(session, feedback.province_id)
    body = ADMINISTRATION_BODY.get(fund.administration) if fund.administration else None
    finance = next((o.name for o in province if o.id == feedback.organization_id), "")
    if feedback.status == FeedbackStatus.DRAFT:
        co = [_first(province, t, fund.administration) for t in (body, ActorType.TAX) if t is not None]
        co_issuers = [o.name for o in co if o is not None]
        local = await _of_region(session, feedback.region_id)
        wanted = [
            (ActorType.FINANCE, None),
            (body, fund.administration),
            (ActorType.AGENCY, fund.administration),
        ]
        found = [_first(local, t, a) for t, a in wanted if t is not None]
        recipients = [o.name for o in found if o is not None]
        score, grade = evaluation.total_score, evaluation.grade
    else:
        by_id = {o.id: o.name for o in province}
        co_issuers = [by_id[i] for i in feedback.co_issuer_ids or [] if i in by_id]
        names = {o.id: o.name for o in await _of_region(session, feedback.region_id)}
        recipients = [
            names.get(r.organization_id, "") for r in await recipients_of(session, feedback.id or 0)
        ]
        score, grade = feedback.score, feedback.grade
    days = int((await rules_for(session=session, region_id=feedback.region_id)).feedback_answer_days)
    return FeedbackLetterData(
        year=feedback.year,
        region_name=region.name,
        fund_name=fund.name_zh,
        issuers=[name for name in (finance, *co_issuers) if name],
        number=feedback.document_number or "",
        sent_on=china_date(feedback.sent_at) if feedback.sent_at else None,
        recipients=[name for name in recipients if name],
        score=score,
        grade_label=GRADE_LABELS.get(grade or "", ""),
        achievements=feedback.achievements,
        problems=feedback.problems,
        recommendations=feedback.recommendations,
        rectification=feedback.rectification,
        application=feedback.application,
        answer_by=feedback.answer_by,
        answer_days=days,
    )
