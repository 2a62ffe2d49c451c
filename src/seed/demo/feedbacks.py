"""Demo evaluation-result feedback (Art. 19) on the 2025 self-evaluations: 财政厅's 评价结果反馈函 to
the first prefectures whose employee medical fund's self-evaluation was accepted, sent in August 2026
with the next 财社 numbers of its 2026 sequence (after the July summary's), co-issued with 省医保局 and
省税务局, the score and grade copied, answer-by 30 days later (the province's FEEDBACK_ANSWER_DAYS); all
but the last acknowledged by the region's finance, 医保局 and agency, the last by its finance only. Rows,
as the provincial evaluations are (provincial_evaluations.py): the service would stamp every step with
today. It draws nothing from the demo's generator: the data before it stays as it was.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import (
    DocumentNumber,
    EvaluationFeedback,
    EvaluationFeedbackRecipient,
    FundType,
    SelfEvaluation,
)
from src.models.enums import ActorType, RegionLevel
from src.models.evaluation import SelfEvaluationStatus
from src.models.feedback import FeedbackStatus
from src.reports.numbering import document_prefix
from src.seed.demo.context import DemoReference
from src.seed.demo.monitoring_bodies import body, load_bodies
from src.seed.demo.monitoring_scopes import at_office_hours
from src.services.feedback.scope import SUBJECT
from src.services.feedback.sending import ADMINISTRATION_BODY
from src.services.rules import rules_for_region
from src.subjects.documents import FINANCE_SOCIAL_SECURITY

EVALUATED_YEAR = 2025
FIRST_SENT = date(EVALUATED_YEAR + 1, 8, 10)
LETTERS = 4
FUND = "EMPLOYEE_MEDICAL"
TEXTS = {
    "achievements": "{region}{fund}收支运行总体平稳，绩效目标基本完成，待遇保障水平稳步提升。",
    "problems": "部分绩效指标未达目标值，年末预算执行进度偏慢，原因分析不够具体。",
    "recommendations": "科学合理编制基金预算，加强运行监控，对未达标指标逐项分析原因并采取针对性措施。",
    "rectification": "针对上述问题制定整改方案，明确责任单位和完成时限，整改情况于规定时限内书面报送。",
    "application": "评价结果将作为下年度基金预算安排和绩效目标审核的重要依据，并在全省范围内通报。",
}


@dataclass(frozen=True)
class FeedbackCounts:
    evaluation_feedbacks: int
    feedback_recipients: int


async def add_feedbacks(session: AsyncSession, ref: DemoReference) -> FeedbackCounts:
    bodies = await load_bodies(session)
    fin_org, _, _ = body(bodies, ref.province, ActorType.FINANCE, None)
    fund = (await session.exec(select(FundType).where(FundType.code == FUND))).one()
    assert fund.administration is not None
    order = {r.id: i for i, r in enumerate(ref.prefectures)}
    accepted = [
        e
        for e in (
            await session.exec(
                select(SelfEvaluation).where(
                    SelfEvaluation.year == EVALUATED_YEAR,
                    SelfEvaluation.fund_type_id == fund.id,
                    SelfEvaluation.status == SelfEvaluationStatus.ACCEPTED,
                )
            )
        ).all()
        if e.region_id in order
    ]
    accepted.sort(key=lambda e: order[e.region_id])
    names = {r.id: r.name for r in ref.prefectures}
    administration = ADMINISTRATION_BODY[fund.administration]
    co_issuers = [
        body(bodies, ref.province, administration, fund.administration)[0],
        body(bodies, ref.province, ActorType.TAX, None)[0],
    ]
    rules = await rules_for_region(session=session, region=ref.province)
    prefix = document_prefix(rules.document_abbreviation, FINANCE_SOCIAL_SECURITY)
    recipients = 0
    chosen = accepted[:LETTERS]
    for index, evaluation in enumerate(chosen):
        region = next(r for r in ref.prefectures if r.id == evaluation.region_id)
        assert region.level == RegionLevel.PREFECTURE
        sent = at_office_hours(FIRST_SENT + timedelta(days=index), random.Random(index))
        texts: dict[str, Any] = {
            key: text.format(region=names[region.id], fund=fund.name_zh) for key, text in TEXTS.items()
        }
        feedback = EvaluationFeedback(
            region_id=region.id or 0, province_id=ref.province.id or 0, fund_type_id=fund.id or 0,
            year=EVALUATED_YEAR, self_evaluation_id=evaluation.id or 0, status=FeedbackStatus.SENT,
            organization_id=fin_org, score=evaluation.total_score, grade=evaluation.grade,
            co_issuer_ids=co_issuers, sent_at=sent,
            answer_by=sent.date() + timedelta(days=int(rules.feedback_answer_days)),
            created_at=sent - timedelta(days=7), updated_at=sent, row_version=3, **texts,
        )  # fmt: skip
        session.add(feedback)
        await session.flush()
        feedback.document_number = await _number(session, feedback, fin_org, prefix)
        last = index == len(chosen) - 1  # not yet acknowledged by all three
        for n, actor_type in enumerate((ActorType.FINANCE, administration, ActorType.AGENCY)):
            org, user, _ = body(bodies, region, actor_type, fund.administration)
            done = n == 0 or not last
            at = sent + timedelta(days=n + 2) if done else None
            session.add(
                EvaluationFeedbackRecipient(
                    feedback_id=feedback.id or 0, organization_id=org, actor_type=actor_type,
                    acknowledged_at=at, acknowledged_by=user if done else None,
                )
            )  # fmt: skip
            recipients += 1
        if not last:
            feedback.status = FeedbackStatus.ACKNOWLEDGED
            feedback.acknowledged_at = sent + timedelta(days=4)
            feedback.updated_at = feedback.acknowledged_at
    await session.flush()
    return FeedbackCounts(evaluation_feedbacks=len(chosen), feedback_recipients=recipients)


async def _number(
    session: AsyncSession, feedback: EvaluationFeedback, organization_id: int, prefix: str
) -> str:
    """The next 财社 number of 财政厅's sequence in the year it is sent, recorded so numbering goes on."""
    assert feedback.sent_at is not None
    year = feedback.sent_at.year
    last = select(sa.func.max(DocumentNumber.sequence)).where(
        DocumentNumber.organization_id == organization_id,
        DocumentNumber.family == FINANCE_SOCIAL_SECURITY,
        col(DocumentNumber.year) == year,
    )
    sequence = ((await session.exec(last)).one() or 0) + 1
    text = f"{prefix}〔{year}〕{sequence}号"
    session.add(
        DocumentNumber(
            organization_id=organization_id, family=FINANCE_SOCIAL_SECURITY, year=year, sequence=sequence,
            subject_type=SUBJECT, subject_id=feedback.id or 0, prefix=prefix, text=text,
            created_at=feedback.sent_at,
        )
    )  # fmt: skip
    await session.flush()
    return text
