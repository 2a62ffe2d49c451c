"""Reading the reference data (regions, fund types, pooling, indicator library): open to every actor."""

from dataclasses import dataclass

from sqlmodel import col, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from src.models import FundType, IndicatorTemplate, PoolingArrangement, Region
from src.models.enums import IndicatorCategory, RegionLevel
from src.services import policy
from src.services.actors import Actor


def _fund_id(code: str) -> object:
    return select(FundType.id).where(FundType.code == code).scalar_subquery()


@dataclass(frozen=True)
class RegionQuery:
    level: RegionLevel | None = None
    parent_code: str | None = None


def regions_select(query: RegionQuery, actor: Actor) -> SelectOfScalar[Region]:
    policy.reader(actor)
    stmt = select(Region)
    if query.level is not None:
        stmt = stmt.where(Region.level == query.level)
    if query.parent_code is not None:
        parent = select(Region.id).where(Region.code == query.parent_code).scalar_subquery()
        stmt = stmt.where(col(Region.parent_id) == parent)
    return stmt


def fund_types_select(actor: Actor, *, include_inactive: bool = False) -> SelectOfScalar[FundType]:
    policy.reader(actor)
    stmt = select(FundType).order_by(col(FundType.sort_order), col(FundType.code))
    return stmt if include_inactive else stmt.where(col(FundType.active))


def pooling_select(
    actor: Actor, *, year: int | None, fund_type_code: str | None
) -> SelectOfScalar[PoolingArrangement]:
    policy.reader(actor)
    stmt = select(PoolingArrangement).order_by(
        col(PoolingArrangement.year), col(PoolingArrangement.fund_type_id)
    )
    if year is not None:
        stmt = stmt.where(PoolingArrangement.year == year)
    if fund_type_code is not None:
        stmt = stmt.where(col(PoolingArrangement.fund_type_id) == _fund_id(fund_type_code))
    return stmt


@dataclass(frozen=True)
class TemplateQuery:
    fund_type_code: str | None = None
    include_common: bool = True  # the common indicators, which apply to every fund
    level1: IndicatorCategory | None = None


def indicator_templates_select(query: TemplateQuery, actor: Actor) -> SelectOfScalar[IndicatorTemplate]:
    policy.reader(actor)
    stmt = select(IndicatorTemplate).where(col(IndicatorTemplate.active))
    fund_column = col(IndicatorTemplate.fund_type_id)
    if query.fund_type_code is not None:
        own = fund_column == _fund_id(query.fund_type_code)
        stmt = stmt.where(or_(own, fund_column.is_(None)) if query.include_common else own)
    elif not query.include_common:
        stmt = stmt.where(fund_column.is_not(None))
    if query.level1 is not None:
        stmt = stmt.where(IndicatorTemplate.level1 == query.level1)
    return stmt.order_by(col(IndicatorTemplate.sort_order), col(IndicatorTemplate.id))
