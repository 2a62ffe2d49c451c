"""Whether an indicator, and a goal's set of indicators, is complete and consistent (Art. 8, 9, 18)."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from src.models import Indicator
from src.models.enums import Comparator, IndicatorKind
from src.services.errors import ErrorCode, FieldProblem

WEIGHT_TOTAL = Decimal("100")
QUANTITATIVE_COMPARATORS = frozenset({Comparator.GE, Comparator.LE, Comparator.EQ})


def indicator_problems(values: Mapping[str, Any], prefix: str = "input") -> list[FieldProblem]:
    """Checks one indicator's own fields: comparator and target consistent, unit present, weight in range."""
    problems: list[FieldProblem] = []

    def problem(name: str, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        problems.append(FieldProblem(f"{prefix}.{name}", message, code))

    for name, label in (("level2", "二级指标"), ("level3", "三级指标")):
        if not str(values.get(name) or "").strip():
            problem(name, f"{label}名称不能为空", ErrorCode.REQUIRED)
    kind, comparator = values.get("kind"), values.get("comparator")
    if kind == IndicatorKind.QUANTITATIVE:
        if comparator not in QUANTITATIVE_COMPARATORS:
            problem("comparator", "定量指标的指标性质应为 ≥、≤ 或 =")
        if values.get("target_value") is None:
            problem("targetValue", "定量指标须填写数值型指标值", ErrorCode.REQUIRED)
        if values.get("target_grade") is not None:
            problem("targetGrade", "定量指标不填写定性等级")
        if not str(values.get("unit") or "").strip():
            problem("unit", "定量指标须填写度量单位", ErrorCode.REQUIRED)
    elif kind == IndicatorKind.QUALITATIVE:
        if comparator != Comparator.GRADE:
            problem("comparator", "定性指标的指标性质应为“定性”")
        if values.get("target_grade") is None:
            problem("targetGrade", "定性指标须填写目标等级（达成 / 部分达成 / 未达成）", ErrorCode.REQUIRED)
        if values.get("target_value") is not None:
            problem("targetValue", "定性指标不填写数值型指标值")
    weight = values.get("weight")
    if weight is None:
        problem("weight", "须填写权重", ErrorCode.REQUIRED)
    elif not Decimal(0) < weight <= WEIGHT_TOTAL or weight != weight.quantize(Decimal("0.01")):
        problem("weight", "权重应大于 0、不超过 100，最多两位小数", ErrorCode.OUT_OF_RANGE)
    return problems


def duplicate_name(
    siblings: Sequence[Indicator], level3: str, own_id: int | None, prefix: str
) -> list[FieldProblem]:
    name = level3.strip()
    if any(s.level3.strip() == name and s.id != own_id for s in siblings):
        return [FieldProblem(f"{prefix}.level3", f"本目标已有三级指标“{name}”", ErrorCode.DUPLICATE)]
    return []


def submission_problems(indicators: Sequence[Indicator]) -> list[FieldProblem]:
    """Everything that must hold before a goal leaves its drafter (Art. 18: weights reasonable, complete)."""
    if not indicators:
        return [FieldProblem("indicators", "目标至少须有一个绩效指标", ErrorCode.REQUIRED)]
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for position, indicator in enumerate(indicators):
        prefix = f"indicators.{position}"
        problems += indicator_problems(indicator.model_dump(), prefix)
        if indicator.level3.strip() in seen:
            problems.append(
                FieldProblem(f"{prefix}.level3", f"三级指标“{indicator.level3}”重复", ErrorCode.DUPLICATE)
            )
        seen.add(indicator.level3.strip())
    total = sum((i.weight for i in indicators), Decimal(0))
    if total != WEIGHT_TOTAL:
        problems.append(
            FieldProblem(
                "indicators", f"指标权重合计应为 100，当前为 {total.normalize():f}", ErrorCode.INVALID
            )
        )
    return problems
