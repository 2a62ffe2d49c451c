"""Reference data as a subject: regions, fund types, pooling and the indicator library, loaded by `fundperf
seed` (src/seed/reference.py). It announces that a load changed something, so dataVersion moves and the
response cache answers afresh; the event stands on a fund type (any: the load is the subject) at the top
region, public like the data it announces, and read by everyone."""

from enum import StrEnum

from sqlalchemy import ColumnElement, ScalarSelect, false, true
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.models import FundType, Region
from src.models.enums import Administration
from src.services import policy
from src.services.actors import Actor
from src.subjects.registry import Registry, SubjectSpec
from src.subjects.scope import ColumnTerms, RecordScope


class ReferenceEventKind(StrEnum):
    REFERENCE_DATA_CHANGED = "REFERENCE_DATA_CHANGED"


def _top_regions() -> SelectOfScalar[Region]:
    return select(Region).where(col(Region.parent_id).is_(None)).order_by(col(Region.code)).limit(1)


def _top_path() -> ScalarSelect[str]:
    return (
        select(col(Region.path))
        .where(col(Region.parent_id).is_(None))
        .order_by(col(Region.code))
        .limit(1)
        .scalar_subquery()
    )


async def reference_scope(session: AsyncSession, fund_type: FundType) -> RecordScope:
    top = (await session.exec(_top_regions())).first()
    assert top is not None, "reference data without a region"
    assert top.id is not None
    return RecordScope(region_id=top.id, region_path=top.path, public=True)


def _addressed_to_none(administration: Administration) -> ColumnElement[bool]:
    return false()  # public: read without being addressed to an administration


def visible_reference_clause(actor: Actor) -> ColumnElement[bool]:
    """reference_scope's rule as SQL (policy.visibility): everyone, but an API token confined to a region
    below the top one."""
    terms = ColumnTerms(region_path=_top_path(), addressed=_addressed_to_none, public=true())
    return policy.visible_clause(actor, terms)


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name="ReferenceData",
            model=FundType,
            label="基础数据",
            scope=reference_scope,
            clause=visible_reference_clause,
            event_kinds=ReferenceEventKind,
            event_labels={ReferenceEventKind.REFERENCE_DATA_CHANGED: "基础数据变更"},
        )
    )
