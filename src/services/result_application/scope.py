"""Where a result application sits for visibility (src/subjects/scope.py), for one row and as SQL. A draft
sits, as a draft, where it is written (the region's finance, or the province's finance writing for a region):
that region's bodies read it, nobody above. Once recorded it sits at its pooling region, no longer a draft:
that region reads it and the regions above by the one rule (the province's bodies of the fund's
administration among them); the administration-bound bodies read it when it concerns their fund."""

from sqlalchemy import ColumnElement, case
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Region
from src.models.result_application import ResultApplication, ResultApplicationStatus
from src.services import policy
from src.services.actors import Actor
from src.services.rows import kept_row
from src.subjects.columns import fund_addressed, region_path_of
from src.subjects.scope import ColumnTerms, RecordScope

SUBJECT = "ResultApplication"  # its name in the registry (src/domains/result_application.py)


def is_draft(row: ResultApplication) -> bool:
    return row.status == ResultApplicationStatus.DRAFT


async def application_scope(session: AsyncSession, row: ResultApplication) -> RecordScope:
    region = await kept_row(session, Region, row.author_region_id if is_draft(row) else row.region_id)
    fund = await kept_row(session, FundType, row.fund_type_id)
    assert region is not None and fund is not None
    return RecordScope(
        region_id=region.id or 0,
        region_path=region.path,
        fund_type_id=row.fund_type_id,
        administrations=frozenset({fund.administration}) if fund.administration else frozenset(),
        draft=is_draft(row),
    )


def application_columns() -> ColumnTerms:
    draft = col(ResultApplication.status) == ResultApplicationStatus.DRAFT
    return ColumnTerms(
        region_path=case(
            (draft, region_path_of(ResultApplication.author_region_id)),
            else_=region_path_of(ResultApplication.region_id),
        ),
        addressed=fund_addressed(ResultApplication.fund_type_id),
        draft=draft,
    )


def visible_applications_clause(actor: Actor) -> ColumnElement[bool]:
    return policy.visible_clause(actor, application_columns())


async def region_scope(session: AsyncSession, row: ResultApplication) -> policy.Scope:
    """Where RESULT_APPLICATION_RECORD applies: the pooling region whose result it is."""
    region = await kept_row(session, Region, row.region_id)
    fund = await kept_row(session, FundType, row.fund_type_id)
    assert region is not None and fund is not None
    return policy.Scope(
        region_path=region.path, region_level=region.level, administration=fund.administration
    )
