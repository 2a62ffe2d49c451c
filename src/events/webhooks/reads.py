"""Reading webhooks and their delivery records (administrators only)."""

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.webhooks.registry import ENTITY, MAX_WEBHOOKS, require_manager
from src.models.webhook import Webhook, WebhookDelivery
from src.services.actors import Actor
from src.services.errors import NotFound


async def list_webhooks(*, session: AsyncSession, actor: Actor) -> Sequence[Webhook]:
    """Every hook (at most MAX_WEBHOOKS exist), oldest first."""
    require_manager(actor)
    return (await session.exec(select(Webhook).order_by(col(Webhook.id)).limit(MAX_WEBHOOKS))).all()


async def get_webhook(*, session: AsyncSession, actor: Actor, webhook_id: int) -> Webhook:
    require_manager(actor)
    hook = await session.get(Webhook, webhook_id)
    if hook is None:
        raise NotFound(ENTITY, webhook_id)
    return hook


async def latest_deliveries(
    *, session: AsyncSession, actor: Actor, webhook_id: int, first: int
) -> Sequence[WebhookDelivery]:
    """The hook's latest `first` attempts, latest first."""
    require_manager(actor)
    stmt = (
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id)
        .order_by(col(WebhookDelivery.id).desc())
        .limit(first)
    )
    return (await session.exec(stmt)).all()
