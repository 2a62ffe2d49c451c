"""Webhooks as a subject: administrators' records (services/identity/administered.py), at the region of the
hook's user; they announce being created, changed and deleted."""

from sqlalchemy import ColumnElement
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.webhook import Webhook, WebhookEventKind
from src.services.actors import Actor
from src.services.identity.administered import administered_clause, administered_scope
from src.subjects.registry import Registry, SubjectSpec
from src.subjects.scope import RecordScope


async def webhook_scope(session: AsyncSession, hook: Webhook) -> RecordScope:
    return await administered_scope(session, account_id=hook.user_id, registered_by=hook.created_by_id)


def visible_webhooks_clause(actor: Actor) -> ColumnElement[bool]:
    return administered_clause(
        actor, account_column=col(Webhook.user_id), registered_by_column=col(Webhook.created_by_id)
    )


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name="Webhook",
            model=Webhook,
            label="Webhook",
            scope=webhook_scope,
            clause=visible_webhooks_clause,
            event_kinds=WebhookEventKind,
            event_labels={WebhookEventKind.WEBHOOK_CHANGED: "Webhook 变更"},
        )
    )
