"""Domain enums exposed in GraphQL: the model's own classes, registered with strawberry once."""

import strawberry

from src.models.enums import (
    ActorType,
    Administration,
    Aggregation,
    BudgetItem,
    BudgetLineCategory,
    BudgetStatus,
    Comparator,
    GoalHorizon,
    GoalStatus,
    IndicatorCategory,
    IndicatorKind,
    PoolingLevel,
    QualitativeGrade,
    RegionLevel,
    TaxVerdict,
)

_DESCRIPTIONS = {
    RegionLevel: "行政区划级别",
    Administration: "主管部门",
    PoolingLevel: "统筹层次",
    ActorType: "主体类型",
    GoalHorizon: "目标类型：总体目标 / 年度目标",
    GoalStatus: "目标状态",
    IndicatorCategory: "一级指标",
    IndicatorKind: "指标性质：定量 / 定性",
    Comparator: "指标值比较方式",
    QualitativeGrade: "定性指标等级",
    BudgetStatus: "预算状态",
    BudgetLineCategory: "收入 / 支出 / 结余",
    BudgetItem: "预算科目",
    Aggregation: "分解方式：SUM 加总（金额、人数），RATE 比率，NONE 不分解（第六条）",
    TaxVerdict: "税务部门会商意见：同意 / 不同意",
}
for _enum, _description in _DESCRIPTIONS.items():
    strawberry.enum(_enum, description=_description)

__all__ = [
    "ActorType",
    "Administration",
    "Aggregation",
    "BudgetItem",
    "BudgetLineCategory",
    "BudgetStatus",
    "Comparator",
    "GoalHorizon",
    "GoalStatus",
    "IndicatorCategory",
    "IndicatorKind",
    "PoolingLevel",
    "QualitativeGrade",
    "RegionLevel",
    "TaxVerdict",
]
