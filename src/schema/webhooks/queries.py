import strawberry

from src.events.webhooks.reads import get_webhook, list_webhooks
from src.events.webhooks.registry import MAX_WEBHOOKS
from src.schema.context import Info
from src.schema.ids import parse_id
from src.schema.list_sizes import max_items
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.schema.webhooks.types import Webhook, WebhookResult


@strawberry.type
class WebhookQueries:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description=f"全部 Webhook，先登记的在前（仅系统管理员；至多 {MAX_WEBHOOKS} 个）",
        metadata=max_items(MAX_WEBHOOKS),
    )
    async def webhooks(self, info: Info) -> list[Webhook]:
        actor = current_actor(info)
        async with info.context.sessionmaker() as session:
            rows = await list_webhooks(session=session, actor=actor)
        return [Webhook.from_row(row) for row in rows]

    @strawberry.field(permission_classes=[IsAuthenticated], description="一个 Webhook（仅系统管理员）")
    async def webhook(self, info: Info, id: strawberry.ID) -> WebhookResult:
        webhook_id = parse_id(id, "Webhook")
        actor = current_actor(info)
        async with info.context.sessionmaker() as session:
            row = await get_webhook(session=session, actor=actor, webhook_id=webhook_id)
        return Webhook.from_row(row)
