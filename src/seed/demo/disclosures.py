"""Demo performance disclosures (Art. 21): 财政厅's 2025 disclosure PUBLISHED — the province's issued 2025
goals (of the funds pooled at the province) and the seven approved provincial evaluation results —
approved in August 2026 by a second user of 财政厅 (复核, four eyes: the one added here), reported to the
省人大常委会 on 28 August and published on 31 August under the next 财社 number; and 成都's 2025
disclosure as a DRAFT holding its issued goals. Rows, as the feedbacks are (feedbacks.py): the services
would stamp every step with today. The published one's document is rendered on request (its report job is
not part of the demo). It draws nothing from the demo's generator: the data before it stays as it was.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Disclosure, DisclosureItem, DocumentNumber, Goal, ProvincialEvaluation, User
from src.models.disclosure import DisclosureItemKind, DisclosureStatus
from src.models.enums import ActorType
from src.models.provincial_evaluation import ProvincialEvaluationStatus
from src.reports.numbering import CHINA, document_prefix
from src.seed.demo.context import DemoReference
from src.seed.demo.monitoring_bodies import body, load_bodies
from src.services import policy
from src.services.disclosure.scope import SUBJECT
from src.services.disclosure.snapshot import public_content
from src.services.rules import rules_for_region
from src.subjects.documents import FINANCE_SOCIAL_SECURITY

YEAR = 2025
APPROVED = datetime.combine(date(YEAR + 1, 8, 26), time(10, 0), CHINA)
REPORTED_ON = date(YEAR + 1, 8, 28)
PUBLISHED = datetime.combine(date(YEAR + 1, 8, 31), time(9, 30), CHINA)
REVIEWER = "fin_review_510000"  # 财政厅's second user: approves what the first edited
PREFACE = (
    "为加大社会保险基金绩效信息公开力度，接受人大和社会各界监督，"
    "现将我省2025年度社会保险基金预算重要绩效目标和绩效评价结果公开如下。"
)
DRAFT_REGION = "510100"  # 成都市


@dataclass(frozen=True)
class DisclosureCounts:
    disclosures: int
    disclosure_items: int
    users: int  # the reviewer added


async def _goals(session: AsyncSession, region_id: int) -> list[Goal]:
    stmt = select(Goal).where(
        Goal.region_id == region_id,
        col(Goal.status).in_(policy.ISSUED_STATES),
        col(Goal.start_year) <= YEAR,
        col(Goal.end_year) >= YEAR,
    )
    return list((await session.exec(stmt.order_by(col(Goal.fund_type_id), col(Goal.id)))).all())


async def _add(
    session: AsyncSession, disclosure: Disclosure, records: list[tuple[DisclosureItemKind, int, str]]
) -> int:
    session.add(disclosure)
    await session.flush()
    for order, (kind, record_id, note) in enumerate(records):
        session.add(
            DisclosureItem(
                disclosure_id=disclosure.id or 0, kind=kind, record_id=record_id, note=note, sort_order=order
            )
        )
    await session.flush()
    return len(records)


async def add_disclosures(session: AsyncSession, ref: DemoReference, password_hash: str) -> DisclosureCounts:
    bodies = await load_bodies(session)
    fin_org, fin_user, _ = body(bodies, ref.province, ActorType.FINANCE, None)
    reviewer = User(
        username=REVIEWER, full_name="复核人", organization_id=fin_org, password_hash=password_hash
    )
    session.add(reviewer)
    await session.flush()
    province = ref.province.id or 0
    evaluations = (
        await session.exec(
            select(ProvincialEvaluation)
            .where(
                ProvincialEvaluation.region_id == province,
                ProvincialEvaluation.year == YEAR,
                ProvincialEvaluation.status == ProvincialEvaluationStatus.APPROVED,
            )
            .order_by(col(ProvincialEvaluation.fund_type_id))
        )
    ).all()
    records = [(DisclosureItemKind.GOAL, g.id or 0, "") for g in await _goals(session, province)]
    records += [(DisclosureItemKind.PROVINCIAL_EVALUATION, e.id or 0, "") for e in evaluations]
    published = Disclosure(
        region_id=province, year=YEAR, organization_id=fin_org, last_edited_by=fin_user, preface=PREFACE,
        created_at=APPROVED - timedelta(days=10), updated_at=PUBLISHED, row_version=6,
    )  # fmt: skip
    items = await _add(session, published, records)
    published.snapshot = await public_content(session, published)
    published.status = DisclosureStatus.PUBLISHED
    published.approved_by, published.approved_at = reviewer.id, APPROVED
    published.reported_on, published.published_at = REPORTED_ON, PUBLISHED
    published.document_number = await _number(session, published, fin_org, ref)
    session.add(published)
    prefecture = next(r for r in ref.prefectures if r.code == DRAFT_REGION)
    pre_org, pre_user, _ = body(bodies, prefecture, ActorType.FINANCE, None)
    draft = Disclosure(
        region_id=prefecture.id or 0, year=YEAR, organization_id=pre_org, last_edited_by=pre_user,
        created_at=PUBLISHED, updated_at=PUBLISHED,
    )  # fmt: skip
    goals = await _goals(session, prefecture.id or 0)
    items += await _add(session, draft, [(DisclosureItemKind.GOAL, g.id or 0, "") for g in goals])
    await session.flush()
    return DisclosureCounts(disclosures=2, disclosure_items=items, users=1)


async def _number(
    session: AsyncSession, disclosure: Disclosure, organization_id: int, ref: DemoReference
) -> str:
    """The next 财社 number of 财政厅's 2026 sequence, recorded so numbering goes on."""
    rules = await rules_for_region(session=session, region=ref.province)
    prefix = document_prefix(rules.document_abbreviation, FINANCE_SOCIAL_SECURITY)
    year = PUBLISHED.year
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
            subject_type=SUBJECT, subject_id=disclosure.id or 0, prefix=prefix, text=text,
            created_at=PUBLISHED,
        )
    )  # fmt: skip
    await session.flush()
    return text
