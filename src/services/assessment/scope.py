"""Where an assessment sits for visibility (src/subjects/scope.py). A round sits at its province, a draft
until published: the province's bodies read it, the prefectures read it once published (a region above
them, no longer a draft). A prefecture's row sits at the province while its round is a draft (nobody below
reads a result not yet published), then at the prefecture: its own bodies read it, no other prefecture.
Both concern every fund (addressed to both administrations: 人社厅 and 省医保局 both concur)."""

from sqlalchemy import ColumnElement, case, true
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Region
from src.models.assessment import AssessmentRound, AssessmentStatus, PrefectureAssessment
from src.models.enums import Administration
from src.services import policy
from src.services.actors import Actor
from src.services.rows import kept_row
from src.subjects.columns import region_path_of
from src.subjects.scope import ColumnTerms, RecordScope

ROUND = "AssessmentRound"  # the subjects' names in the registry (src/domains/assessment.py)
PREFECTURE = "PrefectureAssessment"
BOTH = frozenset(Administration)


def _both(administration: Administration) -> ColumnElement[bool]:
    del administration  # the assessment is of the prefecture's work on every fund
    return true()


async def round_scope(session: AsyncSession, row: AssessmentRound) -> RecordScope:
    region = await kept_row(session, Region, row.region_id)
    assert region is not None
    return RecordScope(
        region_id=row.region_id,
        region_path=region.path,
        administrations=BOTH,
        draft=row.status == AssessmentStatus.DRAFT,
    )


def visible_rounds_clause(actor: Actor) -> ColumnElement[bool]:
    columns = ColumnTerms(
        region_path=region_path_of(AssessmentRound.region_id),
        addressed=_both,
        draft=col(AssessmentRound.status) == AssessmentStatus.DRAFT,
    )
    return policy.visible_clause(actor, columns)


def _sits_at(row: PrefectureAssessment, province_id: int) -> int:
    return row.region_id if row.published else province_id


async def prefecture_scope(session: AsyncSession, row: PrefectureAssessment) -> RecordScope:
    round_ = await session.get(AssessmentRound, row.round_id)
    assert round_ is not None
    region = await kept_row(session, Region, _sits_at(row, round_.region_id))
    assert region is not None and region.id is not None
    return RecordScope(
        region_id=region.id, region_path=region.path, administrations=BOTH, draft=not row.published
    )


def _province_path() -> ColumnElement[str]:
    """The path of the row's round's province: one correlated subquery (joined, so that it correlates to the
    prefecture_assessment row outside it)."""
    stmt = (
        select(Region.path)
        .join(AssessmentRound, col(AssessmentRound.region_id) == Region.id)
        .where(col(AssessmentRound.id) == PrefectureAssessment.round_id)
    )
    return stmt.scalar_subquery()


def visible_prefectures_clause(actor: Actor) -> ColumnElement[bool]:
    published = col(PrefectureAssessment.published)
    columns = ColumnTerms(
        region_path=case((published, region_path_of(PrefectureAssessment.region_id)), else_=_province_path()),
        addressed=_both,
        draft=~published,
    )
    return policy.visible_clause(actor, columns)


async def province_scope(session: AsyncSession, row: AssessmentRound) -> policy.Scope:
    """Where 财政厅's and the concurring bodies' actions on a round apply: the province."""
    region = await kept_row(session, Region, row.region_id)
    assert region is not None
    return policy.Scope(region_path=region.path, region_level=region.level)
