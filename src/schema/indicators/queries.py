import strawberry

from src.schema.context import Info
from src.schema.enums import IndicatorCategory
from src.schema.indicators.types import IndicatorTemplate
from src.schema.list_sizes import max_items
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.services.reference import TemplateQuery, indicator_templates_select


@strawberry.type
class IndicatorTemplateQueries:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="指标库；给出险种时返回共性指标和该险种的个性指标",
        metadata=max_items(1000),  # the indicator library (src/data/indicator_library.csv)
    )
    async def indicator_templates(
        self,
        info: Info,
        fund_type_code: str | None = None,
        include_common: bool = True,
        level1: IndicatorCategory | None = None,
    ) -> list[IndicatorTemplate]:
        query = TemplateQuery(fund_type_code=fund_type_code, include_common=include_common, level1=level1)
        async with info.context.sessionmaker() as session:
            rows = (await session.exec(indicator_templates_select(query, current_actor(info)))).all()
        return [IndicatorTemplate.from_row(r) for r in rows]
