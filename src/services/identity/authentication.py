"""Turning a request's credentials (an access token or an API token) into the Actor it acts as."""

from collections.abc import Mapping
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.base import utcnow
from src.services.actors import Actor, load_actor
from src.services.identity.api_tokens import API_TOKEN_PREFIX, api_token_actor
from src.services.identity.tokens import access_token_user_id


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def connection_authorization(params: Mapping[str, object] | None) -> str | None:
    """The Authorization value of a WebSocket connection_init payload; None when it carries none.

    A value that is present but not a string is returned as "" so that it is refused, not ignored.
    """
    if not params:
        return None
    value = params.get("Authorization", params.get("authorization"))
    if value is None:
        return None
    return value if isinstance(value, str) else ""


async def authenticate(
    *, session: AsyncSession, authorization: str | None, secret_key: str, now: datetime | None = None
) -> Actor | None:
    """The actor behind an `Authorization: Bearer ...` value (access token or API token), or None when
    absent or invalid. May commit `session` (an API token's last_used_at)."""
    token = bearer_token(authorization)
    if token is None:
        return None
    if token.startswith(API_TOKEN_PREFIX):
        return await api_token_actor(session, token, now or utcnow())
    user_id = access_token_user_id(token, secret_key=secret_key)
    if user_id is None:
        return None
    actor = await load_actor(session=session, user_id=user_id)
    # A user turned into a service account since the token was issued no longer logs in interactively.
    return None if actor is None or actor.is_service_account else actor
