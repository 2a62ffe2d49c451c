from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from src.models import FundBudget as BudgetRow
from src.models import FundBudgetLine as LineRow
from src.models.enums import BudgetLineCategory as Category
from src.models.enums import label_zh
from src.schema.budgets.loaders import budget_lines
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.enums import BudgetItem, BudgetLineCategory, BudgetStatus, GoalStatus
from src.schema.errors import NotFoundError
from src.schema.funds.loaders import fund_type_by_id
from src.schema.funds.types import FundType
from src.schema.goals.loaders import goal_by_id
from src.schema.list_sizes import max_items
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.schema.result_application.types import (
    LINK_DESCRIPTION,
    LINK_METADATA,
    ResultApplication,
    applications_of_budget,
)
from src.services.budgets.scope import budget_record_scope
from src.services.policy import visible

if TYPE_CHECKING:
    from src.schema.goals.types import Goal

# Goal's module imports this one (Goal.budget): the type is resolved lazily, when the schema is built.
LazyGoal = Annotated["Goal", strawberry.lazy("src.schema.goals.types")]


@strawberry.type(description="预算科目行（元）")
class FundBudgetLine(FromRow):
    category: BudgetLineCategory
    item: BudgetItem
    initial_amount: Decimal = strawberry.field(description="年初预算")
    adjusted_amount: Decimal | None = strawberry.field(description="调整后预算数")

    @strawberry.field
    def item_label(self) -> str:
        return label_zh(self.item)

    @strawberry.field(description="现行预算：调整后预算数，未调整时为年初预算")
    def current_amount(self) -> Decimal:
        return self.adjusted_amount if self.adjusted_amount is not None else self.initial_amount


def _total(lines: list[LineRow], category: Category) -> Decimal:
    return sum(
        (
            line.adjusted_amount if line.adjusted_amount is not None else line.initial_amount
            for line in lines
            if line.category == category
        ),
        Decimal("0.00"),
    )


@strawberry.type(description="社会保险基金预算（统筹地区 × 险种 × 年度）")
class FundBudget(FromRow):
    id: strawberry.ID
    year: int
    status: BudgetStatus
    row_version: int
    updated_at: datetime
    approved_at: datetime | None
    db_id: strawberry.Private[int]
    region_id: strawberry.Private[int]
    fund_type_id: strawberry.Private[int]
    approved_goal_id: strawberry.Private[int | None]

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)

    @strawberry.field(description=LINK_DESCRIPTION, metadata=LINK_METADATA)
    async def result_applications(self, info: Info) -> list[ResultApplication]:
        return await applications_of_budget(info, self.db_id)

    region: Region = related(Region, region_by_id, "region_id")

    fund_type: FundType = related(FundType, fund_type_by_id, "fund_type_id")

    @strawberry.field(
        description="批复所依据的绩效目标版本（第七条）；该版本被调整后的新版本取代时，预算需重新批复（第十四条）"
    )
    async def approved_goal(self, info: Info) -> LazyGoal | None:
        from src.schema.goals.types import visible_goals  # that module imports this one

        if self.approved_goal_id is None:
            return None
        row = await info.context.loaders[goal_by_id].load(self.approved_goal_id)
        found = await visible_goals(info, [row]) if row is not None else []
        return found[0] if found else None

    @strawberry.field(
        description="需重新批复：已批复，且批复所依据的绩效目标版本已被新版本取代（第七条、第十四条）"
    )
    async def needs_reapproval(self, info: Info) -> bool:
        if self.status != BudgetStatus.APPROVED or self.approved_goal_id is None:
            return False
        goal = await info.context.loaders[goal_by_id].load(self.approved_goal_id)
        return goal is not None and goal.status == GoalStatus.SUPERSEDED

    @strawberry.field(metadata=max_items(len(BudgetItem)))  # one line per item (unique per budget)
    async def lines(self, info: Info) -> list[FundBudgetLine]:
        rows = await info.context.loaders[budget_lines].load(self.db_id)
        return [FundBudgetLine.from_row(r) for r in rows]

    @strawberry.field(description="收入合计（现行预算）")
    async def revenue_total(self, info: Info) -> Decimal:
        return _total(await info.context.loaders[budget_lines].load(self.db_id), Category.REVENUE)

    @strawberry.field(description="支出合计（现行预算）")
    async def expenditure_total(self, info: Info) -> Decimal:
        return _total(await info.context.loaders[budget_lines].load(self.db_id), Category.EXPENDITURE)


@strawberry.input(description="预算筛选条件")
class BudgetFilter:
    year: int | None = None
    fund_type_code: str | None = None
    region_code: str | None = None
    include_descendants: bool = False
    status: BudgetStatus | None = None
    goal_superseded: bool | None = strawberry.field(
        default=None,
        description=(
            "true：已批复但所依据的绩效目标版本已被取代、需重新批复的预算（第十四条）；false：其余预算"
        ),
    )


FundBudgetResult = Annotated[FundBudget | NotFoundError, strawberry.union("FundBudgetResult")]


async def budget_visible(info: Info, row: BudgetRow) -> bool:
    actor = info.context.actor
    region = await info.context.loaders[region_by_id].load(row.region_id)
    fund = await info.context.loaders[fund_type_by_id].load(row.fund_type_id)
    if actor is None or region is None or fund is None:
        return False
    return visible(actor, budget_record_scope(row, region, fund))
