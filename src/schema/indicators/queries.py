import strawberry
from sqlmodel import col, or_, select

from src.models import FundType as FundTypeRow
from src.models import IndicatorTemplate as TemplateRow
from src.schema.context import Info
from src.schema.enums import IndicatorCategory
from src.schema.indicators.types import IndicatorTemplate
from src.schema.permissions import IsAuthenticated


@strawberry.type
class IndicatorTemplateQueries:
    @strawberry.field(
        permission_classes=[IsAuthenticated], description="指标库；给出险种时返回共性指标和该险种的个性指标"
    )
    async def indicator_templates(
        self,
        info: Info,
        fund_type_code: str | None = None,
        include_common: bool = True,
        level1: IndicatorCategory | None = None,
    ) -> list[IndicatorTemplate]:
        stmt = select(TemplateRow).where(col(TemplateRow.active))
        if fund_type_code is not None:
            fund = select(FundTypeRow.id).where(FundTypeRow.code == fund_type_code).scalar_subquery()
            own = col(TemplateRow.fund_type_id) == fund
            stmt = stmt.where(or_(own, col(TemplateRow.fund_type_id).is_(None)) if include_common else own)
        elif not include_common:
            stmt = stmt.where(col(TemplateRow.fund_type_id).is_not(None))
        if level1 is not None:
            stmt = stmt.where(TemplateRow.level1 == level1)
        stmt = stmt.order_by(col(TemplateRow.sort_order), col(TemplateRow.id))
        async with info.context.sessionmaker() as session:
            rows = (await session.exec(stmt)).all()
        return [IndicatorTemplate.from_row(r) for r in rows]
