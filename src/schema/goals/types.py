from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from src.models import Goal as GoalRow
from src.models import Indicator as IndicatorRow
from src.models.enums import label_zh
from src.schema.budgets.types import FundBudget
from src.schema.context import Info
from src.schema.enums import (
    Comparator,
    GoalHorizon,
    GoalStatus,
    IndicatorCategory,
    IndicatorKind,
    QualitativeGrade,
)
from src.schema.errors import NotFoundError
from src.schema.funds.types import FundType
from src.schema.regions.types import Region


@strawberry.type(description="绩效指标")
class Indicator:
    id: strawberry.ID
    level1: IndicatorCategory
    level2: str
    level3: str
    kind: IndicatorKind
    comparator: Comparator
    target_value: Decimal | None
    target_grade: QualitativeGrade | None
    unit: str
    weight: Decimal
    definition: str
    sort_order: int
    row_version: int
    goal_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: IndicatorRow) -> "Indicator":
        assert row.id is not None
        return cls(
            id=strawberry.ID(str(row.id)),
            level1=row.level1,
            level2=row.level2,
            level3=row.level3,
            kind=row.kind,
            comparator=row.comparator,
            target_value=row.target_value,
            target_grade=row.target_grade,
            unit=row.unit,
            weight=row.weight,
            definition=row.definition,
            sort_order=row.sort_order,
            row_version=row.row_version,
            goal_id=row.goal_id,
        )

    @strawberry.field(description="一级指标中文名")
    def level1_label(self) -> str:
        return label_zh(self.level1)

    @strawberry.field(description="指标性质符号（≥、≤、=、定性）")
    def comparator_label(self) -> str:
        return label_zh(self.comparator)

    @strawberry.field
    async def goal(self, info: Info) -> "Goal":
        row = await info.context.loaders.goal.load(self.goal_id)
        assert row is not None
        return Goal.from_row(row)


@strawberry.type(description="绩效目标（总体目标或年度目标）")
class Goal:
    id: strawberry.ID
    title: str
    horizon: GoalHorizon
    start_year: int
    end_year: int
    content: str
    status: GoalStatus
    version: int
    row_version: int
    created_at: datetime
    updated_at: datetime
    db_id: strawberry.Private[int]
    fund_type_id: strawberry.Private[int]
    region_id: strawberry.Private[int]
    overall_goal_id: strawberry.Private[int | None]
    parent_goal_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: GoalRow) -> "Goal":
        assert row.id is not None
        return cls(
            id=strawberry.ID(str(row.id)),
            title=row.title,
            horizon=row.horizon,
            start_year=row.start_year,
            end_year=row.end_year,
            content=row.content,
            status=row.status,
            version=row.version,
            row_version=row.row_version,
            created_at=row.created_at,
            updated_at=row.updated_at,
            db_id=row.id,
            fund_type_id=row.fund_type_id,
            region_id=row.region_id,
            overall_goal_id=row.overall_goal_id,
            parent_goal_id=row.parent_goal_id,
        )

    @strawberry.field
    def horizon_label(self) -> str:
        return label_zh(self.horizon)

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)

    @strawberry.field
    async def fund_type(self, info: Info) -> FundType:
        row = await info.context.loaders.fund_type.load(self.fund_type_id)
        assert row is not None
        return FundType.from_row(row)

    @strawberry.field(description="统筹地区")
    async def region(self, info: Info) -> Region:
        row = await info.context.loaders.region.load(self.region_id)
        assert row is not None
        return Region.from_row(row)

    @strawberry.field
    async def indicators(self, info: Info) -> list[Indicator]:
        rows = await info.context.loaders.indicators_by_goal.load(self.db_id)
        return [Indicator.from_row(r) for r in rows]

    @strawberry.field(description="指标权重合计")
    async def weight_total(self, info: Info) -> Decimal:
        rows = await info.context.loaders.indicators_by_goal.load(self.db_id)
        return sum((r.weight for r in rows), Decimal("0.00"))

    @strawberry.field(description="年度目标所属的总体目标")
    async def overall_goal(self, info: Info) -> "Goal | None":
        if self.overall_goal_id is None:
            return None
        row = await info.context.loaders.goal.load(self.overall_goal_id)
        return Goal.from_row(row) if row else None

    @strawberry.field(description="总体目标下的年度目标")
    async def annual_goals(self, info: Info) -> list["Goal"]:
        rows = await info.context.loaders.goals_by_overall.load(self.db_id)
        return [Goal.from_row(r) for r in rows]

    @strawberry.field(description="分解来源：全省统一的区域目标")
    async def parent_goal(self, info: Info) -> "Goal | None":
        if self.parent_goal_id is None:
            return None
        row = await info.context.loaders.goal.load(self.parent_goal_id)
        return Goal.from_row(row) if row else None

    @strawberry.field(description="分解下达至各统筹地区的目标")
    async def child_goals(self, info: Info) -> list["Goal"]:
        rows = await info.context.loaders.goals_by_parent.load(self.db_id)
        return [Goal.from_row(r) for r in rows]

    @strawberry.field(description="年度目标对应的基金预算（总体目标为空）")
    async def budget(self, info: Info) -> FundBudget | None:
        if self.horizon != GoalHorizon.ANNUAL:
            return None
        rows = await info.context.loaders.budgets_by_scope.load(
            (self.region_id, self.fund_type_id, self.start_year)
        )
        return FundBudget.from_row(rows[0]) if rows else None


@strawberry.input(description="目标筛选条件")
class GoalFilter:
    year: int | None = strawberry.field(default=None, description="期间覆盖该年度的目标")
    fund_type_code: str | None = None
    region_code: str | None = None
    include_descendants: bool = strawberry.field(
        default=False, description="同时包含 regionCode 下级区划的目标"
    )
    status: list[GoalStatus] | None = None
    horizon: GoalHorizon | None = None


GoalResult = Annotated[Goal | NotFoundError, strawberry.union("GoalResult")]
IndicatorResult = Annotated[Indicator | NotFoundError, strawberry.union("IndicatorResult")]
