"""Where a disclosure sits for visibility (src/subjects/scope.py): at its region, never a draft for the
rule — the brief of Art. 21 is that the region's bodies and the province read it at every step (what it
holds is meant for the public anyway; the public API reads only published snapshots). It concerns every
fund of the region, so it is addressed to both administrations."""

from sqlalchemy import ColumnElement, true
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Disclosure, Region
from src.models.enums import Administration
from src.services import policy
from src.services.actors import Actor
from src.services.rows import kept_row
from src.subjects.columns import region_path_of
from src.subjects.scope import ColumnTerms, RecordScope

SUBJECT = "Disclosure"  # its name in the registry (src/domains/disclosure.py)
EVERY_ADMINISTRATION = frozenset(Administration)


async def disclosure_scope(session: AsyncSession, row: Disclosure) -> RecordScope:
    region = await kept_row(session, Region, row.region_id)
    assert region is not None
    return RecordScope(
        region_id=region.id or 0, region_path=region.path, administrations=EVERY_ADMINISTRATION
    )


def visible_disclosures_clause(actor: Actor) -> ColumnElement[bool]:
    columns = ColumnTerms(region_path=region_path_of(Disclosure.region_id), addressed=lambda _: true())
    return policy.visible_clause(actor, columns)


async def region_scope(session: AsyncSession, row: Disclosure) -> policy.Scope:
    """Where the finance's actions on it apply: its region."""
    region = await kept_row(session, Region, row.region_id)
    assert region is not None
    return policy.Scope(region_path=region.path, region_level=region.level)
