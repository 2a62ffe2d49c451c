"""GraphQL types of webhooks. The secret is write-only: no type has it."""

from datetime import datetime
from typing import Annotated, Any

import strawberry

from src.events.webhooks.reads import latest_deliveries
from src.models.webhook import Webhook as WebhookRow
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.errors import NotFoundError
from src.schema.funds.loaders import fund_type_by_id
from src.schema.funds.types import FundType
from src.schema.kinds import EventKind
from src.schema.list_sizes import max_items
from src.schema.organizations.loaders import user_by_id
from src.schema.organizations.types import User
from src.schema.pagination import DEFAULT_PAGE_SIZE, check_first
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.schema.transaction import current_actor


@strawberry.type(description="Webhook 的一次投递尝试")
class WebhookDelivery(FromRow):
    __row_ids__ = ("event_id",)

    id: strawberry.ID
    event_id: strawberry.ID = strawberry.field(description="投递的事件")
    attempt: int = strawberry.field(description="该事件的第几次尝试（从 1 起）")
    at: datetime
    status_code: int | None = strawberry.field(description="接收方的 HTTP 状态码；未得到响应时为空")
    error: str | None = strawberry.field(description="失败原因（超时、连接失败等）")
    duration_ms: int = strawberry.field(description="耗时（毫秒）")
    succeeded: bool = strawberry.field(description="接收方以 2xx 应答")


@strawberry.type(description="Webhook 接收哪些事件（此外只接收其用户有权查看的事件）")
class WebhookFilter:
    kinds: list[EventKind] = strawberry.field(
        description="事件种类；为空表示全部种类", metadata=max_items(len(EventKind))
    )
    include_descendants: bool = strawberry.field(description="含下级区划")
    region_id: strawberry.Private[int | None]
    fund_type_id: strawberry.Private[int | None]

    region: Region | None = related(
        Region, region_by_id, "region_id", optional=True, description="区划；为空表示不限"
    )
    fund_type: FundType | None = related(
        FundType, fund_type_by_id, "fund_type_id", optional=True, description="基金险种；为空表示不限"
    )


@strawberry.type(
    description=(
        "Webhook：事件以签名的 POST 请求发送到 url（请求头 Fundperf-Signature: t=<时间戳>,v1=<HMAC-SHA256>）"
        "；接收其用户有权查看且符合筛选条件的事件"
    )
)
class Webhook:
    id: strawberry.ID
    name: str
    url: str
    enabled: bool = strawberry.field(description="启用；连续投递失败达到上限时自动停用")
    disabled_reason: str | None = strawberry.field(description="自动停用的原因")
    consecutive_failures: int = strawberry.field(description="连续放弃投递（每次尝试均失败）的事件数")
    last_event_id: strawberry.ID = strawberry.field(description="已处理到的事件序号（其后的事件待投递）")
    retry_at: datetime | None = strawberry.field(description="投递失败后，下一次尝试的时间")
    filter: WebhookFilter
    created_at: datetime
    updated_at: datetime
    row_version: int
    db_id: strawberry.Private[int]
    user_id: strawberry.Private[int]

    user: User = related(User, user_by_id, "user_id", description="按此用户的权限筛选事件（通常为服务账号）")

    @strawberry.field(description="最近的投递尝试，新的在前")
    async def deliveries(self, info: Info, first: int = DEFAULT_PAGE_SIZE) -> list[WebhookDelivery]:
        check_first(first)
        async with info.context.sessionmaker() as session:
            rows = await latest_deliveries(
                session=session, actor=current_actor(info), webhook_id=self.db_id, first=first
            )
        return [WebhookDelivery.from_row(row) for row in rows]

    @classmethod
    def from_row(cls, row: WebhookRow) -> "Webhook":
        assert row.id is not None
        values: dict[str, Any] = {
            name: getattr(row, name)
            for name in (
                "name",
                "url",
                "enabled",
                "disabled_reason",
                "consecutive_failures",
                "retry_at",
                "created_at",
                "updated_at",
                "row_version",
                "user_id",
            )
        }
        return cls(
            id=strawberry.ID(str(row.id)),
            db_id=row.id,
            last_event_id=strawberry.ID(str(row.last_event_id)),
            filter=WebhookFilter(
                kinds=[EventKind(kind) for kind in row.kinds],
                include_descendants=row.include_descendants,
                region_id=row.region_id,
                fund_type_id=row.fund_type_id,
            ),
            **values,
        )


WebhookResult = Annotated[Webhook | NotFoundError, strawberry.union("WebhookResult")]
