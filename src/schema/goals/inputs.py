"""Inputs of the goal and indicator mutations; the services take them as models (src.models.goal)."""

from decimal import Decimal

import strawberry

from src.schema.enums import Comparator, GoalHorizon, IndicatorCategory, IndicatorKind, QualitativeGrade
from src.schema.inputs import multiline_text


@strawberry.input(description="新建目标（草稿）")
class GoalCreateInput:
    fund_type_code: str
    region_code: str
    horizon: GoalHorizon
    start_year: int
    end_year: int
    title: str
    content: str = multiline_text(default="")
    overall_goal_id: strawberry.ID | None = None


@strawberry.input
class GoalUpdateInput:
    id: strawberry.ID
    row_version: int
    title: str | None = None
    content: str | None = multiline_text(default=None)


@strawberry.input(description="退回或调整申请：须说明理由")
class GoalReasonInput:
    id: strawberry.ID
    row_version: int
    reason: str = multiline_text()


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
    definition: str = multiline_text(default="")


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
    definition: str | None = multiline_text(default=strawberry.UNSET)


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
