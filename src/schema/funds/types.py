from typing import Annotated

import strawberry

from src.models.enums import label_zh
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.enums import Administration, PoolingLevel, RegionLevel
from src.schema.errors import NotFoundError
from src.schema.funds.loaders import fund_type_by_id, pooling_by_fund_year
from src.schema.list_sizes import max_items
from src.schema.regions.loaders import DESCENDANTS_PER_REGION, region_by_code, region_descendants
from src.schema.regions.types import Region
from src.services.pooling import pooling_region_level


@strawberry.type(description="社会保险基金险种")
class FundType(FromRow):
    __row_names__ = (("name", "name_zh"),)

    id: strawberry.ID
    code: str
    name: str
    administration: Administration
    db_id: strawberry.Private[int]

    @strawberry.field(description="主管部门中文名")
    def administration_label(self) -> str:
        return label_zh(self.administration)

    @strawberry.field(description="该年度的统筹安排")
    async def pooling(self, info: Info, year: int) -> "PoolingArrangement | None":
        rows = await info.context.loaders[pooling_by_fund_year].load((self.db_id, year))
        return PoolingArrangement.from_row(rows[0]) if rows else None


@strawberry.type(description="险种 × 年度的统筹层次")
class PoolingArrangement(FromRow):
    id: strawberry.ID
    year: int
    pooling_level: PoolingLevel
    fund_type_id: strawberry.Private[int]

    @strawberry.field
    def pooling_level_label(self) -> str:
        return label_zh(self.pooling_level)

    @strawberry.field(description="负责预算绩效管理的统筹地区所在级别")
    def pooling_region_level(self) -> RegionLevel:
        return pooling_region_level(self.pooling_level)

    fund_type: FundType = related(FundType, fund_type_by_id, "fund_type_id")

    @strawberry.field(
        description="统筹地区（本省）",
        metadata=max_items(DESCENDANTS_PER_REGION),  # the province's regions of one level
    )
    async def pooling_regions(self, info: Info, province_code: str = "510000") -> list[Region]:
        loaders = info.context.loaders
        province = await loaders[region_by_code].load(province_code)
        if province is None:
            return []
        level = pooling_region_level(self.pooling_level)
        if level == province.level:
            return [Region.from_row(province)]
        rows = await loaders[region_descendants].load((province.path, level))
        return [Region.from_row(r) for r in rows]


FundTypeResult = Annotated[FundType | NotFoundError, strawberry.union("FundTypeResult")]
