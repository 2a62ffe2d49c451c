"""Who sees which assignments: those who manage a record's assignments (finance of its region) see all of
that record's; a third party sees its own organization's, of every record, past ones included (what it was
entrusted with, even once it no longer reads the record)."""

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Assignment, Organization
from src.models.base import utcnow
from src.models.enums import ActorType
from src.services import policy
from src.services.actors import Actor, active_assignment_clause
from src.services.assignments.assignments import subject_scope

MAX_LISTED = 100  # a record's assignments, or an organization's: newest first


async def assignments_of_subject(
    *, session: AsyncSession, actor: Actor, subject_type: str, subject_id: int
) -> Sequence[Assignment]:
    """A record's assignments (it must be one `actor` reads): all of them for those who manage them, the
    actor's organization's for anyone else."""
    _, managed = await subject_scope(
        session=session, actor=actor, subject_type=subject_type, subject_id=subject_id
    )
    stmt = select(Assignment).where(
        Assignment.subject_type == subject_type, Assignment.subject_id == subject_id
    )
    if not policy.allowed(actor, policy.Action.ASSIGNMENT_MANAGE, managed):
        stmt = stmt.where(Assignment.organization_id == actor.organization_id)
    stmt = stmt.order_by(col(Assignment.starts_at).desc(), col(Assignment.id).desc()).limit(MAX_LISTED)
    return (await session.exec(stmt)).all()


async def my_assignments(*, session: AsyncSession, actor: Actor, active_only: bool) -> Sequence[Assignment]:
    """The assignments of the actor's organization (a third party's; nobody else is assigned anything)."""
    if actor.actor_type != ActorType.THIRD_PARTY:
        return []
    stmt = select(Assignment).where(Assignment.organization_id == actor.organization_id)
    if active_only:
        stmt = stmt.where(active_assignment_clause(utcnow()))
    stmt = stmt.order_by(col(Assignment.starts_at).desc(), col(Assignment.id).desc()).limit(MAX_LISTED)
    return (await session.exec(stmt)).all()


async def entrusted_to(*, session: AsyncSession, subject_type: str, subject_id: int) -> str:
    """The name of the third party a record was last entrusted to and not withdrawn from early (a document
    names who carried the work out, Art. 17); "" when none. The caller has checked that the record is read."""
    stmt = (
        select(Organization.name)
        .join(Assignment, col(Assignment.organization_id) == Organization.id)
        .where(
            Assignment.subject_type == subject_type,
            Assignment.subject_id == subject_id,
            col(Assignment.ended_at).is_(None),
        )
        .order_by(col(Assignment.starts_at).desc(), col(Assignment.id).desc())
        .limit(1)
    )
    return (await session.exec(stmt)).first() or ""
