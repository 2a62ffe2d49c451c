"""The rows of the year's goals export (GOALS_XLSX): every indicator of every goal of the year its requester
may read (the goals query's visibility, policy.visibility), with its goal's region, in one statement whose
rows arrive in partitions (`yield_per`: a server-side cursor on PostgreSQL), so the export holds one
partition at a time whatever the number of goals.

Order: fund (its sort order: one sheet each), region (path: a province before its prefectures), goal,
then the indicator library's order as the goal table prints it (一级 in Art. 9's order, 二级 as the
library ranks it, a 二级 the library does not know after the known ones), then the goal's own order.
A goal of the year is one whose years hold it (an annual goal of that year, an overall goal spanning it);
a version superseded by its adjustment is left out (its successor stands for it).
"""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, Indicator, IndicatorTemplate, Region
from src.models.enums import (
    Comparator,
    GoalHorizon,
    GoalStatus,
    IndicatorCategory,
    IndicatorKind,
    QualitativeGrade,
)
from src.services import policy
from src.services.actors import Actor
from src.services.goals.scope import visible_goals_clause
from src.subjects.documents import ExportScope
from src.subjects.scope import RecordScope

PARTITION_ROWS = 2000  # rows fetched at a time: a partition of a national export is a few hundred kB


@dataclass(frozen=True)
class Fund:
    id: int
    name: str


@dataclass(frozen=True)
class IndicatorRow:
    fund_type_id: int
    region_code: str
    region_name: str
    goal_title: str
    horizon: GoalHorizon
    status: GoalStatus
    document_number: str | None
    level1: IndicatorCategory
    level2: str
    level3: str
    kind: IndicatorKind
    comparator: Comparator
    target_value: Decimal | None
    target_grade: QualitativeGrade | None
    unit: str
    weight: Decimal


async def readable_funds(*, session: AsyncSession, actor: Actor, scope: ExportScope) -> list[Fund]:
    """The funds whose records the requester reads at its own region (an HRSS user: its administration's
    funds), in their order: one sheet each, also for a fund without goals of the year."""
    stmt = select(FundType).order_by(col(FundType.sort_order), col(FundType.id))
    if scope.fund_type_id is not None:
        stmt = stmt.where(FundType.id == scope.fund_type_id)
    funds = []
    for fund in (await session.exec(stmt)).all():
        assert fund.id is not None
        place = RecordScope(
            region_id=actor.region_id,
            region_path=actor.region_path,
            fund_type_id=fund.id,
            administrations=frozenset({fund.administration}),
        )
        if fund.active and policy.visible(actor.unconfined(), place):
            funds.append(Fund(fund.id, fund.name_zh))
    return funds


# The goal's region and fund under names of their own: the visibility clause's subqueries read region and
# fund_type themselves (correlated to the goal), which the joined tables would otherwise capture.
PLACE = aliased(Region, name="place")
FUND = aliased(FundType, name="fund")
# What a row holds, in IndicatorRow's order.
COLUMNS = (
    Goal.fund_type_id,
    PLACE.code,
    PLACE.name,
    Goal.title,
    Goal.horizon,
    Goal.status,
    Goal.document_number,
    Indicator.level1,
    Indicator.level2,
    Indicator.level3,
    Indicator.kind,
    Indicator.comparator,
    Indicator.target_value,
    Indicator.target_grade,
    Indicator.unit,
    Indicator.weight,
)


def _library_rank() -> sa.Subquery:
    """The rank of each (一级, 二级) in the indicator library: its first template's place."""
    return (
        select(
            col(IndicatorTemplate.level1).label("level1"),
            col(IndicatorTemplate.level2).label("level2"),
            sa.func.min(IndicatorTemplate.sort_order).label("rank"),
        )
        .group_by(col(IndicatorTemplate.level1), col(IndicatorTemplate.level2))
        .subquery("library")
    )


def rows_select(actor: Actor, scope: ExportScope, fund_ids: Sequence[int]) -> sa.Select[*tuple[Any, ...]]:
    library = _library_rank()
    category = sa.case(
        {category.value: rank for rank, category in enumerate(IndicatorCategory)}, value=Indicator.level1
    )
    unknown = sa.literal(2**31 - 1)
    stmt = (
        sa.select(*[col(column) for column in COLUMNS])
        .join(Goal, col(Goal.id) == Indicator.goal_id)
        .join(PLACE, col(PLACE.id) == Goal.region_id)
        .join(FUND, col(FUND.id) == Goal.fund_type_id)
        .outerjoin(
            library, sa.and_(library.c.level1 == Indicator.level1, library.c.level2 == Indicator.level2)
        )
        .where(
            visible_goals_clause(actor),
            col(Goal.fund_type_id).in_(list(fund_ids)),
            col(Goal.start_year) <= scope.year,
            col(Goal.end_year) >= scope.year,
            col(Goal.status) != GoalStatus.SUPERSEDED,
        )
        .order_by(
            col(FUND.sort_order),
            col(FUND.id),
            col(PLACE.path),
            col(Goal.horizon),
            col(Goal.id),
            category,
            sa.func.coalesce(library.c.rank, unknown),
            col(Indicator.level2),
            col(Indicator.sort_order),
            col(Indicator.id),
        )
    )
    if not scope.include_drafts:
        stmt = stmt.where(col(Goal.status).not_in(list(policy.DRAFT_STATES)))
    if scope.region_path is not None:
        stmt = stmt.where(col(PLACE.path).startswith(scope.region_path))
    return stmt


async def indicator_partitions(
    *, session: AsyncSession, actor: Actor, scope: ExportScope, fund_ids: Sequence[int]
) -> AsyncIterator[list[IndicatorRow]]:
    """The export's rows, PARTITION_ROWS at a time, from one statement."""
    if not fund_ids:
        return
    stmt = rows_select(actor, scope, fund_ids).execution_options(yield_per=PARTITION_ROWS)
    result = await session.stream(stmt)
    async for partition in result.partitions():
        yield [IndicatorRow(*row) for row in partition]
