"""The self-evaluation as GraphQL shows it (Art. 17, 18; FORMS §2B adapted to a fund, §2C): the budget
execution block, every indicator with target, actual (as monitoring gave it and as corrected), weight,
score and the cause and measures of a shortfall, the narrative, the total and grade, the tax department's
concurrence, its route (Art. 17), its due date and lateness, and its steps."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from src.models.enums import (
    Comparator,
    IndicatorCategory,
    IndicatorKind,
    PoolingLevel,
    QualitativeGrade,
    label_zh,
)
from src.models.evaluation import GRADE_LABELS, SelfEvaluationStatus
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.errors import NotFoundError
from src.schema.evaluation.loaders import (
    LINES_PER_EVALUATION,
    TRANSITIONS_PER_EVALUATION,
    evaluation_rules,
    lines_by_evaluation,
    transitions_by_evaluation,
)
from src.schema.funds.loaders import fund_type_by_id
from src.schema.funds.types import FundType
from src.schema.goals.loaders import goal_by_id
from src.schema.goals.types import Goal, visible_goals
from src.schema.list_sizes import max_items
from src.schema.organizations.loaders import organization_by_id, user_by_id
from src.schema.organizations.types import Organization, User
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.services.evaluation.routing import routing
from src.services.evaluation.scoring import Grade

strawberry.enum(
    SelfEvaluationStatus,
    description="绩效自评状态：草稿、已上报、已审核通过（财政厅和主管行政部门均已通过）、已退回",
)
strawberry.enum(Grade, name="EvaluationGrade", description="评价等级：优、良、中、差（按本地区规则的分数线）")


@strawberry.type(description="绩效自评的流转记录：谁、何时、从何状态到何状态、理由或意见")
class SelfEvaluationTransition(FromRow):
    action: str = strawberry.field(description="OPEN、TAX_CONCUR、SUBMIT、ACCEPT 或 RETURN")
    from_status: SelfEvaluationStatus | None
    to_status: SelfEvaluationStatus
    reason: str | None = strawberry.field(description="退回理由、税务部门意见、审核方或逾期说明")
    at: datetime
    user_id: strawberry.Private[int]
    organization_id: strawberry.Private[int]

    user: User | None = related(User, user_by_id, "user_id", optional=True)
    organization: Organization | None = related(
        Organization, organization_by_id, "organization_id", optional=True
    )


@strawberry.type(
    description="绩效自评表的一项指标：指标值、完成值（监控数据预填，可修改并说明理由）、权重、得分"
)
class SelfEvaluationLine(FromRow):
    __row_ids__ = ("indicator_lineage_id",)

    indicator_lineage_id: strawberry.ID = strawberry.field(description="指标谱系：跨目标版本标识同一指标")
    level1: IndicatorCategory
    level2: str
    level3: str
    kind: IndicatorKind
    comparator: Comparator
    unit: str
    weight: Decimal
    target_value: Decimal | None = strawberry.field(description="年度指标值")
    target_grade: QualitativeGrade | None
    actual_value: Decimal | None = strawberry.field(description="实际完成值")
    actual_grade: QualitativeGrade | None
    prefilled_value: Decimal | None = strawberry.field(description="运行监控数据（年内最后填报月份，汇总后）")
    prefilled_grade: QualitativeGrade | None
    actual_reason: str = strawberry.field(description="完成值与监控数据不一致的理由")
    chosen_score: Decimal | None = strawberry.field(description="定性指标：评价人在完成档次区间内选定的得分")
    score: Decimal = strawberry.field(description="得分")
    met: bool = strawberry.field(description="完成绩效目标")
    deviates: bool = strawberry.field(description="偏离绩效目标较大（按本地区规则）")
    cause: str = strawberry.field(description="原因分析（第十八条）")
    measures: str = strawberry.field(description="改进措施（第十八条）")

    @strawberry.field(description="须分析说明原因、提出改进措施（第十八条：未完成或偏离较大）")
    def cause_required(self) -> bool:
        return not self.met or self.deviates

    @strawberry.field(description="完成值已改动（与监控数据不一致）")
    def actual_edited(self) -> bool:
        return self.actual_value != self.prefilled_value or self.actual_grade != self.prefilled_grade

    @strawberry.field
    def comparator_label(self) -> str:
        return label_zh(self.comparator)


@strawberry.type(description="绩效自评（第十七条、第十八条）：统筹地区 × 险种 × 年度")
class SelfEvaluation(FromRow):
    __row_names__ = (("grade_code", "grade"),)

    id: strawberry.ID
    year: int = strawberry.field(description="评价的预算年度（次年5月底前完成）")
    status: SelfEvaluationStatus
    pooling_level: PoolingLevel = strawberry.field(description="开展自评时该险种的统筹层次（决定实施和报送）")
    conclusion: str = strawberry.field(description="评价结论")
    problems: str = strawberry.field(description="存在问题")
    measures: str = strawberry.field(description="改进措施")
    initial_budget: Decimal | None = strawberry.field(description="基金支出年初预算（元）")
    adjusted_budget: Decimal | None = strawberry.field(description="基金支出调整后预算数（元）")
    executed: Decimal | None = strawberry.field(description="基金支出全年执行数（元）")
    prefilled_initial_budget: Decimal | None
    prefilled_adjusted_budget: Decimal | None
    prefilled_executed: Decimal | None = strawberry.field(description="运行监控数据中的执行数")
    budget_edit_reason: str = strawberry.field(description="预算数或执行数与预填数据不一致的理由")
    execution_reason: str = strawberry.field(description="预算执行率未达规定比例的原因")
    execution_rate: Decimal | None = strawberry.field(description="预算执行率（%）")
    execution_score: Decimal | None = strawberry.field(description="预算执行得分")
    total_score: Decimal | None = strawberry.field(description="自评总分（百分制）")
    grade_code: strawberry.Private[str | None]
    content_revision: int = strawberry.field(description="内容修订号：每修改一次加一")
    tax_concurred_revision: int | None = strawberry.field(description="税务部门同意的内容修订号")
    submitted_at: datetime | None = strawberry.field(description="最近一次上报的时间")
    late: bool = strawberry.field(description="逾期上报（晚于本地区规定的截止日；标注，不拒收）")
    finance_accepted_at: datetime | None = strawberry.field(description="财政厅审核通过的时间")
    administration_accepted_at: datetime | None = strawberry.field(description="主管行政部门审核通过的时间")
    return_reason: str | None = strawberry.field(description="最近一次退回的理由")
    row_version: int
    created_at: datetime
    updated_at: datetime
    db_id: strawberry.Private[int]
    region_id: strawberry.Private[int]
    fund_type_id: strawberry.Private[int]
    goal_id: strawberry.Private[int]

    region: Region = related(Region, region_by_id, "region_id", description="统筹地区")
    fund_type: FundType = related(FundType, fund_type_by_id, "fund_type_id")

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)

    @strawberry.field(description="评价等级")
    def grade(self) -> Grade | None:
        return Grade(self.grade_code) if self.grade_code is not None else None

    @strawberry.field(description="评价等级（优、良、中、差）")
    def grade_label(self) -> str | None:
        return GRADE_LABELS.get(self.grade_code) if self.grade_code is not None else None

    @strawberry.field(description="税务部门已同意当前内容（上报的前提；此后任何修改都使其失效）")
    def tax_concurred(self) -> bool:
        return self.tax_concurred_revision == self.content_revision

    @strawberry.field(
        description="上报方（第十七条）：省级统筹的为省级经办机构，市（州）统筹的由财政部门牵头报"
    )
    def submitter_label(self) -> str:
        return routing(self.pooling_level).submitter_label

    @strawberry.field(description="报送对象（第十七条）")
    def recipients(self) -> str:
        return routing(self.pooling_level).recipients

    @strawberry.field(description="应完成日期：次年按本地区规则（不晚于5月31日，第十七条）")
    async def due_on(self, info: Info) -> date:
        deadline = (
            await info.context.loaders[evaluation_rules].load(self.region_id)
        ).self_evaluation_deadline
        return date(self.year + 1, deadline.month, deadline.day)

    @strawberry.field(description="评价依据的绩效目标：12月31日有效的版本")
    async def goal(self, info: Info) -> Goal | None:
        row = await info.context.loaders[goal_by_id].load(self.goal_id)
        visible = await visible_goals(info, [row]) if row is not None else []
        return visible[0] if visible else None

    @strawberry.field(description="绩效指标，按目标中的顺序", metadata=max_items(LINES_PER_EVALUATION))
    async def lines(self, info: Info) -> list[SelfEvaluationLine]:
        rows = await info.context.loaders[lines_by_evaluation].load(self.db_id)
        return [SelfEvaluationLine.from_row(r) for r in rows]

    @strawberry.field(
        description=f"流转记录，按时间先后（至多最近 {TRANSITIONS_PER_EVALUATION} 条）",
        metadata=max_items(TRANSITIONS_PER_EVALUATION),
    )
    async def transitions(self, info: Info) -> list[SelfEvaluationTransition]:
        rows = await info.context.loaders[transitions_by_evaluation].load(self.db_id)
        return [SelfEvaluationTransition.from_row(r) for r in rows]


@strawberry.input(description="绩效自评筛选条件")
class SelfEvaluationFilter:
    year: int | None = None
    region_code: str | None = None
    fund_type_code: str | None = None
    include_descendants: bool = strawberry.field(default=False, description="同时包含下级区划的自评")
    status: list[SelfEvaluationStatus] | None = strawberry.field(
        default=None, metadata=max_items(len(SelfEvaluationStatus))
    )
    late: bool | None = strawberry.field(default=None, description="只看逾期（或按时）上报的")


SelfEvaluationResult = Annotated[SelfEvaluation | NotFoundError, strawberry.union("SelfEvaluationResult")]
