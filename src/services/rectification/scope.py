"""Where a rectification item sits for visibility (src/subjects/scope.py): at the region it concerns, never
a draft. That region (and below) reads it, the regions above it (its prefecture, the province, so the
finance that raised it) by the one rule; the administration-bound bodies (the fund's administration, the
agency) when it concerns their fund; 税务 of the region reads it as a body of the region."""

from sqlalchemy import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Region
from src.models.rectification import RectificationItem
from src.services import policy
from src.services.actors import Actor
from src.services.rows import kept_row
from src.subjects.columns import fund_addressed, region_path_of
from src.subjects.scope import ColumnTerms, RecordScope

SUBJECT = "RectificationItem"  # its name in the registry (src/domains/rectification.py)


async def item_scope(session: AsyncSession, row: RectificationItem) -> RecordScope:
    region = await kept_row(session, Region, row.region_id)
    fund = await kept_row(session, FundType, row.fund_type_id)
    assert region is not None and fund is not None
    return RecordScope(
        region_id=region.id or 0,
        region_path=region.path,
        fund_type_id=row.fund_type_id,
        administrations=frozenset({fund.administration}) if fund.administration else frozenset(),
    )


def visible_items_clause(actor: Actor) -> ColumnElement[bool]:
    columns = ColumnTerms(
        region_path=region_path_of(RectificationItem.region_id),
        addressed=fund_addressed(RectificationItem.fund_type_id),
    )
    return policy.visible_clause(actor, columns)


async def region_scope(session: AsyncSession, row: RectificationItem) -> policy.Scope:
    """Where the steps on it apply (RECTIFICATION_RAISE, RECTIFICATION_REPORT): the item's region."""
    region = await kept_row(session, Region, row.region_id)
    fund = await kept_row(session, FundType, row.fund_type_id)
    assert region is not None and fund is not None
    return policy.Scope(
        region_path=region.path, region_level=region.level, administration=fund.administration
    )
