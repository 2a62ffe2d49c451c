"""Where a report job sits for visibility: a document is seen by whoever may read its subject; a batch by
whoever may read every document it holds (the combined scope of its subjects, kept on its row when it was
requested: requesting.py); a document whose subject is gone by its requester alone (within what it may
read of that region and fund). The same rule (policy.visibility) decides for one job and as SQL; the
subject's own rule comes from the registry, so jobs never name a domain."""

import functools

from sqlalchemy import ColumnElement, and_, exists, false, not_, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Region
from src.models.enums import Administration
from src.models.report import ReportJob
from src.services import policy
from src.services.actors import Actor
from src.services.rows import kept_row
from src.subjects.columns import fund_addressed, region_path_of
from src.subjects.registry import registry
from src.subjects.scope import ColumnTerms, RecordScope

SUBJECT_NAME = "ReportJob"


async def job_scope(session: AsyncSession, job: ReportJob) -> RecordScope:
    if job.subject_id is not None:
        spec = registry().subject(job.subject_type)
        subject = await session.get(spec.model, job.subject_id)
        if subject is not None:
            return await spec.scope(session, subject)
    fund = await kept_row(session, FundType, job.fund_type_id) if job.fund_type_id is not None else None
    administrations = frozenset({fund.administration}) if fund and fund.administration else frozenset()
    if job.kind in registry().exports:  # its requester's, at its region (of every fund, without one)
        assert job.region_id is not None
        region = await kept_row(session, Region, job.region_id)
        assert region is not None
        return RecordScope(
            region_id=job.region_id,
            region_path=region.path,
            fund_type_id=job.fund_type_id,
            administrations=administrations if fund is not None else frozenset(Administration),
            owner_user_id=job.requested_by_id,
        )
    if job.year is not None:
        assert job.scope_region_id is not None
        region = await kept_row(session, Region, job.scope_region_id)
        top = await kept_row(session, Region, job.scope_top_region_id) if job.scope_top_region_id else None
        assert region is not None
        return RecordScope(
            region_id=job.scope_region_id,
            region_path=region.path,
            fund_type_id=job.fund_type_id,
            administrations=administrations,
            draft=job.scope_draft,
            hidden_below=job.scope_hidden_below,
            top_path=top.path if top is not None else None,
        )
    assert job.region_id is not None
    region = await kept_row(session, Region, job.region_id)
    assert region is not None
    return RecordScope(
        region_id=job.region_id,
        region_path=region.path,
        fund_type_id=job.fund_type_id,
        administrations=administrations,
        owner_user_id=job.requested_by_id,
    )


def _place() -> ColumnTerms:
    """A document whose subject is gone: its requester's, at its subject's region and fund."""
    return ColumnTerms(
        region_path=region_path_of(ReportJob.region_id),
        addressed=fund_addressed(ReportJob.fund_type_id),
        owner_user_id=col(ReportJob.requested_by_id),
    )


def _batch() -> ColumnTerms:
    """A batch: the scope it keeps of what it holds."""
    return ColumnTerms(
        region_path=region_path_of(ReportJob.scope_region_id),
        addressed=fund_addressed(ReportJob.fund_type_id),
        draft=col(ReportJob.scope_draft),
        hidden_below=col(ReportJob.scope_hidden_below),
        top_path=region_path_of(ReportJob.scope_top_region_id),
    )


def _export() -> ColumnTerms:
    """An export: its requester's, at the requester's region, of its fund (without one: of every fund)."""
    of_fund = fund_addressed(ReportJob.fund_type_id)

    def addressed(administration: Administration) -> ColumnElement[bool]:
        return or_(col(ReportJob.fund_type_id).is_(None), of_fund(administration))

    return ColumnTerms(
        region_path=region_path_of(ReportJob.region_id),
        addressed=addressed,
        owner_user_id=col(ReportJob.requested_by_id),
    )


def subject_names() -> tuple[str, ...]:
    """The registered subjects: what a clause built from all of them is kept under, with its actor."""
    return tuple(spec.name for spec in registry().subjects())


def visible_jobs_clause(actor: Actor) -> ColumnElement[bool]:
    """job_scope's rule as SQL. Built once per actor and set of subjects: it joins every subject's own
    clause, milliseconds of SQLAlchemy work a `reportJob` read would otherwise repeat (an expression is
    immutable, and none of the subjects' clauses depends on the moment)."""
    return _visible_jobs_clause(actor, subject_names())


# A clause is about 0.23 MB: 256 actors keep at most about 60 MB (1,024 were up to 230 MB). The hottest read,
# reportJob(id), keeps its own whole statement per actor (reads.py).
KEPT_CLAUSES = 256


@functools.lru_cache(maxsize=KEPT_CLAUSES)
def _visible_jobs_clause(actor: Actor, _subjects: tuple[str, ...]) -> ColumnElement[bool]:
    readable: list[ColumnElement[bool]] = []
    present: list[ColumnElement[bool]] = []
    for spec in registry().subjects():
        if spec.name == SUBJECT_NAME:
            continue
        model_id = spec.model.id
        of_type = col(ReportJob.subject_type) == spec.name
        readable_row = select(model_id).where(model_id == ReportJob.subject_id, spec.clause(actor))
        readable.append(and_(of_type, exists(readable_row)))
        present.append(and_(of_type, exists(select(model_id).where(model_id == ReportJob.subject_id))))
    named = col(ReportJob.subject_id).is_not(None)
    # A document whose subject is gone (or, from before subjects had a name, has no id left).
    gone = and_(col(ReportJob.year).is_(None), or_(~named, not_(or_(false(), *present))))
    exports = list(registry().exports)
    export = col(ReportJob.kind).in_(exports) if exports else false()
    return or_(
        and_(named, or_(false(), *readable)),
        and_(col(ReportJob.year).is_not(None), not_(export), policy.visible_clause(actor, _batch())),
        and_(export, policy.visible_clause(actor, _export())),
        and_(gone, policy.visible_clause(actor, _place())),
    )
