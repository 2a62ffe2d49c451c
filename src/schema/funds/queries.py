import strawberry
from sqlmodel import col, select

from src.models import FundType as FundTypeRow
from src.models import PoolingArrangement as PoolingRow
from src.schema.context import Info
from src.schema.funds.types import FundType, FundTypeResult, PoolingArrangement
from src.schema.permissions import IsAuthenticated
from src.services.errors import NotFound


@strawberry.type
class FundQueries:
    @strawberry.field(permission_classes=[IsAuthenticated], description="险种列表")
    async def fund_types(self, info: Info, include_inactive: bool = False) -> list[FundType]:
        stmt = select(FundTypeRow).order_by(col(FundTypeRow.sort_order), col(FundTypeRow.code))
        if not include_inactive:
            stmt = stmt.where(col(FundTypeRow.active))
        async with info.context.sessionmaker() as session:
            rows = (await session.exec(stmt)).all()
        return [FundType.from_row(r) for r in rows]

    @strawberry.field(permission_classes=[IsAuthenticated], description="按代码查询险种")
    async def fund_type(self, info: Info, code: str) -> FundTypeResult:
        async with info.context.sessionmaker() as session:
            row = (await session.exec(select(FundTypeRow).where(FundTypeRow.code == code))).first()
        if row is None:
            raise NotFound("险种", code)
        return FundType.from_row(row)

    @strawberry.field(permission_classes=[IsAuthenticated], description="统筹安排（可按年度、险种筛选）")
    async def pooling_arrangements(
        self, info: Info, year: int | None = None, fund_type_code: str | None = None
    ) -> list[PoolingArrangement]:
        stmt = select(PoolingRow).order_by(col(PoolingRow.year), col(PoolingRow.fund_type_id))
        if year is not None:
            stmt = stmt.where(PoolingRow.year == year)
        if fund_type_code is not None:
            fund = select(FundTypeRow.id).where(FundTypeRow.code == fund_type_code).scalar_subquery()
            stmt = stmt.where(col(PoolingRow.fund_type_id) == fund)
        async with info.context.sessionmaker() as session:
            rows = (await session.exec(stmt)).all()
        return [PoolingArrangement.from_row(r) for r in rows]
