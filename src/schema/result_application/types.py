"""The evaluation-result application as GraphQL shows it (Art. 20): its uses, the evaluation it rests on,
and the next year's goal and budget its uses changed (by id: the goal and the budget list it in turn,
`resultApplications`)."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from src.models.enums import label_zh
from src.models.result_application import MAX_USES, ApplicationKind, ResultApplicationStatus
from src.models.result_application import ResultApplication as ResultApplicationRow
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.errors import NotFoundError
from src.schema.funds.loaders import fund_type_by_id
from src.schema.funds.types import FundType
from src.schema.list_sizes import max_items
from src.schema.organizations.loaders import organization_by_id
from src.schema.organizations.types import Organization
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.schema.result_application.loaders import (
    APPLICATIONS_PER_TARGET,
    applications_by_budget,
    applications_by_goal,
    uses_by_application,
)

strawberry.enum(ResultApplicationStatus, description="评价结果应用状态：草稿、已登记")
strawberry.enum(
    ApplicationKind,
    description="评价结果应用方式（第二十条）：完善相关政策、改进管理、资金安排、下一年度绩效目标、下一年度预算",
)


@strawberry.type(description="评价结果的一项应用")
class ResultApplicationUse(FromRow):
    __row_ids__ = ("goal_id", "budget_id")

    kind: ApplicationKind
    description: str = strawberry.field(description="应用情况")
    goal_id: strawberry.ID | None = strawberry.field(description="因此调整的下一年度绩效目标的 ID")
    budget_id: strawberry.ID | None = strawberry.field(description="因此调整的下一年度基金预算的 ID")
    amount: Decimal | None = strawberry.field(description="资金安排金额（万元）")

    @strawberry.field
    def kind_label(self) -> str:
        return label_zh(self.kind)


@strawberry.type(
    description="评价结果应用（第二十条）：统筹地区财政部门登记评价结果在政策、管理和资金安排中的应用"
)
class ResultApplication(FromRow):
    __row_ids__ = ("self_evaluation_id", "provincial_evaluation_id")

    id: strawberry.ID
    year: int = strawberry.field(description="评价的预算年度")
    status: ResultApplicationStatus
    self_evaluation_id: strawberry.ID | None = strawberry.field(description="所依据的绩效自评的 ID")
    provincial_evaluation_id: strawberry.ID | None = strawberry.field(
        description="所依据的省级绩效评价的 ID（省本级）"
    )
    recorded_at: datetime | None = strawberry.field(description="登记时间")
    row_version: int
    created_at: datetime
    updated_at: datetime
    db_id: strawberry.Private[int]
    region_id: strawberry.Private[int]
    fund_type_id: strawberry.Private[int]
    organization_id: strawberry.Private[int]

    region: Region = related(Region, region_by_id, "region_id", description="统筹地区")
    fund_type: FundType = related(FundType, fund_type_by_id, "fund_type_id")
    organization: Organization | None = related(
        Organization, organization_by_id, "organization_id", optional=True, description="登记单位"
    )

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)

    @strawberry.field(description="各项应用", metadata=max_items(MAX_USES))
    async def uses(self, info: Info) -> list[ResultApplicationUse]:
        rows = await info.context.loaders[uses_by_application].load(self.db_id)
        return [ResultApplicationUse.from_row(r) for r in rows]


ResultApplicationResult = Annotated[
    ResultApplication | NotFoundError, strawberry.union("ResultApplicationResult")
]


async def applications_of_goal(info: Info, goal_id: int) -> list[ResultApplication]:
    """The records the caller may read whose uses changed the goal (Goal.resultApplications)."""
    actor = info.context.actor
    if actor is None:
        return []
    rows: list[ResultApplicationRow] = await info.context.loaders[applications_by_goal].load((actor, goal_id))
    return [ResultApplication.from_row(r) for r in rows]


async def applications_of_budget(info: Info, budget_id: int) -> list[ResultApplication]:
    """The records the caller may read whose uses changed the budget (FundBudget.resultApplications)."""
    actor = info.context.actor
    if actor is None:
        return []
    rows = await info.context.loaders[applications_by_budget].load((actor, budget_id))
    return [ResultApplication.from_row(r) for r in rows]


LINK_DESCRIPTION = "因评价结果应用而调整：依据哪一年度的评价结果（第二十条）"
LINK_METADATA = max_items(APPLICATIONS_PER_TARGET)
