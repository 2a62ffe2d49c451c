"""Domain enums exposed in GraphQL (the same classes the models use)."""

import strawberry

from src.models import enums

RegionLevel = strawberry.enum(enums.RegionLevel, description="行政区划级别")
Administration = strawberry.enum(enums.Administration, description="主管部门")
PoolingLevel = strawberry.enum(enums.PoolingLevel, description="统筹层次")
ActorType = strawberry.enum(enums.ActorType, description="主体类型")
GoalHorizon = strawberry.enum(enums.GoalHorizon, description="目标类型：总体目标 / 年度目标")
GoalStatus = strawberry.enum(enums.GoalStatus, description="目标状态")
IndicatorCategory = strawberry.enum(enums.IndicatorCategory, description="一级指标")
IndicatorKind = strawberry.enum(enums.IndicatorKind, description="指标性质：定量 / 定性")
Comparator = strawberry.enum(enums.Comparator, description="指标值比较方式")
QualitativeGrade = strawberry.enum(enums.QualitativeGrade, description="定性指标等级")
BudgetStatus = strawberry.enum(enums.BudgetStatus, description="预算状态")
BudgetLineCategory = strawberry.enum(enums.BudgetLineCategory, description="收入 / 支出 / 结余")
BudgetItem = strawberry.enum(enums.BudgetItem, description="预算科目")
