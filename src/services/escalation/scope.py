"""Where an escalation case sits for visibility (src/subjects/scope.py), for one row and as SQL. Before its
first letter it sits at the province as a draft: the province's bodies read it, nobody below nor the
national departments. Once a letter is sent it sits at the prefecture escalated, no longer a draft: the
prefecture's bodies read it, and the province by the one rule. It concerns no one fund: it is addressed to
both administrations (the prefecture's 人社 and 医保 bodies read it)."""

from sqlalchemy import ColumnElement, case, true
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Region
from src.models.enums import Administration
from src.models.escalation import EscalationCase
from src.services import policy
from src.services.actors import Actor
from src.services.rows import kept_row
from src.subjects.columns import region_path_of
from src.subjects.scope import ColumnTerms, RecordScope

SUBJECT = "EscalationCase"  # its name in the registry (src/domains/escalation.py)
BOTH = frozenset({Administration.HRSS, Administration.MEDICAL_SECURITY})


def is_draft(row: EscalationCase) -> bool:
    return row.level == 0


async def case_scope(session: AsyncSession, row: EscalationCase) -> RecordScope:
    region = await kept_row(session, Region, row.province_id if is_draft(row) else row.region_id)
    assert region is not None
    return RecordScope(
        region_id=region.id or 0, region_path=region.path, administrations=BOTH, draft=is_draft(row)
    )


def _addressed(_: Administration) -> ColumnElement[bool]:
    return true()


def visible_cases_clause(actor: Actor) -> ColumnElement[bool]:
    draft = col(EscalationCase.level) == 0
    columns = ColumnTerms(
        region_path=case(
            (draft, region_path_of(EscalationCase.province_id)),
            else_=region_path_of(EscalationCase.region_id),
        ),
        addressed=_addressed,
        draft=draft,
    )
    return policy.visible_clause(actor, columns)


async def province_scope(session: AsyncSession, row: EscalationCase) -> policy.Scope:
    """Where 财政厅's actions on it apply (ESCALATION_MANAGE): the province."""
    region = await kept_row(session, Region, row.province_id)
    assert region is not None
    return policy.Scope(region_path=region.path, region_level=region.level)


async def region_scope(session: AsyncSession, row: EscalationCase) -> policy.Scope:
    """Where the answer applies (ESCALATION_ANSWER): the prefecture escalated."""
    region = await kept_row(session, Region, row.region_id)
    assert region is not None
    return policy.Scope(region_path=region.path, region_level=region.level)
