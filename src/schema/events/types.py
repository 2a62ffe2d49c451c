from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from src.events.message import EventMessage
from src.schema.conversion import related
from src.schema.funds.loaders import fund_type_by_id
from src.schema.funds.types import FundType
from src.schema.kinds import EventKind, event_kind_label
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region


@strawberry.type(
    description="数据变更事件：每次提交的修改都是一个事件（目标的新建、修改、删除与流转，税务会商，分解与调整，"
    "预算批复，报告任务，实施细则，以及仅管理员可见的 Webhook 与 API 令牌）"
)
class StatusEvent:
    id: strawberry.ID = strawberry.field(description="事件序号：只增不减；最新的序号即 dataVersion")
    kind: EventKind
    subject_type: str = strawberry.field(
        description="对象类型，如 Goal、FundBudget、ReportJob、RuleSet（其对象 ID 为区划 ID）"
    )
    subject_id: strawberry.ID = strawberry.field(description="对象 ID")
    occurred_at: datetime
    payload: JSON = strawberry.field(
        description="变更内容（如 operation、fields、fromStatus、toStatus、progressDone）"
    )
    region_id: strawberry.Private[int]
    fund_type_id: strawberry.Private[int | None]

    @strawberry.field(description="事件种类中文名")
    def kind_label(self) -> str:
        return event_kind_label(self.kind)

    region: Region = related(Region, region_by_id, "region_id", description="对象所属区划")
    fund_type: FundType | None = related(
        FundType, fund_type_by_id, "fund_type_id", optional=True, description="基金类型"
    )

    @classmethod
    def of(cls, event: EventMessage) -> "StatusEvent":
        payload: Any = event.payload
        return cls(
            id=strawberry.ID(str(event.id)),
            kind=EventKind(event.kind),
            subject_type=event.subject_type,
            subject_id=strawberry.ID(str(event.subject_id)),
            occurred_at=event.occurred_at,
            payload=payload,
            region_id=event.region_id,
            fund_type_id=event.fund_type_id,
        )


@strawberry.input(description="事件筛选")
class StatusEventFilter:
    kinds: list[EventKind] | None = strawberry.field(default=None, description="事件种类（空：全部）")
    region_code: str | None = strawberry.field(default=None, description="区划代码")
    include_descendants: bool = strawberry.field(default=True, description="含下级区划")
    fund_type_code: str | None = strawberry.field(default=None, description="基金类型代码")


@strawberry.type(description="一页事件（按序号）")
class EventPage:
    events: list[StatusEvent]  # as long as the page (`first`): see src/schema/list_sizes.py
    last_event_id: strawberry.ID | None = strawberry.field(
        description="本页最后一个事件的序号：下一页从它之后读（本页为空时为空）"
    )
    has_more: bool = strawberry.field(description="之后还有事件")
