"""Goal and indicator mutations: editing drafts (Art. 8–9) and the workflow (Art. 7, 10, 14)."""

from decimal import Decimal
from typing import Annotated, TypeVar

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.permission import BasePermission

from src.models import Goal as GoalRow
from src.schema.context import Info
from src.schema.enums import Comparator, GoalHorizon, IndicatorCategory, IndicatorKind, QualitativeGrade
from src.schema.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    ValidationError,
)
from src.schema.goals.types import Goal, Indicator
from src.schema.ids import parse_id
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import in_transaction
from src.services import goals, workflow
from src.services.actors import Actor
from src.services.workflow import GoalAction


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
    indicators: list[Indicator]
    goal: Goal


GoalCreateResult = Annotated[
    GoalSuccess | ValidationError | NotFoundError | ConflictError, strawberry.union("GoalCreateResult")
]
GoalChangeResult = Annotated[
    GoalSuccess | ValidationError | NotFoundError | ConflictError | InvalidTransitionError,
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


@strawberry.input(description="新建目标（草稿）")
class GoalCreateInput:
    fund_type_code: str
    region_code: str
    horizon: GoalHorizon
    start_year: int
    end_year: int
    title: str
    content: str = ""
    overall_goal_id: strawberry.ID | None = None


@strawberry.input
class GoalUpdateInput:
    id: strawberry.ID
    row_version: int
    title: str | None = None
    content: str | None = None


@strawberry.input(description="退回或调整申请：须说明理由")
class GoalReasonInput:
    id: strawberry.ID
    row_version: int
    reason: str


@strawberry.input
class IndicatorCreateInput:
    goal_id: strawberry.ID
    level1: IndicatorCategory
    level2: str
    level3: str
    kind: IndicatorKind
    comparator: Comparator
    weight: Decimal
    unit: str = ""
    target_value: Decimal | None = None
    target_grade: QualitativeGrade | None = None
    definition: str = ""


@strawberry.input(description="只修改给出的字段；targetValue / targetGrade 传 null 表示清空")
class IndicatorUpdateInput:
    id: strawberry.ID
    row_version: int
    level1: IndicatorCategory | None = strawberry.UNSET
    level2: str | None = strawberry.UNSET
    level3: str | None = strawberry.UNSET
    kind: IndicatorKind | None = strawberry.UNSET
    comparator: Comparator | None = strawberry.UNSET
    weight: Decimal | None = strawberry.UNSET
    unit: str | None = strawberry.UNSET
    target_value: Decimal | None = strawberry.UNSET
    target_grade: QualitativeGrade | None = strawberry.UNSET
    definition: str | None = strawberry.UNSET


@strawberry.input
class TemplatePickInput:
    template_id: strawberry.ID
    weight: Decimal
    target_value: Decimal | None = None


@strawberry.input(description="从指标库添加指标")
class IndicatorAddFromTemplatesInput:
    goal_id: strawberry.ID
    row_version: int
    items: list[TemplatePickInput]


T = TypeVar("T")


def _given(value: T | None) -> T | None:
    return None if value is strawberry.UNSET else value


async def _goal(session: AsyncSession, goal_id: int | None) -> Goal:
    row = await session.get(GoalRow, goal_id)
    assert row is not None
    return Goal.from_row(row)


async def _transition(info: Info, id: strawberry.ID, row_version: int, action: GoalAction) -> GoalSuccess:
    goal_id = parse_id(id, "Goal")

    async def work(session: AsyncSession, actor: Actor) -> GoalSuccess:
        row = await workflow.transition(
            session=session, actor=actor, goal_id=goal_id, row_version=row_version, action=action
        )
        return GoalSuccess(goal=Goal.from_row(row))

    return await in_transaction(info, work)


AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.type
class GoalMutations:
    @strawberry.mutation(permission_classes=AUTH, description="新建目标草稿（经办机构）")
    async def goal_create(self, info: Info, input: GoalCreateInput) -> GoalCreateResult:
        overall = parse_id(input.overall_goal_id, "Goal") if input.overall_goal_id is not None else None
        draft = goals.GoalDraft(
            fund_type_code=input.fund_type_code,
            region_code=input.region_code,
            horizon=input.horizon,
            start_year=input.start_year,
            end_year=input.end_year,
            title=input.title,
            content=input.content,
            overall_goal_id=overall,
        )

        async def work(session: AsyncSession, actor: Actor) -> GoalSuccess:
            return GoalSuccess(
                goal=Goal.from_row(await goals.create_goal(session=session, actor=actor, data=draft))
            )

        return await in_transaction(info, work)

    @strawberry.mutation(permission_classes=AUTH, description="修改目标草稿")
    async def goal_update(self, info: Info, input: GoalUpdateInput) -> GoalChangeResult:
        patch = goals.GoalPatch(title=input.title, content=input.content)
        goal_id = parse_id(input.id, "Goal")

        async def work(session: AsyncSession, actor: Actor) -> GoalSuccess:
            row = await goals.update_goal(
                session=session, actor=actor, goal_id=goal_id, row_version=input.row_version, patch=patch
            )
            return GoalSuccess(goal=Goal.from_row(row))

        return await in_transaction(info, work)

    @strawberry.mutation(permission_classes=AUTH, description="删除目标草稿")
    async def goal_delete(self, info: Info, id: strawberry.ID, row_version: int) -> GoalDeleteResult:
        goal_id = parse_id(id, "Goal")

        async def work(session: AsyncSession, actor: Actor) -> GoalDeleteSuccess:
            deleted = await goals.delete_goal(
                session=session, actor=actor, goal_id=goal_id, row_version=row_version
            )
            return GoalDeleteSuccess(deleted_id=strawberry.ID(str(deleted)))

        return await in_transaction(info, work)

    @strawberry.mutation(permission_classes=AUTH, description="报送（经办机构会同税务部门）")
    async def goal_submit(self, info: Info, id: strawberry.ID, row_version: int) -> GoalChangeResult:
        return await _transition(info, id, row_version, GoalAction.SUBMIT)

    @strawberry.mutation(permission_classes=AUTH, description="初审（人社或医保行政部门）")
    async def goal_preliminary_review(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> GoalChangeResult:
        return await _transition(info, id, row_version, GoalAction.PRELIMINARY_REVIEW)

    @strawberry.mutation(permission_classes=AUTH, description="审核（财政部门）")
    async def goal_review(self, info: Info, id: strawberry.ID, row_version: int) -> GoalChangeResult:
        return await _transition(info, id, row_version, GoalAction.REVIEW)

    @strawberry.mutation(permission_classes=AUTH, description="报国家相关部门审核（财政厅）")
    async def goal_submit_to_national(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> GoalChangeResult:
        return await _transition(info, id, row_version, GoalAction.SUBMIT_TO_NATIONAL)

    @strawberry.mutation(permission_classes=AUTH, description="部署预算时下达指导性目标（财政厅）")
    async def goal_issue_guiding(self, info: Info, id: strawberry.ID, row_version: int) -> GoalChangeResult:
        return await _transition(info, id, row_version, GoalAction.ISSUE_GUIDING)

    @strawberry.mutation(permission_classes=AUTH, description="国家相关部门审核通过")
    async def goal_national_approve(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> GoalChangeResult:
        return await _transition(info, id, row_version, GoalAction.NATIONAL_APPROVE)

    @strawberry.mutation(permission_classes=AUTH, description="正式下达；全省目标按统筹层次分解下达")
    async def goal_issue(self, info: Info, id: strawberry.ID, row_version: int) -> GoalChangeResult:
        return await _transition(info, id, row_version, GoalAction.ISSUE)

    @strawberry.mutation(permission_classes=AUTH, description="退回（须说明理由）")
    async def goal_return(self, info: Info, input: GoalReasonInput) -> GoalChangeResult:
        goal_id = parse_id(input.id, "Goal")

        async def work(session: AsyncSession, actor: Actor) -> GoalSuccess:
            row = await workflow.return_goal(
                session=session,
                actor=actor,
                goal_id=goal_id,
                row_version=input.row_version,
                reason=input.reason,
            )
            return GoalSuccess(goal=Goal.from_row(row))

        return await in_transaction(info, work)

    @strawberry.mutation(
        permission_classes=AUTH, description="调整申请：形成新版本，按原程序报批（第十四条）"
    )
    async def goal_adjustment_request(self, info: Info, input: GoalReasonInput) -> GoalChangeResult:
        goal_id = parse_id(input.id, "Goal")

        async def work(session: AsyncSession, actor: Actor) -> GoalSuccess:
            row = await workflow.request_adjustment(
                session=session,
                actor=actor,
                goal_id=goal_id,
                row_version=input.row_version,
                reason=input.reason,
            )
            return GoalSuccess(goal=Goal.from_row(row))

        return await in_transaction(info, work)

    @strawberry.mutation(permission_classes=AUTH, description="新增指标")
    async def indicator_create(self, info: Info, input: IndicatorCreateInput) -> IndicatorChangeResult:
        goal_id = parse_id(input.goal_id, "Goal")
        draft = goals.IndicatorDraft(
            level1=input.level1,
            level2=input.level2,
            level3=input.level3,
            kind=input.kind,
            comparator=input.comparator,
            weight=input.weight,
            unit=input.unit,
            target_value=input.target_value,
            target_grade=input.target_grade,
            definition=input.definition,
        )

        async def work(session: AsyncSession, actor: Actor) -> IndicatorSuccess:
            row = await goals.create_indicator(session=session, actor=actor, goal_id=goal_id, data=draft)
            return IndicatorSuccess(indicator=Indicator.from_row(row), goal=await _goal(session, goal_id))

        return await in_transaction(info, work)

    @strawberry.mutation(permission_classes=AUTH, description="修改指标")
    async def indicator_update(self, info: Info, input: IndicatorUpdateInput) -> IndicatorChangeResult:
        indicator_id = parse_id(input.id, "Indicator")
        cleared = frozenset(name for name in ("target_value", "target_grade") if getattr(input, name) is None)
        patch = goals.IndicatorPatch(
            level1=_given(input.level1),
            level2=_given(input.level2),
            level3=_given(input.level3),
            kind=_given(input.kind),
            comparator=_given(input.comparator),
            weight=_given(input.weight),
            unit=_given(input.unit),
            target_value=_given(input.target_value),
            target_grade=_given(input.target_grade),
            definition=_given(input.definition),
            unset=cleared,
        )

        async def work(session: AsyncSession, actor: Actor) -> IndicatorSuccess:
            row = await goals.update_indicator(
                session=session,
                actor=actor,
                indicator_id=indicator_id,
                row_version=input.row_version,
                patch=patch,
            )
            return IndicatorSuccess(indicator=Indicator.from_row(row), goal=await _goal(session, row.goal_id))

        return await in_transaction(info, work)

    @strawberry.mutation(permission_classes=AUTH, description="删除指标")
    async def indicator_delete(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> IndicatorDeleteResult:
        indicator_id = parse_id(id, "Indicator")

        async def work(session: AsyncSession, actor: Actor) -> IndicatorDeleteSuccess:
            goal = await goals.delete_indicator(
                session=session, actor=actor, indicator_id=indicator_id, row_version=row_version
            )
            return IndicatorDeleteSuccess(
                deleted_id=strawberry.ID(str(indicator_id)), goal=Goal.from_row(goal)
            )

        return await in_transaction(info, work)

    @strawberry.mutation(permission_classes=AUTH, description="从指标库添加指标")
    async def indicator_add_from_templates(
        self, info: Info, input: IndicatorAddFromTemplatesInput
    ) -> IndicatorsAddResult:
        goal_id = parse_id(input.goal_id, "Goal")
        picks = [
            goals.TemplatePick(
                template_id=parse_id(item.template_id, "IndicatorTemplate"),
                weight=item.weight,
                target_value=item.target_value,
            )
            for item in input.items
        ]

        async def work(session: AsyncSession, actor: Actor) -> IndicatorsAddSuccess:
            rows = await goals.add_indicators_from_templates(
                session=session, actor=actor, goal_id=goal_id, row_version=input.row_version, picks=picks
            )
            return IndicatorsAddSuccess(
                indicators=[Indicator.from_row(r) for r in rows], goal=await _goal(session, goal_id)
            )

        return await in_transaction(info, work)
