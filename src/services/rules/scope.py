"""Where a region's rules sit for visibility (src/subjects/scope.py): at the region, and public — the
detailed rules (Art. 23) are no secret: every user reads every region's, so every user sees their changes;
an API token with a region, only those of its subtree (policy.visibility). For one region's rules, and as
SQL over regions."""

from sqlalchemy import ColumnElement, false, true
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Region
from src.models.enums import Administration
from src.services import policy
from src.services.actors import Actor
from src.subjects.scope import ColumnTerms, RecordScope


def rule_set_scope(region: Region) -> RecordScope:
    assert region.id is not None
    return RecordScope(region_id=region.id, region_path=region.path, public=True)


async def region_rules_scope(session: AsyncSession, region: Region) -> RecordScope:
    """rule_set_scope as the registry asks for it."""
    return rule_set_scope(region)


def _addressed_to_none(administration: Administration) -> ColumnElement[bool]:
    return false()  # rules concern no fund; being public, they need no administration to be read


def visible_rule_sets_clause(actor: Actor) -> ColumnElement[bool]:
    """The regions whose rules `actor` may read, as SQL (policy.visibility)."""
    terms = ColumnTerms(region_path=col(Region.path), addressed=_addressed_to_none, public=true())
    return policy.visible_clause(actor, terms)
