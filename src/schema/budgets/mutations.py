"""Budgets in the API: the pooling region's agency enters and edits the draft (Art. 7, 10), its finance
approves it, only once the pooling region's annual goal is issued (Art. 7)."""

from decimal import Decimal
from typing import Annotated

import strawberry

from src.schema.budgets.types import FundBudget
from src.schema.context import Info
from src.schema.enums import BudgetItem
from src.schema.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PreconditionFailedError,
    ValidationError,
)
from src.schema.ids import parse_id
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import write
from src.services.budgets.approval import approve_budget
from src.services.budgets.entry import BudgetCreate, create_budget, update_budget
from src.services.budgets.lines import BudgetLineInput as LineData


@strawberry.input(description="预算科目行（元，两位小数）：收入、支出不为负数，结余可为负数；类别由科目确定")
class BudgetLineInput:
    item: BudgetItem
    initial_amount: Decimal = strawberry.field(description="年初预算")
    adjusted_amount: Decimal | None = strawberry.field(default=None, description="调整后预算数（未调整不填）")


@strawberry.input(description="编制基金预算草案（统筹地区社会保险经办机构）：每个科目一行，按科目顺序保存")
class BudgetCreateInput:
    region_code: str = strawberry.field(description="统筹地区区划代码")
    fund_type_code: str
    year: int
    lines: list[BudgetLineInput]


@strawberry.input(description="修改基金预算草案：以给出的科目行替换全部原有科目行")
class BudgetUpdateInput:
    id: strawberry.ID
    row_version: int
    lines: list[BudgetLineInput]


def _lines(lines: list[BudgetLineInput]) -> list[LineData]:
    return [LineData(line.item, line.initial_amount, line.adjusted_amount) for line in lines]


@strawberry.type
class FundBudgetSuccess:
    budget: FundBudget


BudgetChangeResult = Annotated[
    FundBudgetSuccess | ValidationError | NotFoundError | ConflictError | InvalidTransitionError,
    strawberry.union("BudgetChangeResult"),
]
BudgetApproveResult = Annotated[
    FundBudgetSuccess | NotFoundError | ConflictError | InvalidTransitionError | PreconditionFailedError,
    strawberry.union("BudgetApproveResult"),
]


@strawberry.type
class BudgetMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description="编制基金预算草案（经办机构）")
    async def budget_create(self, info: Info, input: BudgetCreateInput) -> BudgetChangeResult:
        data = BudgetCreate(input.region_code, input.fund_type_code, input.year, _lines(input.lines))
        async with write(info) as (session, actor):
            row = await create_budget(session=session, actor=actor, data=data)
            return FundBudgetSuccess(budget=FundBudget.from_row(row))

    @strawberry.mutation(
        permission_classes=[IsAuthenticated], description="修改基金预算草案的科目行（经办机构）"
    )
    async def budget_update(self, info: Info, input: BudgetUpdateInput) -> BudgetChangeResult:
        budget_id = parse_id(input.id, "FundBudget")
        lines = _lines(input.lines)
        async with write(info) as (session, actor):
            row = await update_budget(
                session=session, actor=actor, budget_id=budget_id, row_version=input.row_version, lines=lines
            )
            return FundBudgetSuccess(budget=FundBudget.from_row(row))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="批复基金预算（财政部门）")
    async def budget_approve(self, info: Info, id: strawberry.ID, row_version: int) -> BudgetApproveResult:
        budget_id = parse_id(id, "FundBudget")
        async with write(info) as (session, actor):
            row = await approve_budget(
                session=session, actor=actor, budget_id=budget_id, row_version=row_version
            )
            return FundBudgetSuccess(budget=FundBudget.from_row(row))
