"""Mutations of the drafting stage beside the agency's pen: the tax department's concurrence or objection
(Art. 5, 7) and the decomposition table of a province-wide goal (Art. 6)."""

from typing import Annotated

import strawberry

from src.models.enums import TaxVerdict
from src.schema.context import Info
from src.schema.conversion import to_model
from src.schema.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from src.schema.goals.decomposition import GoalDecomposition
from src.schema.goals.inputs import GoalDecompositionUpdateInput, GoalTaxConcurInput, GoalTaxObjectInput
from src.schema.goals.mutations import AUTH, GoalChangeResult, GoalSuccess
from src.schema.goals.types import Goal
from src.schema.ids import parse_id
from src.schema.transaction import write
from src.services.goals import decomposition, decomposition_edits, tax


@strawberry.type
class GoalDecompositionSuccess:
    goal: Goal
    decomposition: GoalDecomposition


GoalDecompositionResult = Annotated[
    GoalDecompositionSuccess | ValidationError | NotFoundError | ConflictError | InvalidTransitionError,
    strawberry.union("GoalDecompositionResult"),
]


async def _tax_opinion(
    info: Info, id: strawberry.ID, row_version: int, verdict: TaxVerdict, text: str
) -> GoalSuccess:
    goal_id = parse_id(id, "Goal")
    async with write(info) as (session, actor):
        row = await tax.record_opinion(
            session=session,
            actor=actor,
            goal_id=goal_id,
            row_version=row_version,
            verdict=verdict,
            opinion=text,
        )
        return GoalSuccess(goal=Goal.from_row(row))


@strawberry.type
class GoalDraftingMutations:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="税务部门同意目标当前内容（第七条：商税务部门制定）；此后再修改须重新会商",
    )
    async def goal_tax_concur(self, info: Info, input: GoalTaxConcurInput) -> GoalChangeResult:
        return await _tax_opinion(info, input.id, input.row_version, TaxVerdict.CONCUR, input.opinion)

    @strawberry.mutation(permission_classes=AUTH, description="税务部门不同意目标当前内容（须说明理由）")
    async def goal_tax_object(self, info: Info, input: GoalTaxObjectInput) -> GoalChangeResult:
        return await _tax_opinion(info, input.id, input.row_version, TaxVerdict.OBJECT, input.reason)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="修改全省目标的分解表（草稿阶段，经办机构）：各统筹地区的目标值，null 恢复默认值",
    )
    async def goal_decomposition_update(
        self, info: Info, input: GoalDecompositionUpdateInput
    ) -> GoalDecompositionResult:
        goal_id = parse_id(input.goal_id, "Goal")
        entries = [
            to_model(
                decomposition_edits.TargetEntry,
                item,
                prefix=f"input.targets.{position}",
                indicator_id=parse_id(item.indicator_id, "Indicator"),
            )
            for position, item in enumerate(input.targets)
        ]
        async with write(info) as (session, actor):
            row = await decomposition_edits.update_targets(
                session=session, actor=actor, goal_id=goal_id, row_version=input.row_version, entries=entries
            )
            table = await decomposition.build_table(session, row)
            assert table is not None
            return GoalDecompositionSuccess(
                goal=Goal.from_row(row), decomposition=GoalDecomposition.of(table)
            )
