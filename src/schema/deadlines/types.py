"""What is due when (src/services/deadlines/): one `Deadline` per thing a body must do by a date, with its
status in China today. The kinds are those the domains registered (src/domains/), like the event kinds."""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import strawberry

from src.models.enums import label_zh
from src.schema.conversion import related
from src.schema.enums import ActorType, Administration
from src.schema.errors import NotFoundError, ValidationError
from src.schema.funds.loaders import fund_type_by_id
from src.schema.funds.types import FundType
from src.schema.list_sizes import max_items
from src.schema.organizations.loaders import organization_by_id
from src.schema.organizations.types import Organization
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.services.deadlines.items import DeadlineStatus
from src.services.deadlines.listing import DeadlineListing, DeadlineRow
from src.subjects.registry import registry

# The most items one listing answers: a province's year is about 2,100 with monthly periods everywhere (22
# pooling regions, their funds, entries and reports, 21 compilations); more is cut (`truncated`).
MAX_DEADLINES = 5000

strawberry.enum(
    DeadlineStatus,
    description="DONE 按时完成；LATE 逾期完成；OVERDUE 逾期未完成；PENDING 未到期（截止日当天及以前）",
)

if TYPE_CHECKING:

    class DeadlineKind(StrEnum): ...

else:
    DeadlineKind = strawberry.enum(
        StrEnum("DeadlineKind", {kind: kind for kind in registry().deadline_kinds()}),
        description="事项种类（各业务登记）",
    )


@strawberry.type(description="某单位须于某日前完成的一项工作")
class Deadline:
    key: str = strawberry.field(description="事项的唯一标识（逾期提醒按此只发一次）")
    kind: DeadlineKind
    kind_label: str
    label: str = strawberry.field(description="事项：如 成都市职工基本医疗保险基金2026年1-3月监控数据填报")
    year: int = strawberry.field(description="事项所属年度（1月汇总上年报告的，为上年）")
    period: int | None = strawberry.field(description="期间截止月份（1-N月）；无期间的事项为空")
    due_on: date = strawberry.field(description="截止日（中国时间；按本地区现行实施细则，不晚于本办法规定）")
    done_at: datetime | None = strawberry.field(description="完成时间；未完成为空")
    status: DeadlineStatus
    status_label: str
    noticed_at: datetime | None = strawberry.field(description="逾期提醒发出的时间；未发为空")
    actor_type: ActorType = strawberry.field(description="承担单位的主体类型")
    administration: Administration | None = strawberry.field(description="承担单位（险种）的主管部门")
    region_id: strawberry.Private[int]
    organization_id: strawberry.Private[int | None]
    fund_type_id: strawberry.Private[int | None]

    region: Region = related(Region, region_by_id, "region_id", description="承担单位所在地区")
    organization: Organization | None = related(
        Organization, organization_by_id, "organization_id", optional=True, description="承担单位；未登记为空"
    )
    fund_type: FundType | None = related(
        FundType, fund_type_by_id, "fund_type_id", optional=True, description="险种；不限险种的为空"
    )

    @classmethod
    def of(cls, row: DeadlineRow) -> "Deadline":
        item = row.item
        return cls(
            key=item.key,
            kind=DeadlineKind(item.kind),
            kind_label=registry().deadline_kinds()[item.kind],
            label=item.label,
            year=item.year,
            period=item.period,
            due_on=item.due_on,
            done_at=item.done_at,
            status=row.status,
            status_label=label_zh(row.status),
            noticed_at=row.noticed_at,
            actor_type=item.actor_type,
            administration=item.administration,
            region_id=item.region.id,
            organization_id=row.organization_id,
            fund_type_id=item.fund_type_id,
        )


@strawberry.type(description="一个地区及其下级地区某年度的各项截止事项，按地区、单位、截止日排列")
class DeadlineList:
    region: Region
    year: int
    today: date = strawberry.field(description="今天（中国时间）：据此判断逾期")
    items: list[Deadline] = strawberry.field(
        description=f"可见的事项（至多 {MAX_DEADLINES} 项）", metadata=max_items(MAX_DEADLINES)
    )
    truncated: bool = strawberry.field(description=f"事项多于 {MAX_DEADLINES} 项，其余未列出（请按状态筛选）")

    @classmethod
    def of(cls, listing: DeadlineListing) -> "DeadlineList":
        rows = listing.rows[:MAX_DEADLINES]
        return cls(
            region=Region.from_row(listing.region),
            year=listing.year,
            today=listing.today,
            items=[Deadline.of(row) for row in rows],
            truncated=len(listing.rows) > MAX_DEADLINES,
        )


DeadlinesResult = Annotated[
    DeadlineList | ValidationError | NotFoundError, strawberry.union("DeadlinesResult")
]
