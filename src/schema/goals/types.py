from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from src.models import Goal as GoalRow
from src.models import GoalTransition as TransitionRow
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
from src.schema.organizations.types import Organization, User
from src.schema.regions.types import Region
from src.services.policy import goal_visible


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
    async def goal(self, info: Info) -> "Goal | None":
        return await _one_visible(info, self.goal_id)


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
    adjustment_reason: str | None = strawberry.field(description="调整理由（第 2 版起）")
    national_submitted_at: datetime | None = strawberry.field(description="报国家相关部门审核的时间")
    overall_goal_id: strawberry.Private[int | None]
    parent_goal_id: strawberry.Private[int | None]
    lineage_id: strawberry.Private[int | None]
    previous_version_id: strawberry.Private[int | None]
    drafter_organization_id: strawberry.Private[int | None]
    co_drafter_organization_id: strawberry.Private[int | None]

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
            adjustment_reason=row.adjustment_reason,
            national_submitted_at=row.national_submitted_at,
            overall_goal_id=row.overall_goal_id,
            parent_goal_id=row.parent_goal_id,
            lineage_id=row.lineage_id,
            previous_version_id=row.previous_version_id,
            drafter_organization_id=row.drafter_organization_id,
            co_drafter_organization_id=row.co_drafter_organization_id,
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
        return await _one_visible(info, self.overall_goal_id)

    @strawberry.field(description="总体目标下的年度目标")
    async def annual_goals(self, info: Info) -> list["Goal"]:
        return await visible_goals(info, await info.context.loaders.goals_by_overall.load(self.db_id))

    @strawberry.field(description="分解来源：全省统一的区域目标")
    async def parent_goal(self, info: Info) -> "Goal | None":
        return await _one_visible(info, self.parent_goal_id)

    @strawberry.field(description="分解下达至各统筹地区的目标")
    async def child_goals(self, info: Info) -> list["Goal"]:
        return await visible_goals(info, await info.context.loaders.goals_by_parent.load(self.db_id))

    @strawberry.field(description="同一目标的全部版本（第 14 条：调整形成新版本，旧版本保留）")
    async def versions(self, info: Info) -> list["Goal"]:
        if self.lineage_id is None:
            return [self]
        return await visible_goals(info, await info.context.loaders.goals_by_lineage.load(self.lineage_id))

    @strawberry.field(description="上一版本")
    async def previous_version(self, info: Info) -> "Goal | None":
        return await _one_visible(info, self.previous_version_id)

    @strawberry.field(description="流转记录：谁、何时、从何状态到何状态、理由")
    async def transitions(self, info: Info) -> list["GoalTransition"]:
        rows = await info.context.loaders.transitions_by_goal.load(self.db_id)
        return [GoalTransition.from_row(r) for r in rows]

    @strawberry.field(description="编制单位（经办机构）")
    async def drafter_organization(self, info: Info) -> Organization | None:
        return await _organization(info, self.drafter_organization_id)

    @strawberry.field(description="会同编制单位（税务部门）")
    async def co_drafter_organization(self, info: Info) -> Organization | None:
        return await _organization(info, self.co_drafter_organization_id)

    @strawberry.field(description="年度目标对应的基金预算（总体目标为空）")
    async def budget(self, info: Info) -> FundBudget | None:
        if self.horizon != GoalHorizon.ANNUAL:
            return None
        rows = await info.context.loaders.budgets_by_scope.load(
            (self.region_id, self.fund_type_id, self.start_year)
        )
        return FundBudget.from_row(rows[0]) if rows else None


@strawberry.type(description="目标流转记录")
class GoalTransition:
    action: str
    from_status: GoalStatus
    to_status: GoalStatus
    reason: str | None
    at: datetime
    user_id: strawberry.Private[int]
    organization_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: TransitionRow) -> "GoalTransition":
        return cls(
            action=row.action,
            from_status=row.from_status,
            to_status=row.to_status,
            reason=row.reason,
            at=row.at,
            user_id=row.user_id,
            organization_id=row.organization_id,
        )

    @strawberry.field
    async def user(self, info: Info) -> User | None:
        row = await info.context.loaders.user.load(self.user_id)
        return User.from_row(row) if row else None

    @strawberry.field
    async def organization(self, info: Info) -> Organization | None:
        return await _organization(info, self.organization_id)


async def _organization(info: Info, organization_id: int | None) -> Organization | None:
    if organization_id is None:
        return None
    row = await info.context.loaders.organization.load(organization_id)
    return Organization.from_row(row) if row else None


async def visible_goals(info: Info, rows: list[GoalRow]) -> list[Goal]:
    """Related goals pass the same visibility rule as lists (policy.goal_visible); loads are batched."""
    actor = info.context.actor
    if actor is None:
        return []
    loaders = info.context.loaders
    regions = await loaders.region.load_many([r.region_id for r in rows])
    funds = await loaders.fund_type.load_many([r.fund_type_id for r in rows])
    return [
        Goal.from_row(row)
        for row, region, fund in zip(rows, regions, funds, strict=True)
        if region is not None
        and fund is not None
        and goal_visible(
            actor, region_path=region.path, administration=fund.administration, status=row.status
        )
    ]


async def _one_visible(info: Info, goal_id: int | None) -> Goal | None:
    if goal_id is None:
        return None
    row = await info.context.loaders.goal.load(goal_id)
    found = await visible_goals(info, [row]) if row else []
    return found[0] if found else None


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
