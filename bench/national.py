"""The national-scale data set: all of China's regions and one year of annual goals for every pooling region.

For the year, every (fund type × pooling region) gets an ANNUAL goal, the pooling region following the fund's
pooling level that year (province for NATIONAL / PROVINCIAL_UNIFIED, prefecture otherwise), across all 31
provinces. Each goal gets indicators drawn from the indicator library (the fund's own templates first, then
the common ones), weights summing to the province's indicator total (90). Goals and indicators are
inserted with Core `insert()` and lists of dicts, so building takes seconds.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlmodel import col
from sqlmodel import select as model_select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import metadata
from src.models import FundType, Goal, Indicator, IndicatorTemplate, PoolingArrangement, Region
from src.models.base import utcnow
from src.models.enums import GoalHorizon, GoalStatus, IndicatorKind, RegionLevel
from src.seed.reference import load_reference_data, load_regions, read_region_csv
from src.services.pooling import pooling_region_level
from src.services.rules import DEFINITION, RuleKey

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions_china.csv"
YEAR = 2026
MIN_INDICATORS = 20_000
MIN_PER_GOAL = 10
CHUNK = 2_000  # rows per executemany; keeps parameter lists modest on both databases
# The province's indicator weight total (INDICATOR_WEIGHT_TOTAL): every goal's weights add up to it.
WEIGHT_TOTAL = int(Decimal(DEFINITION[RuleKey.INDICATOR_WEIGHT_TOTAL].default))

# Statuses cycle so the data is not uniform (the query does not filter on them).
_STATUSES = [GoalStatus.ISSUED, GoalStatus.REVIEWED, GoalStatus.SUBMITTED, GoalStatus.DRAFT]


@dataclass(frozen=True)
class NationalCounts:
    region_rows: int  # rows in the CSV
    regions: int  # regions stored (self-parented rows are skipped by load_regions)
    provinces: int
    prefectures: int
    goals: int
    indicators: int
    indicators_per_goal: int


def _table(name: str) -> Table:
    return metadata.tables[name]


def split_weights(n: int, total: int = WEIGHT_TOTAL) -> list[Decimal]:
    """`n` whole-number weights summing to `total`, the larger ones first (14 of 100 → 8, 8, 7, …, 7)."""
    base, extra = divmod(total, n)
    return [Decimal(base + 1 if i < extra else base) for i in range(n)]


def _count_target(template: IndicatorTemplate, region: Region, fund_index: int) -> Decimal:
    """A plausible target for count indicators (blank default): deterministic, varies by region and fund."""
    seed = int(region.code) // 100 + fund_index * 37
    return Decimal(50 + seed % 950) + Decimal(seed % 100) / 100


async def build_national(session: AsyncSession, year: int = YEAR) -> NationalCounts:
    """Load reference data, China's regions and the goals; flushes but does not commit."""
    await load_reference_data(session=session)
    region_rows = read_region_csv(REGIONS_CSV)
    await load_regions(session=session, rows=region_rows)

    regions = list((await session.exec(model_select(Region).order_by(col(Region.code)))).all())
    by_level: dict[RegionLevel, list[Region]] = defaultdict(list)
    for region in regions:
        by_level[region.level].append(region)

    funds = list((await session.exec(model_select(FundType).order_by(col(FundType.sort_order)))).all())
    arrangements = model_select(PoolingArrangement).where(PoolingArrangement.year == year)
    pooling = {p.fund_type_id: p.pooling_level for p in (await session.exec(arrangements)).all()}
    templates = list(
        (
            await session.exec(
                model_select(IndicatorTemplate)
                .where(col(IndicatorTemplate.active))
                .order_by(col(IndicatorTemplate.sort_order))
            )
        ).all()
    )
    common = [t for t in templates if t.fund_type_id is None]
    own: dict[int, list[IndicatorTemplate]] = defaultdict(list)
    for t in templates:
        if t.fund_type_id is not None:
            own[t.fund_type_id].append(t)

    # One goal per (fund × pooling region of the fund's level).
    scopes: list[tuple[FundType, Region]] = []
    for fund in funds:
        assert fund.id is not None
        level = pooling_region_level(pooling[fund.id])
        scopes.extend((fund, region) for region in by_level[level])

    # "About ten" indicators a goal, but enough of them for the indicator total to reach MIN_INDICATORS.
    per_goal = max(MIN_PER_GOAL, math.ceil(MIN_INDICATORS / len(scopes)))
    for fund in funds:
        assert fund.id is not None
        available = len(own[fund.id]) + len(common)
        if available < per_goal:
            raise SystemExit(f"fund {fund.code} has only {available} templates; {per_goal} needed per goal")
    weights = split_weights(per_goal)

    now = utcnow()
    goal_rows: list[dict[str, Any]] = []
    for i, (fund, region) in enumerate(scopes):
        goal_rows.append(
            {
                "title": f"{region.name}{fund.name_zh}{year}年度绩效目标",
                "horizon": GoalHorizon.ANNUAL,
                "start_year": year,
                "end_year": year,
                "content": f"{region.name}{year}年度{fund.name_zh}预算绩效目标（基准测试数据）",
                "fund_type_id": fund.id,
                "region_id": region.id,
                "status": _STATUSES[i % len(_STATUSES)],
                "version": 1,
                "row_version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    conn = await session.connection()
    goal_table = _table(str(Goal.__tablename__))
    for start in range(0, len(goal_rows), CHUNK):
        await conn.execute(insert(goal_table), goal_rows[start : start + CHUNK])

    goal_ids = {
        (fund_id, region_id): goal_id
        for goal_id, fund_id, region_id in (
            await conn.execute(
                select(goal_table.c.id, goal_table.c.fund_type_id, goal_table.c.region_id).where(
                    goal_table.c.start_year == year, goal_table.c.horizon == GoalHorizon.ANNUAL
                )
            )
        ).all()
    }

    indicator_rows: list[dict[str, Any]] = []
    for fund, region in scopes:
        assert fund.id is not None and region.id is not None
        goal_id = goal_ids[(fund.id, region.id)]
        chosen = (own[fund.id] + common)[:per_goal]
        for sort_order, (template, weight) in enumerate(zip(chosen, weights, strict=True), start=1):
            qualitative = template.kind == IndicatorKind.QUALITATIVE
            target = template.default_target_value
            if target is None and not qualitative:
                target = _count_target(template, region, fund.sort_order)
            indicator_rows.append(
                {
                    "goal_id": goal_id,
                    "template_id": template.id,
                    "level1": template.level1,
                    "level2": template.level2,
                    "level3": template.level3,
                    "kind": template.kind,
                    "comparator": template.comparator,
                    "target_value": None if qualitative else target,
                    "target_grade": template.default_target_grade if qualitative else None,
                    "unit": template.unit,
                    "weight": weight,
                    "definition": template.definition,
                    "sort_order": sort_order,
                    "row_version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    indicator_table = _table(str(Indicator.__tablename__))
    for start in range(0, len(indicator_rows), CHUNK):
        await conn.execute(insert(indicator_table), indicator_rows[start : start + CHUNK])

    goals = (await conn.execute(select(func.count()).select_from(goal_table))).scalar_one()
    indicators = (await conn.execute(select(func.count()).select_from(indicator_table))).scalar_one()
    assert goals == len(scopes), (goals, len(scopes))
    assert indicators >= MIN_INDICATORS, (
        f"only {indicators} indicators; the national set needs ≥ {MIN_INDICATORS}"
    )
    return NationalCounts(
        region_rows=len(region_rows),
        regions=len(regions),
        provinces=len(by_level[RegionLevel.PROVINCE]),
        prefectures=len(by_level[RegionLevel.PREFECTURE]),
        goals=goals,
        indicators=indicators,
        indicators_per_goal=per_goal,
    )
