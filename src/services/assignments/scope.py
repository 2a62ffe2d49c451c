"""Where an assignment sits for visibility: where the record it entrusts sits (its scope, its key
included), so those who read the record read its assignments, and the third party while it holds it. One
whose record is gone is its creator's, at the region of the organization it was given to. As with report
jobs, the assignable subjects come from the registry: nothing here names one."""

from sqlalchemy import ColumnElement, and_, exists, false, not_, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Assignment, Organization, Region
from src.services import policy
from src.services.actors import Actor
from src.services.rows import kept_row
from src.subjects.registry import registry
from src.subjects.scope import ColumnTerms, RecordScope


def _never_addressed(_: object) -> ColumnElement[bool]:
    return false()


async def assignment_scope(session: AsyncSession, row: Assignment) -> RecordScope:
    spec = registry().subject(row.subject_type)
    subject = await session.get(spec.model, row.subject_id)
    if subject is not None:
        return await spec.scope(session, subject)
    organization = await session.get(Organization, row.organization_id)
    assert organization is not None
    region = await kept_row(session, Region, organization.region_id)
    assert region is not None and region.id is not None
    return RecordScope(region_id=region.id, region_path=region.path, owner_user_id=row.created_by_id)


def visible_assignments_clause(actor: Actor) -> ColumnElement[bool]:
    """assignment_scope's rule as SQL."""
    readable: list[ColumnElement[bool]] = []
    present: list[ColumnElement[bool]] = []
    for spec in registry().subjects():
        if not spec.assignable:
            continue
        model_id = spec.model.id
        of_type = col(Assignment.subject_type) == spec.name
        readable_row = select(model_id).where(model_id == Assignment.subject_id, spec.clause(actor))
        readable.append(and_(of_type, exists(readable_row)))
        present.append(and_(of_type, exists(select(model_id).where(model_id == Assignment.subject_id))))
    organization_region = (
        select(Region.path)
        .join(Organization, col(Organization.region_id) == Region.id)
        .where(col(Organization.id) == Assignment.organization_id)
        .scalar_subquery()
    )
    gone = ColumnTerms(
        region_path=organization_region,
        addressed=_never_addressed,
        owner_user_id=col(Assignment.created_by_id),
    )
    return or_(false(), *readable, and_(not_(or_(false(), *present)), policy.visible_clause(actor, gone)))
