"""Facts to assess, put in place directly (Art. 22): deadline rows from sources registered for the test only
(a stand-in for every domain's, and the "rectification" source another domain will register), and the
self-evaluations and monitoring warnings of a year."""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import MonitoringWarning, Organization, Region, SelfEvaluation
from src.models.enums import ActorType, GoalStatus, PoolingLevel
from src.models.evaluation import SelfEvaluationStatus
from src.models.monitoring import Light, WarningKind, WarningStatus
from src.services.deadlines.context import DeadlineContext
from src.services.deadlines.items import DeadlineItem, DeadlineSource
from src.services.evaluation.deadlines import SELF_EVALUATION
from src.services.rules.region_defaults import RegionFacts
from src.subjects.registry import registry
from tests.factories import make_goal

_VERSIONS = count(100)
# (region code, kind, due on, done at or None, year about)
Row = tuple[str, str, date, datetime | None, int]


def at(day: date) -> datetime:
    """Noon in China on `day`."""
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


def source(name: str, rows: Sequence[Row], funds: Mapping[str, int] | None = None) -> DeadlineSource:
    """A source of `rows` (those due in the context's year), each of its own fund unless `funds` names the
    fund of a region's rows (a self-evaluation's)."""

    async def items(ctx: DeadlineContext) -> list[DeadlineItem]:
        by_code = {r.code: r for r in ctx.regions.values()}
        return [
            DeadlineItem(
                kind=kind,
                region=by_code[code],
                actor_type=ActorType.FINANCE,
                administration=None,
                fund_type_id=funds[code] if funds else n,
                year=about,
                period=None,
                due_on=due,
                done_at=done,
                label=f"{code}{kind}",
            )
            for n, (code, kind, due, done, about) in enumerate(rows, start=1)
            if due.year == ctx.year
        ]

    return DeadlineSource(name=name, kinds={row[1]: row[1] for row in rows}, items=items)


@contextmanager
def only_sources(*sources: DeadlineSource) -> Iterator[None]:
    """The registry's deadline sources replaced by `sources` while the block runs."""
    found = registry().deadline_sources
    kept = dict(found)
    found.clear()
    found.update({s.name: s for s in sources})
    try:
        yield
    finally:
        found.clear()
        found.update(kept)


async def region(session: AsyncSession, code: str) -> RegionFacts:
    return RegionFacts.of((await session.exec(select(Region).where(Region.code == code))).one())


async def self_evaluation(
    session: AsyncSession, code: str, status: SelfEvaluationStatus, score: str | None, year: int = 2025
) -> None:
    goal = await make_goal(session, region_code=code, year=year, status=GoalStatus.ISSUED)
    finance = Organization(
        name=f"{code}财政局{status}", actor_type=ActorType.FINANCE, region_id=goal.region_id
    )
    session.add(finance)
    await session.flush()
    session.add(
        SelfEvaluation(
            region_id=goal.region_id, fund_type_id=goal.fund_type_id, year=year, goal_id=goal.id or 0,
            pooling_level=PoolingLevel.PREFECTURE, status=status, opener_organization_id=finance.id or 0,
            total_score=Decimal(score) if score else None,
        )
    )  # fmt: skip
    await session.flush()


async def warning(
    session: AsyncSession, code: str, month: int, status: WarningStatus, responded: date | None
) -> None:
    # A version of its own per warning: the goals of one region and year differ only by it.
    goal = await make_goal(
        session, region_code=code, year=2025, status=GoalStatus.ISSUED, version=next(_VERSIONS), indicators=0
    )
    session.add(
        MonitoringWarning(
            key=f"INDICATOR:{goal.id}:{month}", kind=WarningKind.INDICATOR, region_id=goal.region_id,
            fund_type_id=goal.fund_type_id, goal_id=goal.id or 0, year=2025, month=month, light=Light.RED,
            status=status, responded_at=at(responded) if responded else None,
        )
    )  # fmt: skip
    await session.flush()


SELF_EVALUATION_KIND = SELF_EVALUATION
