"""The performance disclosure as the internal GraphQL shows it (Art. 21): its region and year, status,
preface, the items chosen (kind, record, public note), who approved it and when, the date reported to the
人大, when it was published and where the public downloads its document."""

from datetime import date, datetime
from typing import Annotated

import strawberry

from src.models.disclosure import DisclosureItemKind, DisclosureStatus
from src.models.enums import label_zh
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.errors import NotFoundError
from src.schema.list_sizes import max_items
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.services.disclosure.items import MAX_ITEMS
from src.services.disclosure.snapshot import items_of

strawberry.enum(DisclosureStatus, description="绩效信息公开状态：草稿、已审定、已报送人大、已公开")
strawberry.enum(DisclosureItemKind, description="公开内容：重要绩效目标、绩效自评结果、省级绩效评价结果")


@strawberry.type(description="绩效信息公开中选定的一项及其公开说明")
class DisclosureItem(FromRow):
    kind: DisclosureItemKind
    record_id: strawberry.ID = strawberry.field(description="绩效目标、绩效自评或省级绩效评价的 ID")
    note: str = strawberry.field(description="公开说明")

    __row_ids__ = ("record_id",)

    @strawberry.field
    def kind_label(self) -> str:
        return label_zh(self.kind)


@strawberry.type(description="绩效信息公开（第二十一条）：本级财政部门向同级人大报送并向社会公开")
class Disclosure(FromRow):
    id: strawberry.ID
    year: int = strawberry.field(description="预算年度")
    status: DisclosureStatus
    preface: str = strawberry.field(description="公开说明（正文开头）")
    approved_at: datetime | None = strawberry.field(description="审定时间（公开内容于此时固定）")
    reported_on: date | None = strawberry.field(description="报送同级人大的日期")
    published_at: datetime | None = strawberry.field(description="向社会公开的时间")
    row_version: int
    created_at: datetime
    updated_at: datetime
    db_id: strawberry.Private[int]
    region_id: strawberry.Private[int]

    region: Region = related(Region, region_by_id, "region_id", description="公开的地区")

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)

    @strawberry.field(description="公开网址（公开后）：公开接口上本公开的文件下载地址")
    def public_download_url(self) -> str | None:
        return (
            f"/public/files/disclosures/{self.db_id}" if self.status == DisclosureStatus.PUBLISHED else None
        )

    @strawberry.field(description="选定的公开内容，按选定顺序", metadata=max_items(MAX_ITEMS))
    async def items(self, info: Info) -> list[DisclosureItem]:
        async with info.context.sessionmaker() as session:
            rows = await items_of(session, self.db_id)
        return [DisclosureItem.from_row(r) for r in rows]


DisclosureResult = Annotated[Disclosure | NotFoundError, strawberry.union("DisclosureResult")]
