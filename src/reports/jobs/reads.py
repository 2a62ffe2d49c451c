"""Reading jobs: each visible to whoever may read its goal (a batch: its region and fund)."""

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, exists, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.models import Goal
from src.models.report import ReportJob, ReportJobStatus

# --- reading -----------------------------------------------------------------------------------------
from src.reports.jobs.common import ENTITY
from src.reports.kinds import ReportKind
from src.services import policy
from src.services.actors import Actor
from src.services.errors import (
    NotFound,
)


@dataclass(frozen=True)
class ReportJobQuery:
    statuses: list[ReportJobStatus] = field(default_factory=list)
    kind: ReportKind | None = None
    parent_ids: list[int] = field(default_factory=list)  # a batch's children


def visible_jobs_clause(actor: Actor) -> ColumnElement[bool]:
    """Who sees a job: for one goal, whoever may read the goal; for a batch, whoever may read records of
    its region and fund. A job whose goal was deleted since is left to its requester."""
    goal_readable = exists(
        select(Goal.id).where(col(Goal.id) == ReportJob.goal_id, policy.visible_goals_clause(actor))
    )
    region_readable = policy.visible_region_clause(actor, ReportJob.region_id, ReportJob.fund_type_id)
    return or_(
        and_(col(ReportJob.goal_id).is_not(None), goal_readable),
        and_(col(ReportJob.goal_id).is_(None), col(ReportJob.year).is_not(None), region_readable),
        and_(
            col(ReportJob.goal_id).is_(None),
            col(ReportJob.year).is_(None),
            col(ReportJob.requested_by_id) == actor.user_id,
            region_readable,
        ),
    )


def report_jobs_select(query: ReportJobQuery, actor: Actor) -> SelectOfScalar[ReportJob]:
    """The jobs matching `query` that `actor` may see."""
    stmt = select(ReportJob).where(visible_jobs_clause(policy.reader(actor)))
    if query.statuses:
        stmt = stmt.where(col(ReportJob.status).in_(query.statuses))
    if query.kind is not None:
        stmt = stmt.where(ReportJob.kind == query.kind)
    if query.parent_ids:
        stmt = stmt.where(col(ReportJob.parent_id).in_(query.parent_ids))
    return stmt


async def visible_report_job(*, session: AsyncSession, actor: Actor, job_id: int) -> ReportJob:
    """The job if `actor` may see it; one it may not is reported as absent, exactly like a missing one."""
    stmt = report_jobs_select(ReportJobQuery(), actor).where(ReportJob.id == job_id)
    job = (await session.exec(stmt)).first()
    if job is None:
        raise NotFound(ENTITY, job_id)
    return job
