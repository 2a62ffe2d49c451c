"""API tokens as a subject: administrators' records (services/identity/administered.py), at the region of
the service account they act as; they announce being created and revoked."""

from sqlalchemy import ColumnElement
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import ApiToken
from src.models.auth import ApiTokenEventKind
from src.services.actors import Actor
from src.services.identity.administered import administered_clause, administered_scope
from src.subjects.registry import Registry, SubjectSpec
from src.subjects.scope import RecordScope


async def api_token_scope(session: AsyncSession, token: ApiToken) -> RecordScope:
    return await administered_scope(session, account_id=token.user_id, registered_by=token.created_by_id)


def visible_api_tokens_clause(actor: Actor) -> ColumnElement[bool]:
    return administered_clause(
        actor, account_column=col(ApiToken.user_id), registered_by_column=col(ApiToken.created_by_id)
    )


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name="ApiToken",
            model=ApiToken,
            label="API 令牌",
            scope=api_token_scope,
            clause=visible_api_tokens_clause,
            event_kinds=ApiTokenEventKind,
            event_labels={ApiTokenEventKind.API_TOKEN_CHANGED: "API 令牌变更"},
        )
    )
