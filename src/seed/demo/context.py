"""What the demo data builds on: the reference rows it needs, the years it covers, and shared helpers."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import (
    FundBudget,
    FundBudgetLine,
    FundType,
    Goal,
    Indicator,
    IndicatorTemplate,
    Organization,
    PoolingArrangement,
    Region,
    User,
)
from src.models.enums import PoolingLevel, RegionLevel
from src.seed.demo.figures import PrefectureSize
from src.services.errors import DomainError
from src.services.pooling import pooling_region_level

PROVINCE_CODE = "510000"
YEARS = (2025, 2026)
PERIODS = {2025: (2021, 2025), 2026: (2026, 2030)}  # 十四五, 十五五
ADJUSTED_YEARS = (2025,)

ScopeKey = tuple[str, str, int]  # region code, fund code, budget year


@dataclass(frozen=True)
class DemoReference:
    province: Region
    prefectures: list[Region]
    funds: list[FundType]
    templates: list[IndicatorTemplate]
    pooling: dict[tuple[int, int], PoolingLevel]


async def load_reference(session: AsyncSession) -> DemoReference:
    province = (await session.exec(select(Region).where(Region.code == PROVINCE_CODE))).first()
    fund_order = (col(FundType.sort_order), col(FundType.code))
    funds = (await session.exec(select(FundType).order_by(*fund_order))).all()
    if province is None or not funds:
        raise DomainError("请先载入基础数据（地区、险种、统筹层次和指标库），再载入演示数据")
    prefectures = (
        await session.exec(
            select(Region)
            .where(Region.parent_id == province.id, Region.level == RegionLevel.PREFECTURE)
            .order_by(col(Region.code))
        )
    ).all()
    templates = (
        await session.exec(
            select(IndicatorTemplate)
            .where(col(IndicatorTemplate.active).is_(True))
            .order_by(col(IndicatorTemplate.sort_order), col(IndicatorTemplate.key))
        )
    ).all()
    arrangements = (await session.exec(select(PoolingArrangement))).all()
    pooling = {(p.fund_type_id, p.year): p.pooling_level for p in arrangements}
    missing = sorted({f.name_zh for f in funds for y in YEARS if (f.id, y) not in pooling})
    if missing:
        raise DomainError(f"以下险种缺少{YEARS[0]}—{YEARS[-1]}年的统筹层次：{'、'.join(missing)}")
    return DemoReference(province, list(prefectures), list(funds), list(templates), pooling)


async def require_empty(session: AsyncSession) -> None:
    for model in (Organization, User, Goal, FundBudget):
        count = (await session.exec(select(func.count()).select_from(model))).one()
        if count:
            raise DomainError("数据库中已有组织、用户、目标或预算数据，演示数据只能载入这些表为空的数据库")


def row_id(
    row: Organization | Goal | Region | FundType | FundBudget | IndicatorTemplate | Indicator | User,
) -> int:
    assert row.id is not None, "flushed before use"
    return row.id


def scope_regions(ref: DemoReference, fund: FundType, year: int) -> list[Region]:
    """The province-wide region first, then the prefectures where the fund is prefecture-pooled."""
    level = pooling_region_level(ref.pooling[(row_id(fund), year)])
    return [ref.province, *(ref.prefectures if level == RegionLevel.PREFECTURE else [])]


def prefecture_size(sizes: dict[str, PrefectureSize], region: Region) -> PrefectureSize:
    # A prefecture missing from the demo table (another province's data) gets a mid-sized default.
    return sizes.get(region.code) or PrefectureSize(region.code, 300.0, 1.0, 1.0)


async def bulk_insert(
    session: AsyncSession, model: type[Indicator | FundBudgetLine], rows: list[dict[str, Any]]
) -> None:
    """Leaf rows whose ids nobody needs: one executemany, no ORM objects (the slow part at these counts)."""
    if rows:
        await session.exec(insert(model), params=rows)
