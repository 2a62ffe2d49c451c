"""Reading warnings: the visibility-aware list, and the open ones counted per region and fund, rolled up the
hierarchy (a prefecture's or province's view: how many are open at home and under each region below). A
warning whose answer is only drafted is a draft (scope.py): read in its region and above, as still open."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.models import Region
from src.models.monitoring import MonitoringWarning, WarningStatus
from src.services.actors import Actor
from src.services.filters import narrow
from src.services.monitoring.scope import visible_warnings_clause

# Not yet answered: a drafted response is not an answer.
OPEN_STATES = (WarningStatus.OPEN, WarningStatus.RESPONSE_DRAFT)


@dataclass(frozen=True)
class WarningQuery:
    year: int | None = None
    region_code: str | None = None
    fund_type_code: str | None = None
    include_descendants: bool = False
    statuses: list[WarningStatus] = field(default_factory=list)


def warnings_select(query: WarningQuery, actor: Actor) -> SelectOfScalar[MonitoringWarning]:
    """The warnings matching `query` that `actor` may read."""
    stmt = select(MonitoringWarning).where(visible_warnings_clause(actor))
    if query.year is not None:
        stmt = stmt.where(MonitoringWarning.year == query.year)
    if query.statuses:
        stmt = stmt.where(col(MonitoringWarning.status).in_([s.value for s in query.statuses]))
    return narrow(
        stmt, query, region_column=MonitoringWarning.region_id, fund_column=MonitoringWarning.fund_type_id
    )


@dataclass(frozen=True)
class OpenCount:
    region_id: int  # the region itself, or one directly below it (its whole subtree)
    fund_type_id: int
    open: int


async def open_counts(*, session: AsyncSession, actor: Actor, region: Region, year: int) -> list[OpenCount]:
    """Open warnings (not yet answered) the actor may read, per fund: those of `region` itself and those of
    each region directly below it with everything below that (one statement)."""
    path = select(Region.path).where(col(Region.id) == MonitoringWarning.region_id).scalar_subquery()
    stmt = (
        select(path, MonitoringWarning.fund_type_id, func.count())
        .where(
            visible_warnings_clause(actor),
            MonitoringWarning.year == year,
            col(MonitoringWarning.status).in_([s.value for s in OPEN_STATES]),
            path.startswith(region.path, autoescape=True),
        )
        .group_by(path, col(MonitoringWarning.fund_type_id))
    )
    rows = (await session.exec(stmt)).all()
    below = {
        r.path: r.id or 0
        for r in (await session.exec(select(Region).where(Region.parent_id == region.id))).all()
    }
    counts: Counter[tuple[int, int]] = Counter()
    depth = len(region.path.strip("/").split("/"))
    for warning_path, fund_id, count in rows:
        codes = warning_path.strip("/").split("/")
        child = "/" + "/".join(codes[: depth + 1]) + "/"
        counts[below.get(child, region.id or 0), fund_id] += count
    return [OpenCount(r, f, n) for (r, f), n in sorted(counts.items())]
