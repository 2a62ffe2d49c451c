"""Whether an indicator, and a goal's set of indicators, is complete and consistent (Art. 8, 9, 18)."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from src.models import Indicator
from src.models.enums import (
    Aggregation,
    Comparator,
    IndicatorCategory,
    IndicatorKind,
    QualitativeGrade,
    label_zh,
)
from src.services.errors import ErrorCode, FieldProblem
from src.services.goals.units import target_value_problem
from src.services.rules.registry import IndicatorCoverage

QUANTITATIVE_COMPARATORS = frozenset({Comparator.GE, Comparator.LE, Comparator.EQ})


def indicator_problems(
    values: Mapping[str, Any], prefix: str = "input", weight_total: Decimal = Decimal(100)
) -> list[FieldProblem]:
    """Checks one indicator's own fields: comparator and target consistent, unit present, the target not
    negative unless its unit and comparator allow it (units.py), weight in range (above 0, at most the
    region's weight total, Art. 23)."""
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
        negative = target_value_problem(
            field=f"{prefix}.targetValue",
            unit=values.get("unit"),
            comparator=comparator,
            target=values.get("target_value"),
        )
        if negative is not None:
            problems.append(negative)
    elif kind == IndicatorKind.QUALITATIVE:
        if comparator != Comparator.GRADE:
            problem("comparator", "定性指标的指标性质应为“定性”")
        if values.get("target_grade") is None:
            problem("targetGrade", "定性指标须填写目标等级（达成 / 部分达成 / 未达成）", ErrorCode.REQUIRED)
        if values.get("target_value") is not None:
            problem("targetValue", "定性指标不填写数值型指标值")
    if kind == IndicatorKind.QUALITATIVE and values.get("aggregation") not in (None, Aggregation.NONE):
        problem("aggregation", "定性指标不分解（分解方式应为 NONE）")
    weight = values.get("weight")
    if weight is None:
        problem("weight", "须填写权重", ErrorCode.REQUIRED)
    elif not Decimal(0) < weight <= weight_total or weight != weight.quantize(Decimal("0.01")):
        problem(
            "weight",
            f"权重应大于 0、不超过 {weight_total.normalize():f}，最多两位小数",
            ErrorCode.OUT_OF_RANGE,
        )
    return problems


GRADE_RANK = {
    QualitativeGrade.NOT_ACHIEVED: 0,
    QualitativeGrade.PARTLY_ACHIEVED: 1,
    QualitativeGrade.ACHIEVED: 2,
}
# What a pooling region may change on an indicator it inherited from the province-wide goal (Art. 6).
INHERITED_CHANGEABLE = frozenset({"target_value", "target_grade", "weight"})


def stricter_problems(inherited: Indicator, values: Mapping[str, Any], prefix: str) -> list[FieldProblem]:
    """An inherited indicator's target may only become stricter than the one the region was given."""
    problems = [
        FieldProblem(f"{prefix}.{api_name(name)}", "由全省目标分解下达的指标不能修改此项", ErrorCode.LOCKED)
        for name, value in values.items()
        if name not in INHERITED_CHANGEABLE and value != getattr(inherited, name)
    ]
    assigned, target = inherited.assigned_target_value, values.get("target_value", inherited.target_value)
    comparator = inherited.comparator
    if inherited.kind == IndicatorKind.QUANTITATIVE and assigned is not None:
        looser = (
            target is None
            or (comparator == Comparator.GE and target < assigned)
            or (comparator == Comparator.LE and target > assigned)
            or (comparator == Comparator.EQ and target != assigned)
        )
        if looser:
            problems.append(
                FieldProblem(
                    f"{prefix}.targetValue",
                    f"分解下达的指标值为 {assigned.normalize():f}，只能调严，不能放宽",
                    ErrorCode.LOCKED,
                )
            )
    grade = values.get("target_grade", inherited.target_grade)
    given = inherited.assigned_target_grade
    lower = grade is None or (given is not None and GRADE_RANK[grade] < GRADE_RANK[given])
    if inherited.kind == IndicatorKind.QUALITATIVE and given is not None and lower:
        problems.append(
            FieldProblem(f"{prefix}.targetGrade", "分解下达的定性目标等级不能降低", ErrorCode.LOCKED)
        )
    return problems


def api_name(name: str) -> str:
    """A field's name as the API spells it (target_value → targetValue)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def duplicate_name(
    siblings: Sequence[Indicator], level3: str, own_id: int | None, prefix: str
) -> list[FieldProblem]:
    """A problem if another of `siblings` has the level-3 name; `own_id` is the indicator's own id when it is
    edited, None for a new one (then every sibling counts, those not yet stored too: their id is None)."""
    name = level3.strip()
    if any(s.level3.strip() == name and (own_id is None or s.id != own_id) for s in siblings):
        return [FieldProblem(f"{prefix}.level3", f"本目标已有三级指标“{name}”", ErrorCode.DUPLICATE)]
    return []


def coverage_problems(indicators: Sequence[Indicator], coverage: IndicatorCoverage) -> list[FieldProblem]:
    """Art. 9: indicators are set 「采取定量与定性相结合的方式」, 「涵盖决策、过程、产出、效益等方面」. Both
    kinds always; every level-1 category unless the region's rule (Art. 23) reads the list as examples."""
    problems: list[FieldProblem] = []
    if coverage == IndicatorCoverage.ALL_CATEGORIES_BOTH_KINDS:
        present = {i.level1 for i in indicators}
        missing = "、".join(label_zh(c) for c in IndicatorCategory if c not in present)
        if missing:
            why = "第九条：绩效指标应涵盖决策、过程、产出、效益等方面"
            problems.append(FieldProblem("indicators", f"缺少{missing}类指标（{why}）", ErrorCode.REQUIRED))
    kinds = {i.kind for i in indicators}
    why = "第九条：绩效指标采取定量与定性相结合的方式设定"
    problems += [
        FieldProblem("indicators", f"缺少{label_zh(kind)}指标（{why}）", ErrorCode.REQUIRED)
        for kind in IndicatorKind
        if kind not in kinds
    ]
    return problems


def level1_problems(
    indicators: Sequence[Indicator], level1_weights: Mapping[IndicatorCategory, Decimal]
) -> list[FieldProblem]:
    """With fixed level-1 weights (Art. 23, LEVEL1_WEIGHTS), each category's indicators weigh its points."""
    problems: list[FieldProblem] = []
    for category, points in level1_weights.items():
        total = sum((i.weight for i in indicators if i.level1 == category), Decimal(0))
        if total != points:
            shown = f"应为 {points.normalize():f}，当前为 {total.normalize():f}"
            message = f"{label_zh(category)}类指标权重合计{shown}（实施细则规定的一级指标权重）"
            problems.append(FieldProblem("indicators", message, ErrorCode.INVALID))
    return problems


def submission_problems(
    indicators: Sequence[Indicator],
    *,
    weight_total: Decimal,
    coverage: IndicatorCoverage,
    level1_weights: Mapping[IndicatorCategory, Decimal] | None = None,
) -> list[FieldProblem]:
    """Everything that must hold before a goal leaves its drafter (Art. 18: weights reasonable, complete):
    the weights add up to the region's total (Art. 23, province default 90: the Sichuan form's 90 points
    beside the 10 of budget execution), each level-1 category's to its points where the region fixes them,
    and the indicators cover what Art. 9 asks (the region's rule, by default every category and both
    kinds)."""
    if not indicators:
        return [FieldProblem("indicators", "目标至少须有一个绩效指标", ErrorCode.REQUIRED)]
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for position, indicator in enumerate(indicators):
        prefix = f"indicators.{position}"
        problems += indicator_problems(indicator.model_dump(), prefix, weight_total)
        if indicator.level3.strip() in seen:
            problems.append(
                FieldProblem(f"{prefix}.level3", f"三级指标“{indicator.level3}”重复", ErrorCode.DUPLICATE)
            )
        seen.add(indicator.level3.strip())
    total = sum((i.weight for i in indicators), Decimal(0))
    if total != weight_total:
        problems.append(
            FieldProblem(
                "indicators",
                f"指标权重合计应为 {weight_total.normalize():f}，当前为 {total.normalize():f}",
                ErrorCode.INVALID,
            )
        )
    if level1_weights is not None:
        problems += level1_problems(indicators, level1_weights)
    return problems + coverage_problems(indicators, coverage)
