"""The tax department's concurrence (商税务部门), for every subject drafted with it: a goal (Art. 5, 7), a
monitoring report (Art. 13), a self-evaluation (Art. 17). One rule for all: the subject counts its content
revisions; the tax department of the subject's region concurs with one revision; any edit counts the
revision up and so voids the concurrence; submission needs the concurrence of the current revision, and a
tax department on record to give it.

Each subject keeps its own step (its transition, event and opinion records) and its own words; the rule
is here.
"""

from typing import Protocol

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Organization, Region
from src.models.enums import ActorType
from src.services.errors import GoalErrorCode, PreconditionFailed


class Concurred(Protocol):
    """A subject drafted with the tax department: its region, its content revision, the one concurred."""

    region_id: int
    content_revision: int
    tax_concurred_revision: int | None


async def tax_organization_id(session: AsyncSession, region_id: int) -> int | None:
    """The tax department of the region, if on record."""
    stmt = select(Organization.id).where(
        Organization.region_id == region_id, Organization.actor_type == ActorType.TAX
    )
    return (await session.exec(stmt)).first()


def concurs(subject: Concurred) -> bool:
    """Whether the tax department concurred with the subject's current content."""
    return subject.tax_concurred_revision == subject.content_revision


def concur(subject: Concurred) -> None:
    """The tax department concurs with the current content (until the next edit)."""
    subject.tax_concurred_revision = subject.content_revision


def withdraw(subject: Concurred) -> None:
    """The tax department objects: no revision is concurred with."""
    subject.tax_concurred_revision = None


def revised(subject: Concurred) -> None:
    """The subject's content was edited: a new revision, which voids the concurrence."""
    subject.content_revision += 1


async def require_tax_department(session: AsyncSession, subject: Concurred, *, missing: str) -> int:
    """The tax organization of the subject's region; refused with `missing` (formatted with the region's
    name as {region}) when there is none on record."""
    organization_id = await tax_organization_id(session, subject.region_id)
    if organization_id is None:
        region = await session.get(Region, subject.region_id)
        name = region.name if region is not None else str(subject.region_id)
        raise PreconditionFailed(missing.format(region=name), code=GoalErrorCode.TAX_DEPARTMENT_MISSING)
    return organization_id


def not_concurred(message: str) -> PreconditionFailed:
    """The refusal of a submission whose current content lacks the concurrence."""
    return PreconditionFailed(message, code=GoalErrorCode.TAX_CONCURRENCE_REQUIRED)


async def require_concurrence(
    session: AsyncSession, subject: Concurred, *, missing: str, why_not: str, never: str, after: str
) -> int:
    """The tax organization that concurred with the subject's current content; refused otherwise: `missing`
    without a tax department, `why_not` (formatted with {why}) with `never` when it never concurred, or
    `after` when it did and the content changed since."""
    organization_id = await require_tax_department(session, subject, missing=missing)
    if concurs(subject):
        return organization_id
    why = never if subject.tax_concurred_revision is None else after
    raise not_concurred(why_not.format(why=why))
