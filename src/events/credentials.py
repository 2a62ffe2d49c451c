"""Who a subscriber is now: its connection's credentials authenticated again, for many at once.

A WebSocket connection lives for hours; its user may be deactivated, its access token may expire and its API
token may be revoked meanwhile. Before events are delivered, every credential among the subscribers is
checked afresh (at most two statements for any number of subscribers: API tokens by hash, users by id), and
the actor it stands for now decides what it may see. Nothing kept from when the connection opened does.
"""

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

import jwt
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import ApiToken, Region
from src.models.auth import ApiTokenScope
from src.services.actors import Actor, load_actors
from src.services.identity.api_tokens import API_TOKEN_PREFIX
from src.services.identity.authentication import bearer_token
from src.services.identity.tokens import access_token_user_id, aware, sha256

# Verified access tokens: token → (user id, expiry). A token's content never changes, so checking its
# signature once is enough; its expiry is compared with the time of each delivery, and the user is read
# afresh every time. Bounded: cleared when full.
TokenCache = dict[str, tuple[int, float]]
_TOKEN_CACHE_SIZE = 10_000


def _access_token_user(token: str, secret_key: str, now: datetime, cache: TokenCache | None) -> int | None:
    found = cache.get(token) if cache is not None else None
    if found is None:
        user_id = access_token_user_id(token, secret_key=secret_key)
        if user_id is None:
            return None
        expiry = float(jwt.decode(token, options={"verify_signature": False})["exp"])
        found = (user_id, expiry)
        if cache is not None:
            if len(cache) >= _TOKEN_CACHE_SIZE:
                cache.clear()
            cache[token] = found
    user_id, expiry = found
    return user_id if expiry > now.timestamp() else None


async def fresh_actors(
    *,
    session: AsyncSession,
    authorizations: Collection[str],
    secret_key: str,
    now: datetime,
    token_cache: TokenCache | None = None,
) -> dict[str, Actor]:
    """The actor each Authorization value stands for now; a value that no longer authenticates is absent.

    As authenticate() decides for one request (without noting an API token's use)."""
    by_hash: dict[str, str] = {}
    user_of: dict[str, int] = {}
    for authorization in authorizations:
        token = bearer_token(authorization)
        if token is None:
            continue
        if token.startswith(API_TOKEN_PREFIX):
            by_hash[sha256(token)] = authorization
        elif (user_id := _access_token_user(token, secret_key, now, token_cache)) is not None:
            user_of[authorization] = user_id
    narrowing: dict[str, tuple[bool, str | None]] = {}
    if by_hash:
        stmt = (
            select(ApiToken, Region.path)
            .outerjoin(Region, col(Region.id) == ApiToken.region_id)
            .where(col(ApiToken.token_hash).in_(sorted(by_hash)))
        )
        for row, region_path in (await session.exec(stmt)).all():
            if row.revoked_at is not None or (row.expires_at is not None and aware(row.expires_at) <= now):
                continue
            authorization = by_hash[row.token_hash]
            user_of[authorization] = row.user_id
            narrowing[authorization] = (row.scope != ApiTokenScope.READ_WRITE, region_path)
    actors = await load_actors(session=session, user_ids=set(user_of.values()))
    found: dict[str, Actor] = {}
    for authorization, user_id in user_of.items():
        actor = actors.get(user_id)
        if actor is None:
            continue
        if authorization in narrowing:
            if not actor.is_service_account:
                continue
            read_only, token_region = narrowing[authorization]
            actor = replace(actor, read_only=read_only, token_region_path=token_region)
        elif actor.is_service_account:
            continue  # a service account does not log in interactively
        found[authorization] = actor
    return found
