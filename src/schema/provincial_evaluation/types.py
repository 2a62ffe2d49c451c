"""The provincial evaluation and 财政厅's summary as GraphQL shows them (Art. 17, 18): the report's narrative
(FORMS §4A), the tax concurrence, its due date and lateness, its steps, and the aggregate of the fund's
self-evaluations in typed fields (as sent once submitted, live while a draft); the summary with its number,
its due date, and one row per fund."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from src.models.enums import PoolingLevel, label_zh
from src.models.provincial_evaluation import (
    ProvincialEvaluation as ProvincialEvaluationRow,
)
from src.models.provincial_evaluation import (
    ProvincialEvaluationStatus,
    ProvincialSummaryStatus,
)
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.errors import NotFoundError
from src.schema.evaluation.loaders import evaluation_rules
from src.schema.funds.loaders import fund_type_by_id
from src.schema.funds.types import FundType
from src.schema.list_sizes import max_items
from src.schema.organizations.loaders import organization_by_id, user_by_id
from src.schema.organizations.types import Organization, User
from src.schema.provincial_evaluation.aggregate_types import ProvincialAggregate
from src.schema.provincial_evaluation.loaders import (
    TRANSITIONS_PER_EVALUATION,
    transitions_by_provincial_evaluation,
)
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.schema.transaction import current_actor
from src.services.evaluation.provincial.data import provincial_summary_data, report_aggregate

strawberry.enum(
    ProvincialEvaluationStatus, description="省级绩效评价状态：草稿、已送财政厅、已审核通过、已退回"
)
strawberry.enum(ProvincialSummaryStatus, description="省级绩效评价汇总报告状态：草稿、已上报")
FUNDS = 50  # the fund types


@strawberry.type(description="省级绩效评价的流转记录：谁、何时、从何状态到何状态、理由或意见")
class ProvincialEvaluationTransition(FromRow):
    action: str = strawberry.field(description="OPEN、TAX_CONCUR、SUBMIT、APPROVE 或 RETURN")
    from_status: ProvincialEvaluationStatus | None
    to_status: ProvincialEvaluationStatus
    reason: str | None = strawberry.field(description="退回理由、省税务局意见或逾期说明")
    at: datetime
    user_id: strawberry.Private[int]
    organization_id: strawberry.Private[int]

    user: User | None = related(User, user_by_id, "user_id", optional=True)
    organization: Organization | None = related(
        Organization, organization_by_id, "organization_id", optional=True
    )


@strawberry.type(description="省级分险种绩效评价（第十七条、第十八条）：险种 × 年度，财政厅牵头")
class ProvincialEvaluation(FromRow):
    id: strawberry.ID
    year: int = strawberry.field(description="评价的预算年度（次年7月10日前送财政厅）")
    status: ProvincialEvaluationStatus
    pooling_level: PoolingLevel = strawberry.field(description="该年度的统筹层次（决定应开展自评的地区）")
    overview: str = strawberry.field(description="一、基本情况")
    work: str = strawberry.field(description="二、绩效评价工作开展情况")
    conclusion: str = strawberry.field(description="三、综合评价情况及评价结论")
    analysis: str = strawberry.field(description="四、绩效评价指标分析")
    problems: str = strawberry.field(description="五、主要经验及做法、存在的问题及原因分析")
    suggestions: str = strawberry.field(description="六、有关建议")
    other: str = strawberry.field(description="七、其他需要说明的问题")
    content_revision: int = strawberry.field(description="内容修订号：每修改一次加一")
    tax_concurred_revision: int | None = strawberry.field(description="省税务局同意的内容修订号")
    submitted_at: datetime | None = strawberry.field(description="最近一次送财政厅的时间")
    late: bool = strawberry.field(description="逾期送财政厅（晚于本省规定的截止日；标注，不拒收）")
    approved_at: datetime | None = strawberry.field(description="财政厅审核通过的时间")
    return_reason: str | None = strawberry.field(description="最近一次退回的理由")
    row_version: int
    created_at: datetime
    updated_at: datetime
    db_id: strawberry.Private[int]
    region_id: strawberry.Private[int]
    fund_type_id: strawberry.Private[int]

    region: Region = related(Region, region_by_id, "region_id", description="省")
    fund_type: FundType = related(FundType, fund_type_by_id, "fund_type_id")

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)

    @strawberry.field(description="省税务局已同意当前内容（送财政厅的前提；此后任何修改都使其失效）")
    def tax_concurred(self) -> bool:
        return self.tax_concurred_revision == self.content_revision

    @strawberry.field(description="应送财政厅日期：次年按本省规则（默认7月10日，第十七条）")
    async def due_on(self, info: Info) -> date:
        deadline = (
            await info.context.loaders[evaluation_rules].load(self.region_id)
        ).provincial_report_deadline
        return date(self.year + 1, deadline.month, deadline.day)

    @strawberry.field(description="全省自评汇总：送财政厅后为送出时的数据，草稿为当前数据")
    async def aggregate(self, info: Info) -> ProvincialAggregate:
        async with info.context.sessionmaker() as session:  # the row as stored: its snapshot is not a field
            row = await session.get_one(ProvincialEvaluationRow, self.db_id)
            return ProvincialAggregate.of(await report_aggregate(session, row))

    @strawberry.field(
        description=f"流转记录，按时间先后（至多最近 {TRANSITIONS_PER_EVALUATION} 条）",
        metadata=max_items(TRANSITIONS_PER_EVALUATION),
    )
    async def transitions(self, info: Info) -> list[ProvincialEvaluationTransition]:
        rows = await info.context.loaders[transitions_by_provincial_evaluation].load(self.db_id)
        return [ProvincialEvaluationTransition.from_row(r) for r in rows]


@strawberry.type(description="汇总报告中的一个险种")
class ProvincialSummaryFund:
    fund_name: str
    evaluated: int = strawberry.field(description="已上报自评的统筹地区数")
    expected: int = strawberry.field(description="应开展自评的统筹地区数")
    average_score: Decimal | None
    below_pass: int = strawberry.field(description="低于及格线的地区数")
    execution_rate: Decimal | None
    report_status_label: str = strawberry.field(
        description="该险种省级绩效评价报告：已审核通过、已送财政厅或未报送"
    )


@strawberry.type(description="财政厅汇总上报的省级绩效评价报告（第十七条：7月底前）")
class ProvincialEvaluationSummary(FromRow):
    id: strawberry.ID
    year: int = strawberry.field(description="评价的预算年度")
    status: ProvincialSummaryStatus
    overview: str = strawberry.field(description="总体情况")
    problems: str = strawberry.field(description="存在的问题")
    next_steps: str = strawberry.field(description="下一步工作")
    document_number: str | None = strawberry.field(description="发文字号（上报时编号）")
    sent_at: datetime | None
    late: bool = strawberry.field(description="逾期上报（晚于本省规定的截止日；标注，不拒收）")
    row_version: int
    created_at: datetime
    updated_at: datetime
    db_id: strawberry.Private[int]
    region_id: strawberry.Private[int]

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)

    @strawberry.field(description="应上报日期：次年按本省规则（默认7月31日，第十七条）")
    async def due_on(self, info: Info) -> date:
        deadline = (
            await info.context.loaders[evaluation_rules].load(self.region_id)
        ).provincial_summary_deadline
        return date(self.year + 1, deadline.month, deadline.day)

    @strawberry.field(description="各险种情况（该年度有效的险种）", metadata=max_items(FUNDS))
    async def funds(self, info: Info) -> list[ProvincialSummaryFund]:
        async with info.context.sessionmaker() as session:
            found = await provincial_summary_data(
                session=session, actor=current_actor(info), summary_id=self.db_id
            )
        return [
            ProvincialSummaryFund(
                fund_name=r.fund_name,
                evaluated=r.evaluated,
                expected=r.expected,
                average_score=r.average_score,
                below_pass=r.below_pass,
                execution_rate=r.execution_rate,
                report_status_label=r.report_status_label,
            )
            for r in found.funds
        ]


ProvincialEvaluationResult = Annotated[
    ProvincialEvaluation | NotFoundError, strawberry.union("ProvincialEvaluationResult")
]
ProvincialEvaluationSummaryResult = Annotated[
    ProvincialEvaluationSummary | NotFoundError, strawberry.union("ProvincialEvaluationSummaryResult")
]
