"""The GraphQL types of monitoring entries: an indicator's actual and a budget line's execution as entered
by one region for one month (cumulative 1-N月)."""

from datetime import datetime
from decimal import Decimal

import strawberry

from src.models.enums import label_zh
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.enums import BudgetItem, QualitativeGrade
from src.schema.goals.loaders import goal_by_id, indicators_by_goal
from src.schema.goals.types import Goal, Indicator, visible_goals
from src.schema.monitoring.comparison import CompletionLikelihood
from src.schema.organizations.loaders import organization_by_id
from src.schema.organizations.types import Organization
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region


@strawberry.type(description="绩效指标执行情况：一个地区一个指标 1-N 月累计的完成情况（第十三条）")
class IndicatorActual(FromRow):
    __row_ids__ = ("indicator_lineage_id",)

    id: strawberry.ID
    year: int
    month: int = strawberry.field(description="月份 N：数值为 1 至 N 月累计")
    value: Decimal | None = strawberry.field(description="完成值（比率类为 分子 ÷ 分母 计算所得；定性为空）")
    numerator: Decimal | None = strawberry.field(description="比率类指标的分子（汇总时分子、分母分别相加）")
    denominator: Decimal | None = strawberry.field(description="比率类指标的分母")
    grade: QualitativeGrade | None = strawberry.field(description="定性指标的完成等级")
    forecast: str = strawberry.field(description="全年预计完成情况")
    cause_funding: str = strawberry.field(description="偏差原因：经费保障")
    cause_system: str = strawberry.field(description="偏差原因：制度保障")
    cause_staffing: str = strawberry.field(description="偏差原因：人员保障")
    cause_hardware: str = strawberry.field(description="偏差原因：硬件条件保障")
    cause_other: str = strawberry.field(description="偏差原因：其他")
    likelihood: CompletionLikelihood | None = strawberry.field(description="完成目标可能性")
    remark: str
    row_version: int = strawberry.field(description="行版本：每次更正加一（更正时可提交以防覆盖他人修改）")
    created_at: datetime
    updated_at: datetime
    indicator_lineage_id: strawberry.ID = strawberry.field(description="指标沿革标识（跨目标版本不变）")
    goal_id: strawberry.Private[int]
    region_id: strawberry.Private[int]
    pooling_region_id: strawberry.Private[int]
    organization_id: strawberry.Private[int]

    @strawberry.field(description="完成等级中文名")
    def grade_label(self) -> str | None:
        return label_zh(self.grade) if self.grade is not None else None

    @strawberry.field(description="完成目标可能性中文名")
    def likelihood_label(self) -> str | None:
        return label_zh(self.likelihood) if self.likelihood is not None else None

    region: Region = related(Region, region_by_id, "region_id", description="填报地区（统筹地区或其下一级）")
    pooling_region: Region = related(Region, region_by_id, "pooling_region_id", description="统筹地区")
    organization: Organization | None = related(
        Organization, organization_by_id, "organization_id", optional=True, description="最近一次填报单位"
    )

    @strawberry.field(description="填报时现行有效的目标版本（无权查看时为空）")
    async def goal(self, info: Info) -> Goal | None:
        row = await info.context.loaders[goal_by_id].load(self.goal_id)
        found = await visible_goals(info, [row]) if row is not None else []
        return found[0] if found else None

    @strawberry.field(description="该目标版本中的这一指标")
    async def indicator(self, info: Info) -> Indicator | None:
        if await self.goal(info) is None:
            return None
        rows = await info.context.loaders[indicators_by_goal].load(self.goal_id)
        lineage = str(self.indicator_lineage_id)
        return next((Indicator.from_row(r) for r in rows if str(r.lineage_id) == lineage), None)


@strawberry.type(description="预算执行情况：一个地区一个预算科目 1-N 月累计的执行数（元，第十二条）")
class BudgetExecution(FromRow):
    __row_ids__ = ("budget_id",)

    id: strawberry.ID
    year: int
    month: int = strawberry.field(description="月份 N：执行数为 1 至 N 月累计（结余为月末数）")
    item: BudgetItem
    amount: Decimal = strawberry.field(description="执行数（元）")
    row_version: int
    created_at: datetime
    updated_at: datetime
    budget_id: strawberry.ID
    region_id: strawberry.Private[int]
    pooling_region_id: strawberry.Private[int]
    organization_id: strawberry.Private[int]

    @strawberry.field
    def item_label(self) -> str:
        return label_zh(self.item)

    region: Region = related(Region, region_by_id, "region_id", description="填报地区（统筹地区的下一级）")
    pooling_region: Region = related(Region, region_by_id, "pooling_region_id", description="统筹地区")
    organization: Organization | None = related(
        Organization, organization_by_id, "organization_id", optional=True, description="最近一次填报单位"
    )
