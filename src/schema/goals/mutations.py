"""Goal and indicator mutations: editing drafts (Art. 8–9) and the workflow (Art. 7, 10, 14)."""

from typing import Annotated, Any

import strawberry
from strawberry.permission import BasePermission

from src.models import GoalCreate, GoalUpdate, IndicatorCreate, IndicatorUpdate
from src.schema.context import Info
from src.schema.conversion import to_model
from src.schema.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PreconditionFailedError,
    ValidationError,
)
from src.schema.goals.inputs import (
    GoalAdjustmentRequestInput,
    GoalCreateInput,
    GoalReasonInput,
    GoalUpdateInput,
    IndicatorAddFromTemplatesInput,
    IndicatorCreateInput,
    IndicatorUpdateInput,
)
from src.schema.goals.loaders import INDICATORS_PER_GOAL
from src.schema.goals.types import Goal, Indicator
from src.schema.ids import parse_id
from src.schema.list_sizes import max_items
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import write
from src.services.goals import drafts, indicators, workflow
from src.services.goals.editing import get_goal
from src.services.goals.steps import GoalAction


@strawberry.type
class GoalSuccess:
    goal: Goal


@strawberry.type
class GoalDeleteSuccess:
    deleted_id: strawberry.ID


@strawberry.type
class IndicatorSuccess:
    indicator: Indicator
    goal: Goal


@strawberry.type
class IndicatorDeleteSuccess:
    deleted_id: strawberry.ID
    goal: Goal


@strawberry.type
class IndicatorsAddSuccess:
    indicators: list[Indicator] = strawberry.field(metadata=max_items(INDICATORS_PER_GOAL))  # those added
    goal: Goal


GoalCreateResult = Annotated[
    GoalSuccess | ValidationError | NotFoundError | ConflictError | PreconditionFailedError,
    strawberry.union("GoalCreateResult"),
]
GoalChangeResult = Annotated[
    GoalSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | InvalidTransitionError
    | PreconditionFailedError,
    strawberry.union("GoalChangeResult"),
]
GoalDeleteResult = Annotated[
    GoalDeleteSuccess | NotFoundError | ConflictError | InvalidTransitionError,
    strawberry.union("GoalDeleteResult"),
]
IndicatorChangeResult = Annotated[
    IndicatorSuccess | ValidationError | NotFoundError | ConflictError | InvalidTransitionError,
    strawberry.union("IndicatorChangeResult"),
]
IndicatorDeleteResult = Annotated[
    IndicatorDeleteSuccess | NotFoundError | ConflictError | InvalidTransitionError,
    strawberry.union("IndicatorDeleteResult"),
]
IndicatorsAddResult = Annotated[
    IndicatorsAddSuccess | ValidationError | NotFoundError | ConflictError | InvalidTransitionError,
    strawberry.union("IndicatorsAddResult"),
]


AUTH: list[type[BasePermission]] = [IsAuthenticated]


def _step(action: GoalAction, description: str) -> Any:
    """The mutation of one forward step of the workflow: (id, rowVersion) in, the moved goal out."""

    async def resolve(info: Info, id: strawberry.ID, row_version: int) -> GoalChangeResult:
        goal_id = parse_id(id, "Goal")
        async with write(info) as (session, actor):
            row = await workflow.transition(
                session=session, actor=actor, goal_id=goal_id, row_version=row_version, action=action
            )
            return GoalSuccess(goal=Goal.from_row(row))

    return strawberry.mutation(resolver=resolve, permission_classes=AUTH, description=description)


@strawberry.type
class GoalMutations:
    @strawberry.mutation(permission_classes=AUTH, description="新建目标草稿（经办机构）")
    async def goal_create(self, info: Info, input: GoalCreateInput) -> GoalCreateResult:
        overall = parse_id(input.overall_goal_id, "Goal") if input.overall_goal_id is not None else None
        data = to_model(GoalCreate, input, overall_goal_id=overall)
        async with write(info) as (session, actor):
            return GoalSuccess(
                goal=Goal.from_row(await drafts.create_goal(session=session, actor=actor, data=data))
            )

    @strawberry.mutation(permission_classes=AUTH, description="修改目标草稿")
    async def goal_update(self, info: Info, input: GoalUpdateInput) -> GoalChangeResult:
        goal_id, patch = parse_id(input.id, "Goal"), to_model(GoalUpdate, input)
        async with write(info) as (session, actor):
            row = await drafts.update_goal(
                session=session, actor=actor, goal_id=goal_id, row_version=input.row_version, patch=patch
            )
            return GoalSuccess(goal=Goal.from_row(row))

    @strawberry.mutation(permission_classes=AUTH, description="删除目标草稿")
    async def goal_delete(self, info: Info, id: strawberry.ID, row_version: int) -> GoalDeleteResult:
        goal_id = parse_id(id, "Goal")
        async with write(info) as (session, actor):
            deleted = await drafts.delete_goal(
                session=session, actor=actor, goal_id=goal_id, row_version=row_version
            )
            return GoalDeleteSuccess(deleted_id=strawberry.ID(str(deleted)))

    goal_submit: GoalChangeResult = _step(GoalAction.SUBMIT, "报送（经办机构会同税务部门）")
    goal_preliminary_review: GoalChangeResult = _step(
        GoalAction.PRELIMINARY_REVIEW, "初审（人社或医保行政部门）"
    )
    goal_review: GoalChangeResult = _step(GoalAction.REVIEW, "审核（财政部门）")
    goal_submit_to_national: GoalChangeResult = _step(
        GoalAction.SUBMIT_TO_NATIONAL, "报国家相关部门审核（财政厅）"
    )
    goal_issue_guiding: GoalChangeResult = _step(
        GoalAction.ISSUE_GUIDING, "部署预算时下达指导性目标（财政厅）"
    )
    goal_national_approve: GoalChangeResult = _step(GoalAction.NATIONAL_APPROVE, "国家相关部门审核通过")
    goal_issue: GoalChangeResult = _step(GoalAction.ISSUE, "正式下达；全省目标按统筹层次分解下达")

    @strawberry.mutation(permission_classes=AUTH, description="退回（须说明理由）")
    async def goal_return(self, info: Info, input: GoalReasonInput) -> GoalChangeResult:
        goal_id = parse_id(input.id, "Goal")
        async with write(info) as (session, actor):
            row = await workflow.return_goal(
                session=session,
                actor=actor,
                goal_id=goal_id,
                row_version=input.row_version,
                reason=input.reason,
            )
            return GoalSuccess(goal=Goal.from_row(row))

    @strawberry.mutation(
        permission_classes=AUTH,
        description=(
            "调整申请（经办机构、主管行政部门或同级财政部门）：附评估，形成新版本按原程序报批；"
            "现行版本在新版本下达前继续有效（第十四条）"
        ),
    )
    async def goal_adjustment_request(
        self, info: Info, input: GoalAdjustmentRequestInput
    ) -> GoalChangeResult:
        goal_id = parse_id(input.id, "Goal")
        assessment = workflow.Assessment(
            what_changed=input.what_changed,
            reason=input.reason,
            fund_effect=input.fund_effect,
            target_effect=input.target_effect,
        )
        async with write(info) as (session, actor):
            row = await workflow.request_adjustment(
                session=session,
                actor=actor,
                goal_id=goal_id,
                row_version=input.row_version,
                assessment=assessment,
            )
            return GoalSuccess(goal=Goal.from_row(row))

    @strawberry.mutation(permission_classes=AUTH, description="新增指标")
    async def indicator_create(self, info: Info, input: IndicatorCreateInput) -> IndicatorChangeResult:
        goal_id, data = parse_id(input.goal_id, "Goal"), to_model(IndicatorCreate, input)
        async with write(info) as (session, actor):
            row = await indicators.create_indicator(session=session, actor=actor, goal_id=goal_id, data=data)
            goal = await get_goal(session=session, goal_id=goal_id)
            return IndicatorSuccess(indicator=Indicator.from_row(row), goal=Goal.from_row(goal))

    @strawberry.mutation(permission_classes=AUTH, description="修改指标")
    async def indicator_update(self, info: Info, input: IndicatorUpdateInput) -> IndicatorChangeResult:
        indicator_id, patch = parse_id(input.id, "Indicator"), to_model(IndicatorUpdate, input)
        async with write(info) as (session, actor):
            row = await indicators.update_indicator(
                session=session,
                actor=actor,
                indicator_id=indicator_id,
                row_version=input.row_version,
                patch=patch,
            )
            goal = await get_goal(session=session, goal_id=row.goal_id)
            return IndicatorSuccess(indicator=Indicator.from_row(row), goal=Goal.from_row(goal))

    @strawberry.mutation(permission_classes=AUTH, description="删除指标")
    async def indicator_delete(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> IndicatorDeleteResult:
        indicator_id = parse_id(id, "Indicator")
        async with write(info) as (session, actor):
            goal = await indicators.delete_indicator(
                session=session, actor=actor, indicator_id=indicator_id, row_version=row_version
            )
            return IndicatorDeleteSuccess(
                deleted_id=strawberry.ID(str(indicator_id)), goal=Goal.from_row(goal)
            )

    @strawberry.mutation(permission_classes=AUTH, description="从指标库添加指标")
    async def indicator_add_from_templates(
        self, info: Info, input: IndicatorAddFromTemplatesInput
    ) -> IndicatorsAddResult:
        goal_id = parse_id(input.goal_id, "Goal")
        picks = [
            to_model(
                indicators.TemplatePick,
                item,
                prefix=f"input.items.{position}",
                template_id=parse_id(item.template_id, "IndicatorTemplate"),
            )
            for position, item in enumerate(input.items)
        ]
        async with write(info) as (session, actor):
            rows = await indicators.add_indicators_from_templates(
                session=session, actor=actor, goal_id=goal_id, row_version=input.row_version, picks=picks
            )
            goal = await get_goal(session=session, goal_id=goal_id)
            return IndicatorsAddSuccess(
                indicators=[Indicator.from_row(r) for r in rows], goal=Goal.from_row(goal)
            )
