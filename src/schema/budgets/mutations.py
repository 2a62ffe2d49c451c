"""Budget approval: only once the pooling region's annual goal is issued (Art. 7)."""

from typing import Annotated

import strawberry

from src.schema.budgets.types import FundBudget
from src.schema.context import Info
from src.schema.errors import ConflictError, InvalidTransitionError, NotFoundError, PreconditionFailedError
from src.schema.ids import parse_id
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import write
from src.services.budgets.approval import approve_budget


@strawberry.type
class FundBudgetSuccess:
    budget: FundBudget


BudgetApproveResult = Annotated[
    FundBudgetSuccess | NotFoundError | ConflictError | InvalidTransitionError | PreconditionFailedError,
    strawberry.union("BudgetApproveResult"),
]


@strawberry.type
class BudgetMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description="批复基金预算（财政部门）")
    async def budget_approve(self, info: Info, id: strawberry.ID, row_version: int) -> BudgetApproveResult:
        budget_id = parse_id(id, "FundBudget")
        async with write(info) as (session, actor):
            row = await approve_budget(
                session=session, actor=actor, budget_id=budget_id, row_version=row_version
            )
            return FundBudgetSuccess(budget=FundBudget.from_row(row))
