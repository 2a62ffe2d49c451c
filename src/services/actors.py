"""Who is acting: a user, as its organization (actor type × region × administration); a third-party
evaluator also with what it is assigned at the moment it is loaded (Art. 17: src/services/assignments/)."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Assignment, Organization, Region, User
from src.models.base import utcnow
from src.models.enums import ActorType, Administration, RegionLevel


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    full_name: str
    organization_id: int
    organization_name: str
    actor_type: ActorType
    administration: Administration | None
    region_id: int
    region_code: str
    region_path: str  # "/510000/510100/"
    region_level: RegionLevel
    is_admin: bool = False
    is_service_account: bool = False
    # Set when a service account calls with an API token (src/services/identity/authentication.py): a READ
    # token runs no mutation (policy.allowed refuses every action), and a token with a region confines the
    # account to that subtree (reads see nothing outside it, writes outside it are refused). The account
    # still acts as its organization at its own region: the token only narrows, it never grants.
    read_only: bool = False
    token_region_path: str | None = None
    # A third party's active assignments when it was loaded: the (subject name, id) it reads and works on
    # (policy.visibility, policy.allowed); always empty for other actors.
    assignments: frozenset[tuple[str, int]] = frozenset()

    def in_token_region(self, path: str) -> bool:
        """`path`'s region lies in the subtree the actor's API token confines it to (always, without one)."""
        return self.token_region_path is None or path.startswith(self.token_region_path)

    def unconfined(self) -> "Actor":
        """The same actor without its token's region (policy intersects the two)."""
        return replace(self, token_region_path=None)

    def region_is_within(self, path: str) -> bool:
        """The actor's region is `path`'s region or below it."""
        return self.region_path.startswith(path)

    def covers(self, path: str) -> bool:
        """`path`'s region is the actor's region or below it."""
        return path.startswith(self.region_path)


def with_actor(stmt: Any) -> Any:
    """`stmt`, which selects User (or joins it), joined to the user's organization and region: the columns of
    an Actor (actor_of). Active users only: a deactivated one acts as nobody."""
    return (
        stmt.join(Organization, col(Organization.id) == User.organization_id)
        .join(Region, col(Region.id) == Organization.region_id)
        .where(col(User.is_active))
    )


def _actor_select() -> Any:
    return with_actor(select(User, Organization, Region))


def actor_of(user: User, org: Organization, region: Region) -> Actor:
    assert user.id is not None and org.id is not None and region.id is not None
    return Actor(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name,
        organization_id=org.id,
        organization_name=org.name,
        actor_type=org.actor_type,
        administration=org.administration,
        region_id=region.id,
        region_code=region.code,
        region_path=region.path,
        region_level=region.level,
        is_admin=user.is_admin,
        is_service_account=user.is_service_account,
    )


def active_assignment_clause(now: datetime) -> Any:
    """The assignments active at `now`: begun, not over, not ended early."""
    return (
        col(Assignment.ended_at).is_(None)
        & (col(Assignment.starts_at) <= now)
        & (col(Assignment.ends_at) > now)
    )


async def with_assignments(
    session: AsyncSession, actors: Sequence[Actor], now: datetime | None = None
) -> list[Actor]:
    """`actors`, the third parties among them with their organizations' assignments active at `now`: one
    statement if there are any, none otherwise (the other actors are never assigned anything)."""
    organizations = {a.organization_id for a in actors if a.actor_type == ActorType.THIRD_PARTY}
    if not organizations:
        return list(actors)
    stmt = select(Assignment.organization_id, Assignment.subject_type, Assignment.subject_id).where(
        col(Assignment.organization_id).in_(sorted(organizations)), active_assignment_clause(now or utcnow())
    )
    keys: dict[int, set[tuple[str, int]]] = {}
    for organization_id, subject_type, subject_id in (await session.exec(stmt)).all():
        keys.setdefault(organization_id, set()).add((subject_type, subject_id))
    return [
        replace(a, assignments=frozenset(keys.get(a.organization_id, ())))
        if a.actor_type == ActorType.THIRD_PARTY
        else a
        for a in actors
    ]


async def load_actor(*, session: AsyncSession, user_id: int, now: datetime | None = None) -> Actor | None:
    """The active user with its organization and region, in one statement (a third party: two, with its
    assignments active at `now`); None if absent or inactive."""
    row = (await session.exec(_actor_select().where(User.id == user_id))).first()
    if row is None:
        return None
    return (await with_assignments(session, [actor_of(*row)], now))[0]


async def load_actors(
    *, session: AsyncSession, user_ids: Collection[int], now: datetime | None = None
) -> dict[int, Actor]:
    """load_actor for many users in one statement (and one more if any is a third party): the active
    ones, by id."""
    if not user_ids:
        return {}
    rows = (await session.exec(_actor_select().where(col(User.id).in_(sorted(user_ids))))).all()
    actors = await with_assignments(session, [actor_of(*row) for row in rows], now)
    return {actor.user_id: actor for actor in actors}
