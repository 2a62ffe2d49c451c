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
