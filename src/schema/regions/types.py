from typing import Annotated

import strawberry

from src.models.enums import label_zh
from src.schema.context import Info
from src.schema.conversion import FromRow
from src.schema.enums import RegionLevel
from src.schema.errors import NotFoundError
from src.schema.list_sizes import max_items
from src.schema.pagination import Connection
from src.schema.regions.loaders import (
    ANCESTORS_PER_REGION,
    CHILDREN_PER_REGION,
    DESCENDANTS_PER_REGION,
    region_by_code,
    region_by_id,
    region_children,
    region_descendants,
)


@strawberry.type(description="行政区划（GB/T 2260）")
class Region(FromRow):
    id: strawberry.ID
    code: str
    name: str
    level: RegionLevel
    db_id: strawberry.Private[int]
    parent_id: strawberry.Private[int | None]
    path: strawberry.Private[str]

    @strawberry.field(description="级别中文名")
    def level_label(self) -> str:
        return label_zh(self.level)

    @strawberry.field
    async def parent(self, info: Info) -> "Region | None":
        if self.parent_id is None:
            return None
        row = await info.context.loaders[region_by_id].load(self.parent_id)
        return Region.from_row(row) if row else None

    @strawberry.field(
        description=f"直接下级区划（至多 {CHILDREN_PER_REGION} 个）", metadata=max_items(CHILDREN_PER_REGION)
    )
    async def children(self, info: Info) -> list["Region"]:
        rows = await info.context.loaders[region_children].load(self.db_id)
        return [Region.from_row(r) for r in rows]

    @strawberry.field(description="上级区划，自省级起", metadata=max_items(ANCESTORS_PER_REGION))
    async def ancestors(self, info: Info) -> list["Region"]:
        codes = [c for c in self.path.strip("/").split("/") if c and c != self.code][:ANCESTORS_PER_REGION]
        rows = await info.context.loaders[region_by_code].load_many(codes)
        return [Region.from_row(r) for r in rows if r is not None]

    @strawberry.field(
        description=f"下级区划（可按级别筛选；至多 {DESCENDANTS_PER_REGION} 个）",
        metadata=max_items(DESCENDANTS_PER_REGION),
    )
    async def descendants(self, info: Info, level: RegionLevel | None = None) -> list["Region"]:
        rows = await info.context.loaders[region_descendants].load((self.path, level))
        return [Region.from_row(r) for r in rows]


RegionResult = Annotated[Region | NotFoundError, strawberry.union("RegionResult")]
RegionConnection = Connection[Region]
