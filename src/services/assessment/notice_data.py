"""What the 考核结果通报 (Art. 22) is made of, read for an actor who may read the round: the issuers (财政厅
first, then 人社厅, 省医保局 and 省税务局: as recorded at publishing, or while a draft the province's bodies
that would co-issue it), the weights and bands used, and every prefecture's row in rank order (the notice
goes to all prefectures: it names the commended and the weak). The context (src/reports/contexts/
assessment_notice.py) turns it into the document's keys."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Organization, Region
from src.models.assessment import AssessmentOutcome, AssessmentStatus, PrefectureAssessment
from src.services.actors import Actor
from src.services.assessment.rounds import CONCURRING, visible_round
from src.services.deadlines.items import china_date


@dataclass(frozen=True)
class NoticeRow:
    rank: int
    name: str
    row: PrefectureAssessment


@dataclass(frozen=True)
class NoticeData:
    year: int
    number: str  # "" until published
    published_on: date | None
    computed: bool
    issuers: list[str]  # 财政厅 first
    weights: dict[str, Decimal]  # rule key → value, as used
    rows: list[NoticeRow]  # by rank, then code

    def named(self, outcome: AssessmentOutcome) -> list[str]:
        return [r.name for r in self.rows if r.row.outcome == outcome]


async def notice_data(*, session: AsyncSession, actor: Actor, round_id: int) -> NoticeData:
    """The notice of a round; NotFound when `actor` may not read it."""
    found = await visible_round(session=session, actor=actor, round_id=round_id)
    stmt = (
        select(Organization).where(Organization.region_id == found.region_id).order_by(col(Organization.id))
    )
    province = (await session.exec(stmt)).all()
    by_id = {o.id: o.name for o in province}
    finance = by_id.get(found.organization_id, "")
    if found.status == AssessmentStatus.PUBLISHED:
        co = [by_id[i] for i in found.co_issuer_ids or [] if i in by_id]
    else:
        firsts = [next((o for o in province if o.actor_type == body), None) for body in CONCURRING]
        co = [o.name for o in firsts if o is not None]
    rows = (
        await session.exec(
            select(PrefectureAssessment, Region)
            .join(Region, col(Region.id) == PrefectureAssessment.region_id)
            .where(PrefectureAssessment.round_id == found.id)
            .order_by(col(PrefectureAssessment.rank), col(Region.code))
        )
    ).all()
    return NoticeData(
        year=found.year,
        number=found.document_number or "",
        published_on=china_date(found.published_at) if found.published_at else None,
        computed=found.content_revision > 0,
        issuers=[name for name in (finance, *co) if name],
        weights={key: Decimal(text) for key, text in (found.weights or {}).items()},
        rows=[NoticeRow(rank=row.rank, name=region.name, row=row) for row, region in rows],
    )
