"""Pooling regions (统筹地区, Art. 6): which regions own a fund's budget in a given year."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import PoolingArrangement, Region
from src.models.enums import PoolingLevel, RegionLevel
from src.services.errors import NotFound

# Art. 6: national and 统收统支 funds are the province's responsibility; 调剂金, prefecture and any lower
# pooling leave it with the prefecture.
_RESPONSIBLE_LEVEL: dict[PoolingLevel, RegionLevel] = {
    PoolingLevel.NATIONAL: RegionLevel.PROVINCE,
    PoolingLevel.PROVINCIAL_UNIFIED: RegionLevel.PROVINCE,
    PoolingLevel.PROVINCIAL_ADJUSTMENT: RegionLevel.PREFECTURE,
    PoolingLevel.PREFECTURE: RegionLevel.PREFECTURE,
    PoolingLevel.COUNTY: RegionLevel.PREFECTURE,
}


def pooling_region_level(level: PoolingLevel) -> RegionLevel:
    """The region level responsible for performance management under a pooling level."""
    return _RESPONSIBLE_LEVEL[level]


async def pooling_level(*, session: AsyncSession, fund_type_id: int, year: int) -> PoolingLevel:
    arrangement = (
        await session.exec(
            select(PoolingArrangement).where(
                PoolingArrangement.fund_type_id == fund_type_id, PoolingArrangement.year == year
            )
        )
    ).first()
    if arrangement is None:
        raise NotFound("统筹层次", f"{fund_type_id}/{year}", f"未设置该险种{year}年的统筹层次")
    return arrangement.pooling_level


async def pooling_regions(
    *, session: AsyncSession, fund_type_id: int, year: int, province_code: str = "510000"
) -> list[Region]:
    """The pooling regions of a fund in a year within a province, ordered by code."""
    level = pooling_region_level(await pooling_level(session=session, fund_type_id=fund_type_id, year=year))
    province = (await session.exec(select(Region).where(Region.code == province_code))).first()
    if province is None:
        raise NotFound("地区", province_code)
    if level == RegionLevel.PROVINCE:
        return [province]
    stmt = (
        select(Region)
        .where(Region.parent_id == province.id, Region.level == RegionLevel.PREFECTURE)
        .order_by(col(Region.code))
    )
    return list((await session.exec(stmt)).all())
