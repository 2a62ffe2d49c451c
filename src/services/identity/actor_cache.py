"""The actor a credential stands for, kept per process: a GraphQL request whose credential was authenticated
a moment ago reads no user, organization or token again (issue 22).

Keyed by the hash of the bearer token (access token or API token), bounded (least recently used go first).
An entry lives until the earliest of:
- an eviction: every committed change to a user, organization, region, API token or assignment made through
  the app's sessions evicts the entries it concerns at once in this process, and through Redis in the
  others (actor_changes.py), so a deactivation takes effect on the next request wherever it lands;
- the credential's own end: the access token's exp, the API token's expires_at (they pass without a write);
- ACTOR_CACHE_SECONDS after it was read: what changed behind the app's back (a statement in psql, a Redis
  outage that lost an eviction) takes effect that late at most.
Third-party evaluators are not kept: their assignments begin and end by the clock. A request without
credentials, or with a value that is no bearer token, opens no session at all.
"""

import json
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import ApiToken
from src.models.base import utcnow
from src.models.enums import ActorType
from src.services.actors import Actor
from src.services.identity.api_tokens import API_TOKEN_TOUCH_INTERVAL, note_api_token_use
from src.services.identity.authentication import Authenticated, authenticated, bearer_token
from src.services.identity.tokens import aware, sha256


@dataclass(frozen=True)
class Change:
    """What a committed transaction changed that actors are made of: the users and organizations whose
    actors it concerns, or everything (a region, or a statement whose rows are not known)."""

    users: frozenset[int] = frozenset()
    organizations: frozenset[int] = frozenset()
    everything: bool = False

    def __or__(self, other: "Change") -> "Change":
        everything = self.everything or other.everything
        return Change(self.users | other.users, self.organizations | other.organizations, everything)

    def to_json(self) -> str:
        values = {"users": sorted(self.users), "organizations": sorted(self.organizations)}
        return json.dumps({**values, "everything": self.everything}, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> "Change":
        values = json.loads(text)
        return cls(
            frozenset(int(i) for i in values["users"]),
            frozenset(int(i) for i in values["organizations"]),
            bool(values["everything"]),
        )


EVERYTHING = Change(everything=True)


@dataclass
class _Entry:
    actor: Actor
    expires: float  # POSIX seconds
    api_token: ApiToken | None = field(default=None)  # detached; for noting the token's use


class ActorCache:
    def __init__(self, *, size: int, seconds: float) -> None:
        self.size = size
        self.seconds = seconds
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        # Bumped by every eviction: an actor read before one is not kept after it (it may be stale).
        self.generation = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str, now: float) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        if entry.expires <= now:
            del self._entries[key]
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: str, found: Authenticated, *, now: float, generation: int) -> None:
        if self.size <= 0 or generation != self.generation or found.actor.actor_type == ActorType.THIRD_PARTY:
            return
        expires = now + self.seconds if found.expires is None else min(now + self.seconds, found.expires)
        self._entries[key] = _Entry(found.actor, expires, found.api_token)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def evict(self, change: Change) -> None:
        self.generation += 1
        if change.everything:
            self._entries.clear()
            return
        for key, entry in list(self._entries.items()):
            if entry.actor.user_id in change.users or entry.actor.organization_id in change.organizations:
                del self._entries[key]

    def clear(self) -> None:
        self.evict(EVERYTHING)


def _use_due(token: ApiToken, now: datetime) -> bool:
    return token.last_used_at is None or aware(token.last_used_at) <= now - API_TOKEN_TOUCH_INTERVAL


async def cached_actor(
    *,
    cache: ActorCache,
    sessionmaker: Callable[[], AbstractAsyncContextManager[AsyncSession]],  # the app's, or a request's one
    authorization: str | None,
    secret_key: str,
) -> Actor | None:
    """`authenticate`'s answer for `authorization`, from the cache when it holds the credential. An API
    token's use is still noted at most once a minute (a session of its own when it is due)."""
    token = bearer_token(authorization)
    if token is None:
        return None  # stands for nobody: no session
    key = sha256(token)
    now = utcnow()
    entry = cache.get(key, now.timestamp())
    if entry is not None:
        if entry.api_token is not None and _use_due(entry.api_token, now):
            async with sessionmaker() as session:
                await note_api_token_use(session=session, token=entry.api_token, now=now)
            entry.api_token.last_used_at = now
        return entry.actor
    generation = cache.generation
    async with sessionmaker() as session:
        found = await authenticated(
            session=session, authorization=authorization, secret_key=secret_key, now=now
        )
    if found is None:
        return None  # unknown tokens are not kept: they would crowd out the real ones
    if found.api_token is not None and _use_due(found.api_token, now):
        found.api_token.last_used_at = now  # just noted
    cache.put(key, found, now=now.timestamp(), generation=generation)
    return found.actor
