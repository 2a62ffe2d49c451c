"""Inputs of the goal and indicator mutations; the services take them as models (src.models.goal)."""

from decimal import Decimal

import strawberry

from src.schema.enums import (
    Aggregation,
    Comparator,
    GoalHorizon,
    IndicatorCategory,
    IndicatorKind,
    QualitativeGrade,
)
from src.schema.inputs import multiline_text

# What the services check (src/services/goals/units.py), told where a target is entered.
# A rate is entered during the year as its two parts (Art. 12: rolled up by summing both).
RATE_LABEL = (
    "比率类指标（分解方式 RATE）的分子或分母名称，填报执行情况时按分子、分母填写；不填时显示为“分子”“分母”"
)
TARGET_VALUE_RANGE = "人数、金额、时长等不能为负数；百分比类仅指标性质为 ≤ 时可为负数（如支出增长率 ≤ -2%）"


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


@strawberry.input(description="退回：须说明理由")
class GoalReasonInput:
    id: strawberry.ID
    row_version: int
    reason: str = multiline_text()


@strawberry.input(description="调整申请及其评估（第十四条：经评估后按程序调整），各项必填")
class GoalAdjustmentRequestInput:
    id: strawberry.ID
    row_version: int
    what_changed: str = multiline_text(description="发生了什么变化")
    reason: str = multiline_text(description="调整理由")
    fund_effect: str = multiline_text(description="对基金收支的预计影响")
    target_effect: str = multiline_text(description="对绩效目标和指标的预计影响")


@strawberry.input(description="税务部门同意当前内容（可附意见）")
class GoalTaxConcurInput:
    id: strawberry.ID
    row_version: int
    opinion: str = multiline_text(default="")


@strawberry.input(description="税务部门不同意：须说明理由")
class GoalTaxObjectInput:
    id: strawberry.ID
    row_version: int
    reason: str = multiline_text()


@strawberry.input(description="分解表的一格；targetValue 为 null 表示恢复默认值")
class DecompositionTargetInput:
    indicator_id: strawberry.ID
    region_code: str
    target_value: Decimal | None = strawberry.field(default=None, description=TARGET_VALUE_RANGE)


@strawberry.input(description="修改分解表（草稿阶段）")
class GoalDecompositionUpdateInput:
    goal_id: strawberry.ID
    row_version: int
    targets: list[DecompositionTargetInput]


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
    aggregation: Aggregation | None = strawberry.field(
        default=None, description="分解方式；不填时按单位推定（% 为 RATE，人数金额为 SUM，其余 NONE）"
    )
    target_value: Decimal | None = strawberry.field(
        default=None, description=f"定量指标的指标值：{TARGET_VALUE_RANGE}"
    )
    target_grade: QualitativeGrade | None = None
    definition: str = multiline_text(default="")
    numerator_label: str = strawberry.field(default="", description=RATE_LABEL)
    denominator_label: str = strawberry.field(default="", description=RATE_LABEL)


@strawberry.input(description="只修改给出的字段；targetValue / targetGrade 传 null 表示清空")
class IndicatorUpdateInput:
    id: strawberry.ID
    row_version: int
    level1: IndicatorCategory | None = strawberry.UNSET
    level2: str | None = strawberry.UNSET
    level3: str | None = strawberry.UNSET
    kind: IndicatorKind | None = strawberry.UNSET
    comparator: Comparator | None = strawberry.UNSET
    aggregation: Aggregation | None = strawberry.UNSET
    weight: Decimal | None = strawberry.UNSET
    unit: str | None = strawberry.UNSET
    target_value: Decimal | None = strawberry.UNSET
    target_grade: QualitativeGrade | None = strawberry.UNSET
    definition: str | None = multiline_text(default=strawberry.UNSET)
    numerator_label: str | None = strawberry.field(default=strawberry.UNSET, description=RATE_LABEL)
    denominator_label: str | None = strawberry.field(default=strawberry.UNSET, description=RATE_LABEL)


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
