"""Budget approval: only once the pooling region's annual goal is issued (Art. 7)."""

from typing import Annotated

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from src.schema.budgets.types import FundBudget
from src.schema.context import Info
from src.schema.errors import ConflictError, InvalidTransitionError, NotFoundError, PreconditionFailedError
from src.schema.ids import parse_id
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import in_transaction
from src.services import budgets
from src.services.actors import Actor


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

        async def work(session: AsyncSession, actor: Actor) -> FundBudgetSuccess:
            row = await budgets.approve_budget(
                session=session, actor=actor, budget_id=budget_id, row_version=row_version
            )
            return FundBudgetSuccess(budget=FundBudget.from_row(row))

        return await in_transaction(info, work)
