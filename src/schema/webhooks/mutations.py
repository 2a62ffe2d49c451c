"""Managing webhooks: administrators only (anyone else gets a top-level FORBIDDEN)."""

from typing import Annotated

import strawberry

from src.events.webhooks import registry
from src.events.webhooks.targets import TargetRules
from src.schema.context import Info
from src.schema.conversion import to_model
from src.schema.errors import ConflictError, NotFoundError, ValidationError
from src.schema.events.types import StatusEventFilter
from src.schema.ids import parse_id
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import write
from src.schema.webhooks.inputs import (
    WebhookCreateInput,
    WebhookDeleteInput,
    WebhookUpdateInput,
)
from src.schema.webhooks.types import Webhook


@strawberry.type
class WebhookSuccess:
    webhook: Webhook


@strawberry.type(description="Webhook 已删除")
class WebhookDeleteSuccess:
    id: strawberry.ID


WebhookCreateResult = Annotated[WebhookSuccess | ValidationError, strawberry.union("WebhookCreateResult")]
WebhookUpdateResult = Annotated[
    WebhookSuccess | ValidationError | NotFoundError | ConflictError, strawberry.union("WebhookUpdateResult")
]
WebhookDeleteResult = Annotated[WebhookDeleteSuccess | NotFoundError, strawberry.union("WebhookDeleteResult")]


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description=(
            "登记 Webhook（仅系统管理员）：此后的事件中，符合筛选条件且该用户有权查看的，"
            "逐一签名后 POST 到 url"
        ),
    )
    async def webhook_create(self, info: Info, input: WebhookCreateInput) -> WebhookCreateResult:
        f = input.filter or StatusEventFilter()
        spec = to_model(
            registry.WebhookSpec,
            input,
            kinds=f.kinds or [],
            region_code=f.region_code,
            include_descendants=f.include_descendants,
            fund_type_code=f.fund_type_code,
        )
        async with write(info) as (session, actor):
            row = await registry.create_webhook(
                session=session,
                actor=actor,
                spec=spec,
                targets=TargetRules.from_settings(info.context.settings),
            )
            return WebhookSuccess(webhook=Webhook.from_row(row))

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="修改 Webhook（仅系统管理员）：启用或停用，改名称、地址或签名密钥",
    )
    async def webhook_update(self, info: Info, input: WebhookUpdateInput) -> WebhookUpdateResult:
        webhook_id = parse_id(input.id, "Webhook")
        changes = to_model(registry.WebhookChanges, input)
        async with write(info) as (session, actor):
            row = await registry.update_webhook(
                session=session,
                actor=actor,
                webhook_id=webhook_id,
                row_version=input.row_version,
                changes=changes,
                targets=TargetRules.from_settings(info.context.settings),
            )
            return WebhookSuccess(webhook=Webhook.from_row(row))

    @strawberry.mutation(
        permission_classes=[IsAuthenticated], description="删除 Webhook 及其投递记录（仅系统管理员）"
    )
    async def webhook_delete(self, info: Info, input: WebhookDeleteInput) -> WebhookDeleteResult:
        webhook_id = parse_id(input.id, "Webhook")
        async with write(info) as (session, actor):
            await registry.delete_webhook(session=session, actor=actor, webhook_id=webhook_id)
        return WebhookDeleteSuccess(id=strawberry.ID(str(webhook_id)))
