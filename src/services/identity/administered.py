"""Where the administrators' own records sit for visibility (src/subjects/scope.py): API tokens and webhooks
are managed by administrators alone (policy.Action.API_TOKEN_MANAGE), so their events must be seen by them
alone.

Such a record sits at the region of the account it acts for (a token's service account, a hook's user) and
belongs to the administrator who registered it. policy.visibility lets administrators read everything and
everyone else only what belongs to nobody or to themselves, so nobody but administrators sees it: no new
term in the one rule, and the account's region lets an administrator filter its events by region.
"""

from typing import Any

from sqlalchemy import ColumnElement, false
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Organization, Region, User
from src.models.enums import Administration
from src.services import policy
from src.services.actors import Actor
from src.subjects.scope import ColumnTerms, RecordScope


async def administered_scope(session: AsyncSession, *, account_id: int, registered_by: int) -> RecordScope:
    """The scope of a record acting for the user `account_id`, registered by the administrator
    `registered_by` (one statement)."""
    stmt = (
        select(Region)
        .join(Organization, col(Organization.region_id) == Region.id)
        .join(User, col(User.organization_id) == Organization.id)
        .where(User.id == account_id)
    )
    region = (await session.exec(stmt)).one()
    assert region.id is not None
    return RecordScope(region_id=region.id, region_path=region.path, owner_user_id=registered_by)


def _account_region_path(account_column: Any) -> ColumnElement[str]:
    return (
        select(Region.path)
        .join(Organization, col(Organization.region_id) == Region.id)
        .join(User, col(User.organization_id) == Organization.id)
        .where(col(User.id) == account_column)
        .scalar_subquery()
    )


def _addressed_to_none(administration: Administration) -> ColumnElement[bool]:
    return false()  # they concern no fund


def administered_clause(
    actor: Actor, *, account_column: Any, registered_by_column: Any
) -> ColumnElement[bool]:
    """administered_scope's rule as SQL over a table of such records (policy.visibility)."""
    terms = ColumnTerms(
        region_path=_account_region_path(account_column),
        addressed=_addressed_to_none,
        owner_user_id=registered_by_column,
    )
    return policy.visible_clause(actor, terms)
