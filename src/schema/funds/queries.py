import strawberry
from sqlmodel import col

from src.models import FundType as FundTypeRow
from src.schema.context import Info
from src.schema.funds.types import FundType, FundTypeResult, PoolingArrangement
from src.schema.list_sizes import max_items
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.services.errors import NotFound
from src.services.reference import fund_types_select, pooling_select


@strawberry.type
class FundQueries:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="险种列表",
        metadata=max_items(20),  # the seven funds of the regulation (reference data)
    )
    async def fund_types(self, info: Info, include_inactive: bool = False) -> list[FundType]:
        stmt = fund_types_select(current_actor(info), include_inactive=include_inactive)
        async with info.context.sessionmaker() as session:
            rows = (await session.exec(stmt)).all()
        return [FundType.from_row(r) for r in rows]

    @strawberry.field(permission_classes=[IsAuthenticated], description="按代码查询险种")
    async def fund_type(self, info: Info, code: str) -> FundTypeResult:
        stmt = fund_types_select(current_actor(info), include_inactive=True).where(
            col(FundTypeRow.code) == code
        )
        async with info.context.sessionmaker() as session:
            row = (await session.exec(stmt)).first()
        if row is None:
            raise NotFound("险种", code)
        return FundType.from_row(row)

    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="统筹安排（可按年度、险种筛选）",
        metadata=max_items(500),  # fund × year (reference data)
    )
    async def pooling_arrangements(
        self, info: Info, year: int | None = None, fund_type_code: str | None = None
    ) -> list[PoolingArrangement]:
        stmt = pooling_select(current_actor(info), year=year, fund_type_code=fund_type_code)
        async with info.context.sessionmaker() as session:
            rows = (await session.exec(stmt)).all()
        return [PoolingArrangement.from_row(r) for r in rows]
