import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, cast

import strawberry

from src.models import Goal as GoalRow
from src.models.enums import label_zh
from src.schema.budgets.loaders import budgets_by_scope
from src.schema.budgets.types import FundBudget
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.enums import (
    Aggregation,
    Comparator,
    GoalHorizon,
    GoalStatus,
    IndicatorCategory,
    IndicatorKind,
    QualitativeGrade,
)
from src.schema.errors import NotFoundError
from src.schema.funds.loaders import fund_type_by_id
from src.schema.funds.types import FundType
from src.schema.goals.decomposition import (
    AdjustmentAssessment,
    GoalDecomposition,
    TaxOpinion,
    decomposition_of,
)
from src.schema.goals.loaders import (
    ANNUAL_GOALS_PER_OVERALL_GOAL,
    CHILD_GOALS_PER_GOAL,
    INDICATORS_PER_GOAL,
    TAX_OPINIONS_PER_GOAL,
    TRANSITIONS_PER_GOAL,
    VERSIONS_PER_GOAL,
    goal_by_id,
    goals_by_lineage,
    goals_by_overall,
    goals_by_parent,
    indicator_weight_total,
    indicators_by_goal,
    tax_opinions_by_goal,
    transitions_by_goal,
)
from src.schema.list_sizes import max_items
from src.schema.organizations.loaders import organization_by_id, user_by_id
from src.schema.organizations.types import Organization, User
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.schema.result_application.types import (
    LINK_DESCRIPTION,
    LINK_METADATA,
    ResultApplication,
    applications_of_goal,
)
from src.services.goals.scope import goal_record_scope
from src.services.policy import visible


@strawberry.type(description="绩效指标")
class Indicator(FromRow):
    __row_ids__ = ("lineage_id",)

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
    aggregation: Aggregation = strawberry.field(description="分解方式（第六条）")
    numerator_label: str = strawberry.field(
        description="比率类指标（RATE）的分子名称，如 按时足额发放待遇人次；按分子、分母填报，汇总时分别相加"
    )
    denominator_label: str = strawberry.field(description="比率类指标（RATE）的分母名称，如 应发放待遇人次")
    assigned_target_value: Decimal | None = strawberry.field(description="分解下达的指标值（只能调严）")
    assigned_target_grade: QualitativeGrade | None = strawberry.field(description="分解下达的定性等级")
    lineage_id: strawberry.ID = strawberry.field(
        description="指标沿革标识：同一指标在目标各版本（调整、退回修改、重新分解）中保持不变，新增指标另起（第十四条）"
    )
    goal_id: strawberry.Private[int]
    inherited_from_id: strawberry.Private[int | None]

    @strawberry.field(description="由全省统一的区域目标分解下达（锁定：不能删除，指标值只能调严）")
    def inherited(self) -> bool:
        return self.inherited_from_id is not None

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
class Goal(FromRow):
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
    content_revision: int = strawberry.field(description="内容修订号：目标或指标每修改一次加一")
    tax_concurred_revision: strawberry.Private[int | None]
    adjustment_what_changed: strawberry.Private[str | None]
    adjustment_fund_effect: strawberry.Private[str | None]
    adjustment_target_effect: strawberry.Private[str | None]
    national_submitted_at: datetime | None = strawberry.field(description="报国家相关部门审核的时间")
    national_approved_at: datetime | None = strawberry.field(
        description="国家相关部门审核通过的时间（指导性目标此后仍为指导性，正式下达后方为正式，第十条）"
    )
    issued_at: datetime | None = strawberry.field(
        description="最近一次下达（指导性或正式，第十条）的时间：绩效目标表的成文日期"
    )
    document_number: str | None = strawberry.field(
        description="最近一次下达的发文字号（如 川财社〔2026〕1号）：下达时从下达机关当年的序号中取得"
    )
    issuer_organization_id: strawberry.Private[int | None]
    overall_goal_id: strawberry.Private[int | None]
    parent_goal_id: strawberry.Private[int | None]
    lineage_id: strawberry.Private[uuid.UUID]
    previous_version_id: strawberry.Private[int | None]
    drafter_organization_id: strawberry.Private[int | None]
    co_drafter_organization_id: strawberry.Private[int | None]

    @strawberry.field
    def horizon_label(self) -> str:
        return label_zh(self.horizon)

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)

    @strawberry.field(description=LINK_DESCRIPTION, metadata=LINK_METADATA)
    async def result_applications(self, info: Info) -> list[ResultApplication]:
        return await applications_of_goal(info, self.db_id)

    fund_type: FundType = related(FundType, fund_type_by_id, "fund_type_id")

    region: Region = related(Region, region_by_id, "region_id", description="统筹地区")

    @strawberry.field(
        description=f"绩效指标（至多 {INDICATORS_PER_GOAL} 个）", metadata=max_items(INDICATORS_PER_GOAL)
    )
    def indicators(self, info: Info) -> list[Indicator]:
        # The loader's rows serve as the Indicator objects (same attribute names; GraphQL's ID serialises
        # the integer and UUID keys as from_row would), and its future is awaited by GraphQL: tens of
        # thousands of indicators in a big read then cost no copy and no coroutine each.
        return cast(list[Indicator], info.context.loaders[indicators_by_goal].load(self.db_id))

    @strawberry.field(description="指标权重合计")
    async def weight_total(self, info: Info) -> Decimal:
        return await info.context.loaders[indicator_weight_total].load(self.db_id)

    @strawberry.field(description="年度目标所属的总体目标")
    async def overall_goal(self, info: Info) -> "Goal | None":
        return await _one_visible(info, self.overall_goal_id)

    @strawberry.field(
        description=f"总体目标下的年度目标（至多 {ANNUAL_GOALS_PER_OVERALL_GOAL} 个）",
        metadata=max_items(ANNUAL_GOALS_PER_OVERALL_GOAL),
    )
    async def annual_goals(self, info: Info) -> list["Goal"]:
        return await visible_goals(info, await info.context.loaders[goals_by_overall].load(self.db_id))

    @strawberry.field(description="分解来源：全省统一的区域目标")
    async def parent_goal(self, info: Info) -> "Goal | None":
        return await _one_visible(info, self.parent_goal_id)

    @strawberry.field(
        description=f"分解下达至各统筹地区的目标（至多 {CHILD_GOALS_PER_GOAL} 个）",
        metadata=max_items(CHILD_GOALS_PER_GOAL),
    )
    async def child_goals(self, info: Info) -> list["Goal"]:
        return await visible_goals(info, await info.context.loaders[goals_by_parent].load(self.db_id))

    @strawberry.field(
        description=(
            f"同一目标的全部版本（第 14 条：调整形成新版本，旧版本保留；至多最近 {VERSIONS_PER_GOAL} 个）"
        ),
        metadata=max_items(VERSIONS_PER_GOAL),
    )
    async def versions(self, info: Info) -> list["Goal"]:
        return await visible_goals(info, await info.context.loaders[goals_by_lineage].load(self.lineage_id))

    @strawberry.field(description="上一版本")
    async def previous_version(self, info: Info) -> "Goal | None":
        return await _one_visible(info, self.previous_version_id)

    @strawberry.field(
        description=f"流转记录：谁、何时、从何状态到何状态、理由（至多最近 {TRANSITIONS_PER_GOAL} 条）",
        metadata=max_items(TRANSITIONS_PER_GOAL),
    )
    async def transitions(self, info: Info) -> list["GoalTransition"]:
        rows = await info.context.loaders[transitions_by_goal].load(self.db_id)
        return [GoalTransition.from_row(r) for r in rows]

    drafter_organization: Organization | None = related(
        Organization,
        organization_by_id,
        "drafter_organization_id",
        optional=True,
        description="编制单位（经办机构）",
    )
    issuing_organization: Organization | None = related(
        Organization,
        organization_by_id,
        "issuer_organization_id",
        optional=True,
        description="下达机关（最近一次下达）",
    )
    co_drafter_organization: Organization | None = related(
        Organization,
        organization_by_id,
        "co_drafter_organization_id",
        optional=True,
        description="会同编制单位（税务部门）",
    )

    @strawberry.field(description="税务部门已同意当前内容（报送的前提，第七条）")
    def tax_concurred(self) -> bool:
        return self.tax_concurred_revision == self.content_revision

    @strawberry.field(
        description=f"税务部门会商意见，最新在前（至多 {TAX_OPINIONS_PER_GOAL} 条）",
        metadata=max_items(TAX_OPINIONS_PER_GOAL),
    )
    async def tax_opinions(self, info: Info) -> list[TaxOpinion]:
        rows = await info.context.loaders[tax_opinions_by_goal].load(self.db_id)
        return [TaxOpinion.from_row(r) for r in reversed(rows)]

    @strawberry.field(description="调整评估（调整申请形成的版本）")
    def adjustment(self) -> AdjustmentAssessment | None:
        if self.adjustment_what_changed is None:
            return None
        return AdjustmentAssessment(
            what_changed=self.adjustment_what_changed,
            reason=self.adjustment_reason or "",
            fund_effect=self.adjustment_fund_effect or "",
            target_effect=self.adjustment_target_effect or "",
        )

    @strawberry.field(description="分解表（全省统一的区域目标且险种在省以下统筹时；否则为空）")
    async def decomposition(self, info: Info) -> GoalDecomposition | None:
        return await decomposition_of(info, self.db_id)

    @strawberry.field(description="年度目标对应的基金预算（总体目标为空）")
    async def budget(self, info: Info) -> FundBudget | None:
        if self.horizon != GoalHorizon.ANNUAL:
            return None
        rows = await info.context.loaders[budgets_by_scope].load(
            (self.region_id, self.fund_type_id, self.start_year)
        )
        return FundBudget.from_row(rows[0]) if rows else None


@strawberry.type(description="目标流转记录")
class GoalTransition(FromRow):
    action: str
    from_status: GoalStatus
    to_status: GoalStatus
    reason: str | None
    at: datetime
    user_id: strawberry.Private[int]
    organization_id: strawberry.Private[int]

    user: User | None = related(User, user_by_id, "user_id", optional=True)
    organization: Organization | None = related(
        Organization, organization_by_id, "organization_id", optional=True
    )


async def visible_goals(info: Info, rows: list[GoalRow]) -> list[Goal]:
    """Related goals pass the same visibility rule as lists (policy.visibility); loads are batched."""
    actor = info.context.actor
    if actor is None:
        return []
    loaders = info.context.loaders
    regions = await loaders[region_by_id].load_many([r.region_id for r in rows])
    funds = await loaders[fund_type_by_id].load_many([r.fund_type_id for r in rows])
    return [
        Goal.from_row(row)
        for row, region, fund in zip(rows, regions, funds, strict=True)
        if region is not None and fund is not None and visible(actor, goal_record_scope(row, region, fund))
    ]


async def _one_visible(info: Info, goal_id: int | None) -> Goal | None:
    if goal_id is None:
        return None
    row = await info.context.loaders[goal_by_id].load(goal_id)
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
