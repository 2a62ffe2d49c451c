"""Who an Authorization value stands for now: the one authenticator of access tokens and API tokens.

Every credential is checked here, by one set of rules, wherever it comes from: an HTTP request
(src/app/graphql.py, src/app/files.py), a WebSocket's connection_init and each of its operations
(src/app/websocket.py) call `authenticate` with one value; the event hub (src/events/hub.py) calls
`authenticate_many` with every subscriber's before each delivery. `authenticate` is the batch of one, so the
two cannot drift apart:
- `Bearer <access token>`: a JWT signed with SECRET_KEY, of type access and unexpired at `now`, whose user is
  active and not a service account (a user turned into one since it logged in no longer logs in);
- `Bearer fp_...` (an API token): found by its hash, neither revoked nor expired at `now`, whose user is
  active and still a service account; the actor is narrowed by the token's scope (READ: Actor.read_only)
  and region (Actor.token_region_path);
- anything else (another scheme, no token, an unknown or malformed one) stands for nobody.
Users are read afresh every time: nothing kept from an earlier check decides (GraphQL requests go through
the actor cache first, actor_cache.py, which every committed change to an actor's rows evicts). Any number
of values take at most two statements: the API tokens with their accounts, by hash, and the users of the
access tokens, by id;
and one more when some are third-party evaluators: their assignments active at `now` (so a subscription of
one stops delivering what it was assigned once the assignment ends, at the hub's next check).

Only `authenticate` notes an API token's use (last_used_at, at most once a minute): a request, a connection
and an operation are the token's holder calling. The hub's checks note nothing: a delivery is the server
pushing to a subscription whose start was noted, and the delivery path stays read-only (no write, no commit,
no row lock while events wait).
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import ApiToken, Organization, Region, User
from src.models.auth import ApiTokenScope
from src.models.base import utcnow
from src.services.actors import Actor, actor_of, with_actor, with_assignments
from src.services.identity.api_tokens import API_TOKEN_PREFIX, note_api_token_use
from src.services.identity.tokens import AccessClaims, access_token_claims, aware, sha256

# Verified access tokens (token → claims), kept by the hub across deliveries: a token's content never
# changes, so its signature is checked once; its expiry is still compared with each `now` and its user read
# afresh. Bounded: cleared when full.
TokenCache = dict[str, AccessClaims]
TOKEN_CACHE_SIZE = 10_000

_TokenRegion = aliased(Region)


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


@dataclass(frozen=True)
class Authenticated:
    actor: Actor
    api_token: ApiToken | None  # the token's row, when the value is an API token (for noting its use)
    # When the credential itself stops authenticating (POSIX seconds): the access token's exp, the API
    # token's expires_at; None for an API token without one. The actor cache keeps nothing past it.
    expires: float | None


def _access_token_claims(
    token: str, secret_key: str, now: datetime, cache: TokenCache | None
) -> AccessClaims | None:
    claims = cache.get(token) if cache is not None else None
    if claims is None:
        claims = access_token_claims(token, secret_key=secret_key)
        if claims is None:
            return None
        if cache is not None:
            if len(cache) >= TOKEN_CACHE_SIZE:
                cache.clear()
            cache[token] = claims
    return claims if claims.expires > now.timestamp() else None


async def _api_token_accounts(
    session: AsyncSession, hashes: Collection[str], now: datetime
) -> list[tuple[ApiToken, Actor]]:
    """The live tokens among `hashes`, each with the service account it stands for now, narrowed by it: one
    statement (a token's row, its region's path, its account with organization and region)."""
    stmt = (
        with_actor(select(ApiToken, User, Organization, Region).join(User, col(User.id) == ApiToken.user_id))
        .add_columns(_TokenRegion.path)
        .outerjoin(_TokenRegion, _TokenRegion.id == ApiToken.region_id)
        .where(col(ApiToken.token_hash).in_(sorted(hashes)))
    )
    found: list[tuple[ApiToken, Actor]] = []
    for token, user, org, region, region_path in (await session.exec(stmt)).all():
        if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
            continue
        if not user.is_service_account:
            continue  # an API token acts for a service account only
        read_only = token.scope != ApiTokenScope.READ_WRITE
        actor = replace(actor_of(user, org, region), read_only=read_only, token_region_path=region_path)
        found.append((token, actor))
    return found


async def _authenticated(
    session: AsyncSession,
    authorizations: Collection[str],
    secret_key: str,
    now: datetime,
    token_cache: TokenCache | None,
) -> dict[str, Authenticated]:
    # Values are kept apart by token, not by spelling: "Bearer x" and "bearer  x" are one credential.
    by_hash: dict[str, list[str]] = {}
    user_of: dict[str, int] = {}
    expiry: dict[str, float] = {}
    for authorization in authorizations:
        token = bearer_token(authorization)
        if token is None:
            continue
        if token.startswith(API_TOKEN_PREFIX):
            by_hash.setdefault(sha256(token), []).append(authorization)
        elif (claims := _access_token_claims(token, secret_key, now, token_cache)) is not None:
            user_of[authorization] = claims.user_id
            expiry[authorization] = claims.expires
    found: dict[str, Authenticated] = {}
    tokens = await _api_token_accounts(session, by_hash, now) if by_hash else []
    users = await _users(session, set(user_of.values())) if user_of else []
    # A third party's assignments, for the token holders and the users at once (one statement).
    assigned = await with_assignments(session, [actor for _, actor in tokens] + users, now)
    for (token_row, _), actor in zip(tokens, assigned, strict=False):
        for authorization in by_hash[token_row.token_hash]:
            expires = aware(token_row.expires_at).timestamp() if token_row.expires_at is not None else None
            found[authorization] = Authenticated(actor, token_row, expires)
    # One Actor per user, shared by all its values (the hub decides visibility once per actor).
    actors = {actor.user_id: actor for actor in assigned[len(tokens) :]}
    for authorization, user_id in user_of.items():
        account = actors.get(user_id)
        if account is not None and not account.is_service_account:  # they use API tokens only
            found[authorization] = Authenticated(account, None, expiry[authorization])
    return found


async def _users(session: AsyncSession, user_ids: Collection[int]) -> list[Actor]:
    """The active users of access tokens, without their assignments (added with the token holders')."""
    stmt = with_actor(select(User, Organization, Region)).where(col(User.id).in_(sorted(user_ids)))
    return [actor_of(*row) for row in (await session.exec(stmt)).all()]


async def authenticate_many(
    *,
    session: AsyncSession,
    authorizations: Collection[str],
    secret_key: str,
    now: datetime | None = None,
    token_cache: TokenCache | None = None,
) -> dict[str, Actor]:
    """The actor each Authorization value stands for now; a value that stands for nobody is absent. At most
    two statements, reads only: notes no API token's use. `token_cache` spares verifying an access token's
    signature again (the hub keeps one)."""
    found = await _authenticated(session, authorizations, secret_key, now or utcnow(), token_cache)
    return {authorization: one.actor for authorization, one in found.items()}


async def authenticated(
    *, session: AsyncSession, authorization: str | None, secret_key: str, now: datetime | None = None
) -> Authenticated | None:
    """What `authenticate` answers, with the API token's row and the credential's own expiry (what the actor
    cache keeps: actor_cache.py). Notes an API token's use like `authenticate`."""
    if authorization is None:
        return None
    now = now or utcnow()
    found = (await _authenticated(session, (authorization,), secret_key, now, None)).get(authorization)
    if found is not None and found.api_token is not None:
        await note_api_token_use(session=session, token=found.api_token, now=now)
    return found


async def authenticate(
    *, session: AsyncSession, authorization: str | None, secret_key: str, now: datetime | None = None
) -> Actor | None:
    """The actor a request's `Authorization: Bearer ...` value stands for now (authenticate_many's answer for
    it), or None. Notes an API token's use (at most once a minute), committing `session` when it does."""
    found = await authenticated(session=session, authorization=authorization, secret_key=secret_key, now=now)
    return found.actor if found is not None else None
