"""Demo provincial evaluations (省级绩效评价, Art. 17, 18) of 2025 and 财政厅's July 2026 summary: one per
fund, opened through the service by 财政厅 (its audit and event the system's own; its steps moved to June
2026), written by the provincial agency of the fund's administration from the fund's aggregate of
self-evaluations, concurred with by 省税务局, sent to 财政厅 (the aggregate kept as sent) and approved — one
sent after 10 July (marked late), one returned with a reason, reworked and sent again. Worked through as
rows, as the self-evaluations are (evaluations.py): the service would stamp every step with today. The
summary is sent on 28 July 2026 with its number from 财政厅's 财社 sequence of 2026, recorded so that
numbering goes on after it.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import DocumentNumber
from src.models.enums import ActorType
from src.models.provincial_evaluation import (
    ProvincialEvaluation,
    ProvincialEvaluationStatus,
    ProvincialEvaluationSummary,
    ProvincialSummaryStatus,
)
from src.models.provincial_evaluation import ProvincialEvaluationTransition as Step
from src.reports.numbering import document_prefix
from src.seed.demo.context import DemoReference
from src.seed.demo.monitoring_bodies import Bodies, body, load_bodies
from src.seed.demo.monitoring_scopes import at_office_hours
from src.seed.demo.provincial_texts import report_texts, summary_texts
from src.services.actors import load_actor
from src.services.evaluation.provincial.aggregate import to_json
from src.services.evaluation.provincial.aggregate_reads import live_aggregate
from src.services.evaluation.provincial.evaluations import open_provincial_evaluation
from src.services.evaluation.provincial.summaries import SUBJECT
from src.services.rules import rules_for_region
from src.subjects.documents import FINANCE_SOCIAL_SECURITY

EVALUATED_YEAR = 2025
DUE = date(EVALUATED_YEAR + 1, 7, 10)  # the province's PROVINCIAL_REPORT_DEADLINE (Art. 17)
SUMMARY_SENT = date(EVALUATED_YEAR + 1, 7, 28)  # by PROVINCIAL_SUMMARY_DEADLINE (07-31)
RETURN_REASON = "评价报告对低于及格线地区的原因分析不够深入，改进措施缺少时限，请补充完善后重新报送。"
S = ProvincialEvaluationStatus


@dataclass(frozen=True)
class ProvincialCounts:
    provincial_evaluations: int
    provincial_summaries: int


async def add_provincial_evaluations(
    session: AsyncSession, rng: random.Random, ref: DemoReference
) -> ProvincialCounts:
    bodies = await load_bodies(session)
    fin_org, fin_user, _ = body(bodies, ref.province, ActorType.FINANCE, None)
    finance = await load_actor(session=session, user_id=fin_user)
    assert finance is not None
    # One fund's report sent late, another's returned and sent again; the rest sent on time, approved.
    late, rework = rng.sample(range(len(ref.funds)), 2)
    count = 0
    for index, fund in enumerate(ref.funds):
        evaluation = await open_provincial_evaluation(
            session=session, actor=finance, region_code=ref.province.code, fund_type_code=fund.code,
            year=EVALUATED_YEAR,
        )  # fmt: skip
        aggregate = await live_aggregate(
            session,
            province=ref.province,
            fund=fund,
            year=EVALUATED_YEAR,
            pooling_level=evaluation.pooling_level,
        )
        agency_org, agency_user, agency = body(bodies, ref.province, ActorType.AGENCY, fund.administration)
        for name, text in report_texts(aggregate, agency).items():
            setattr(evaluation, name, text)
        evaluation.snapshot = to_json(aggregate)
        await _work_through(
            session, rng, bodies, ref, evaluation, (agency_org, agency_user),
            (fin_org, fin_user), late=index == late, rework=index == rework,
        )  # fmt: skip
        count += 1
    await _summary(session, ref, fin_org, funds=count)
    await session.flush()
    return ProvincialCounts(provincial_evaluations=count, provincial_summaries=1)


async def _work_through(
    session: AsyncSession,
    rng: random.Random,
    bodies: Bodies,
    ref: DemoReference,
    evaluation: ProvincialEvaluation,
    agency: tuple[int, int],
    finance: tuple[int, int],
    *,
    late: bool,
    rework: bool,
) -> None:
    """Opened in June; 省税务局 concurs, the agency sends it to 财政厅, which approves (or returns) it."""
    tax_org, tax_user, _ = body(bodies, ref.province, ActorType.TAX, None)
    opened = at_office_hours(date(EVALUATED_YEAR + 1, 6, rng.randint(1, 10)), rng)
    day = (
        DUE + timedelta(days=rng.randint(3, 9))
        if late
        else DUE - timedelta(days=rng.randint(12 if rework else 1, 20))
    )
    submitted = at_office_hours(day, rng)
    steps: list[tuple[str, S | None, S, str | None, int, int, datetime]] = [
        ("OPEN", None, S.DRAFT, None, finance[1], finance[0], opened),
        ("TAX_CONCUR", S.DRAFT, S.DRAFT, "同意", tax_user, tax_org, submitted - timedelta(days=2)),
        ("SUBMIT", S.DRAFT, S.SUBMITTED, "逾期送财政厅（第十七条：每年7月10日前）" if late else None,
         agency[1], agency[0], submitted),
    ]  # fmt: skip
    evaluation.content_revision = 1
    if rework:
        returned = submitted + timedelta(days=3)
        again = returned + timedelta(days=5)
        steps += [
            ("RETURN", S.SUBMITTED, S.RETURNED, RETURN_REASON, finance[1], finance[0], returned),
            ("TAX_CONCUR", S.RETURNED, S.RETURNED, "同意", tax_user, tax_org, again - timedelta(days=1)),
            ("SUBMIT", S.RETURNED, S.SUBMITTED, None, agency[1], agency[0], again),
        ]
        evaluation.content_revision = 2
        submitted = again
    approved = submitted + timedelta(days=rng.randint(2, 6))
    steps.append(("APPROVE", S.SUBMITTED, S.APPROVED, "财政厅审核通过", finance[1], finance[0], approved))
    evaluation.status = S.APPROVED
    evaluation.tax_concurred_revision = evaluation.content_revision
    evaluation.submitted_at, evaluation.approved_at, evaluation.late = submitted, approved, late
    evaluation.created_at, evaluation.updated_at = opened, approved
    evaluation.row_version += len(steps) - 1
    await session.flush()
    # The service wrote the OPEN step today: moved to June with the rest.
    for step in (await session.exec(select(Step).where(Step.evaluation_id == evaluation.id))).all():
        await session.delete(step)
    session.add_all(
        Step(evaluation_id=evaluation.id or 0, action=action, from_status=before, to_status=after,
             reason=reason, user_id=user, organization_id=org, at=at)
        for action, before, after, reason, user, org, at in steps
    )  # fmt: skip


async def _summary(session: AsyncSession, ref: DemoReference, organization_id: int, *, funds: int) -> None:
    """财政厅's summary of 2025, sent on 28 July 2026 with the next 财社 number of its 2026 sequence."""
    sent = at_office_hours(SUMMARY_SENT, random.Random(SUMMARY_SENT.toordinal()))
    overview, problems, next_steps = summary_texts(EVALUATED_YEAR, funds, funds, late=1)
    summary = ProvincialEvaluationSummary(
        region_id=ref.province.id or 0, year=EVALUATED_YEAR, status=ProvincialSummaryStatus.SENT,
        overview=overview, problems=problems, next_steps=next_steps, organization_id=organization_id,
        sent_at=sent, late=False, created_at=sent - timedelta(days=10), updated_at=sent, row_version=3,
    )  # fmt: skip
    session.add(summary)
    await session.flush()
    rules = await rules_for_region(session=session, region=ref.province)
    prefix = document_prefix(rules.document_abbreviation, FINANCE_SOCIAL_SECURITY)
    last = select(sa.func.max(DocumentNumber.sequence)).where(
        DocumentNumber.organization_id == organization_id,
        DocumentNumber.family == FINANCE_SOCIAL_SECURITY,
        DocumentNumber.year == sent.year,
    )
    sequence = ((await session.exec(last)).one() or 0) + 1
    summary.document_number = f"{prefix}〔{sent.year}〕{sequence}号"
    session.add(
        DocumentNumber(
            organization_id=organization_id, family=FINANCE_SOCIAL_SECURITY, year=sent.year,
            sequence=sequence, subject_type=SUBJECT, subject_id=summary.id or 0, prefix=prefix,
            text=summary.document_number, created_at=sent,
        )
    )  # fmt: skip
