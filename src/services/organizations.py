"""Reading organizations (an actor type at a region) and their users."""

from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.sql.expression import SelectOfScalar

from src.models import Organization
from src.models.enums import ActorType
from src.services import policy
from src.services.actors import Actor
from src.services.filters import in_region


@dataclass(frozen=True)
class OrganizationQuery:
    region_code: str | None = None
    include_descendants: bool = False
    actor_type: ActorType | None = None


def organizations_select(query: OrganizationQuery, actor: Actor) -> SelectOfScalar[Organization]:
    """Every logged-in actor may list the organizations it works with (all of them, for now)."""
    policy.reader(actor)
    stmt = select(Organization)
    if query.region_code is not None:
        stmt = stmt.where(in_region(Organization.region_id, query.region_code, query.include_descendants))
    if query.actor_type is not None:
        stmt = stmt.where(Organization.actor_type == query.actor_type)
    return stmt


# Bodies outside the province's own chain: they see the users of their own organization only.
OUTSIDE_THE_CHAIN = frozenset({ActorType.NATIONAL, ActorType.THIRD_PARTY})


def users_visible(actor: Actor, *, organization_id: int, region_path: str) -> bool:
    """Whether `actor` may see who the users of an organization (at `region_path`) are: their usernames
    and names. Administrators (they support everyone) and the organization's own users may; so may the
    province's bodies for the organizations of their own region and below, whom they work with and
    supervise. Nobody else: usernames are what a password guesser needs first.
    """
    if not actor.in_token_region(region_path):
        return False
    if actor.is_admin or actor.organization_id == organization_id:
        return True
    return actor.actor_type not in OUTSIDE_THE_CHAIN and actor.covers(region_path)
