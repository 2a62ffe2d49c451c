"""Reading jobs: each visible to whoever may read its subject (a batch: its region and fund; scope.py)."""

import functools
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import BindParameter, bindparam
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import ClauseList, Grouping
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.models.report import ReportJob, ReportJobStatus
from src.reports.jobs.common import ENTITY
from src.reports.jobs.fixed_values import fixed_values
from src.reports.jobs.scope import subject_names, visible_jobs_clause
from src.services import policy
from src.services.actors import Actor
from src.services.errors import NotFound


@dataclass(frozen=True)
class ReportJobQuery:
    statuses: list[ReportJobStatus] = field(default_factory=list)
    kind: str | None = None  # a registered document kind
    parent_ids: list[int] = field(default_factory=list)  # a batch's children


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


def one_job_select(actor: Actor) -> SelectOfScalar[ReportJob]:
    """The job `job_id` (a bound parameter) if `actor` may see it. Built once per actor (and set of
    subjects) and kept: SQLAlchemy keeps a statement's cache key on the statement, and computing the key
    of the visibility clause was about a third of a `reportJob` request's CPU. Kept for the latest actors
    only: with its key, a statement holds about 0.2 MB (the row statement below, a copy, 0.6 MB)."""
    return _one_job_select(policy.reader(actor), subject_names())


KEPT_ACTORS = 64  # whose reportJob statements are kept (e.g. those polling their jobs), about 50 MB at most


@functools.lru_cache(maxsize=KEPT_ACTORS)
def _one_job_select(actor: Actor, _subjects: tuple[str, ...]) -> SelectOfScalar[ReportJob]:
    return report_jobs_select(ReportJobQuery(), actor).where(col(ReportJob.id) == bindparam("job_id"))


@functools.lru_cache(maxsize=KEPT_ACTORS)
def _one_job_row_select(actor: Actor, _subjects: tuple[str, ...]) -> sa.Select[Any]:
    # The same, as plain columns: for a read that needs no ORM object (identity map, change tracking).
    columns = ReportJob.__table__.columns  # type: ignore[attr-defined]
    stmt = sa.select(*columns).where(visible_jobs_clause(actor), col(ReportJob.id) == bindparam("job_id"))
    return fixed_values(cast(sa.Select[Any], visitors.replacement_traverse(stmt, {}, _fixed_list)), "job_id")


def _fixed_list(element: Any, **_: Any) -> Any:
    """An `IN` list of the actor's (statuses, kinds) as one parameter per value, as the statement is kept
    with its values: an expanding parameter makes SQLAlchemy render the SQL again at every execution (a
    tenth of a millisecond for this statement's eight). Empty lists and tuples stay as they were."""
    if not isinstance(element, BindParameter) or not element.expanding or not element.value:
        return None
    if element.type._is_tuple_type or element.callable is not None:
        return None
    values = [bindparam(None, value, type_=element.type) for value in element.value]
    return Grouping(ClauseList(*values, operator=operators.comma_op))


async def visible_report_job(*, session: AsyncSession, actor: Actor, job_id: int) -> ReportJob:
    """The job if `actor` may see it; one it may not is reported as absent, exactly like a missing one."""
    job = (await session.exec(one_job_select(actor), params={"job_id": job_id})).first()
    if job is None:
        raise NotFound(ENTITY, job_id)
    return job


async def visible_report_job_row(*, session: AsyncSession, actor: Actor, job_id: int) -> ReportJob:
    """visible_report_job as a plain row named like the model's fields (read-only), not an ORM object."""
    statement = _one_job_row_select(policy.reader(actor), subject_names())
    connection = await session.connection()
    row = (await connection.execute(statement, {"job_id": job_id})).first()
    if row is None:
        raise NotFound(ENTITY, job_id)
    return cast(ReportJob, row)
