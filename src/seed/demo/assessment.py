"""Demo assessment of the prefectures (Art. 22): 财政厅's 2025 round, computed from the demo's own facts as
they stood when it was computed (before its publishing on 20 October 2026, ahead of the province's
ASSESSMENT_DEADLINE, 10月31日: the text sets no date), concurred with by 人社厅, 省医保局 and 省税务局,
published with the next 财社 number of 财政厅's 2026 sequence (after the feedback letters'). Rows, as the
feedbacks are (feedbacks.py): the service would stamp every step with today; the computation is the
service's own (computing.py), with the province's default weights and bands. It draws nothing from the
demo's generator."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import col, insert, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import AssessmentRound, DocumentNumber, PrefectureAssessment, RegionalRule
from src.models.assessment import AssessmentOutcome, AssessmentStatus
from src.models.enums import ActorType, Administration
from src.reports.numbering import document_prefix
from src.seed.demo.context import DemoReference
from src.seed.demo.monitoring_bodies import body, load_bodies
from src.seed.demo.monitoring_scopes import at_office_hours
from src.services.assessment.computing import computed_rows
from src.services.assessment.scope import ROUND
from src.services.rules import rules_for_region
from src.services.rules.definition import RuleKey
from src.subjects.documents import FINANCE_SOCIAL_SECURITY

ASSESSED_YEAR = 2025
PUBLISHED_ON = date(ASSESSED_YEAR + 1, 10, 20)


@dataclass(frozen=True)
class AssessmentCounts:
    assessment_rounds: int
    prefecture_assessments: int
    weak: int


async def add_assessment(session: AsyncSession, ref: DemoReference) -> AssessmentCounts:
    bodies = await load_bodies(session)
    finance = body(bodies, ref.province, ActorType.FINANCE, None)[0]
    co_issuers = [
        body(bodies, ref.province, ActorType.HRSS, Administration.HRSS)[0],
        body(bodies, ref.province, ActorType.MEDICAL_SECURITY, Administration.MEDICAL_SECURITY)[0],
        body(bodies, ref.province, ActorType.TAX, None)[0],
    ]
    published = at_office_hours(PUBLISHED_ON, random.Random(ASSESSED_YEAR))
    row = AssessmentRound(
        region_id=ref.province.id or 0, year=ASSESSED_YEAR, status=AssessmentStatus.PUBLISHED,
        organization_id=finance, content_revision=1, hrss_concurred_revision=1,
        medical_security_concurred_revision=1, tax_concurred_revision=1,
        computed_at=published - timedelta(days=6), co_issuer_ids=co_issuers, published_at=published,
        created_at=published - timedelta(days=7), updated_at=published, row_version=6,
    )  # fmt: skip
    session.add(row)
    # The demo's generated monitoring answers most warnings late, so the default bands (90, 60) would call
    # nearly every prefecture 工作推进不力: the demo province sets its own (Art. 23, province-only rules).
    session.add_all(
        RegionalRule(region_id=ref.province.id or 0, key=key, value=value)
        for key, value in (
            (RuleKey.ASSESSMENT_COMMEND_FROM, "62.00"),
            (RuleKey.ASSESSMENT_WEAK_BELOW, "45.00"),
        )
    )
    await session.flush()
    rows, weights = await computed_rows(
        session=session, province=ref.province, assessment=row, today=PUBLISHED_ON - timedelta(days=6)
    )
    row.weights = weights
    for prefecture in rows:
        prefecture.published = True
        prefecture.created_at = prefecture.updated_at = published - timedelta(days=6)
    await session.exec(insert(PrefectureAssessment), params=[r.model_dump(exclude={"id"}) for r in rows])
    rules = await rules_for_region(session=session, region=ref.province)
    prefix = document_prefix(rules.document_abbreviation, FINANCE_SOCIAL_SECURITY)
    row.document_number = await _number(session, row, finance, prefix)
    await session.flush()
    weak = sum(r.outcome == AssessmentOutcome.WEAK for r in rows)
    return AssessmentCounts(assessment_rounds=1, prefecture_assessments=len(rows), weak=weak)


async def _number(session: AsyncSession, row: AssessmentRound, organization_id: int, prefix: str) -> str:
    """The next 财社 number of 财政厅's sequence in the year of publishing, recorded: numbering goes on."""
    assert row.published_at is not None
    year = row.published_at.year
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
            subject_type=ROUND, subject_id=row.id or 0, prefix=prefix, text=text,
            created_at=row.published_at,
        )
    )  # fmt: skip
    await session.flush()
    return text
