"""目标比较法 applied to one pooling region × fund (state.ScopeData), pure: every indicator's figure and
light, every budget line's execution and light, the goal's run of red periods, and the three checks.

Evaluation (evaluation.py) assesses the period's month exactly; the dashboard (dashboard.py) the latest
month entered up to the one asked for (`latest`), and for a part of a pooling region (a prefecture of a fund
pooled at the province) only that part's entries (`only`): a part has no target or budget of its own, so
its amounts and counts are shown unlit (rates, levels and grades compare with the target as they stand).
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from src.models.enums import Aggregation, BudgetItem, label_zh
from src.models.monitoring import Light
from src.services.monitoring import checks
from src.services.monitoring.checks import ComplianceProblem
from src.services.monitoring.comparison import (
    Lit,
    Thresholds,
    consecutive_reds,
    execution_light,
    execution_rate,
    expected_progress,
    indicator_light,
    percent,
    period_months,
    worst_light,
)
from src.services.monitoring.rollup import Figure, pooling_amount, pooling_figure
from src.services.monitoring.state import Entry, IndicatorLine, ScopeData, ScopeKey
from src.services.rules.reads import RuleSet

Only = Callable[[int], bool] | None  # which entering regions count (None: all)


@dataclass(frozen=True)
class IndicatorAssessment:
    indicator: IndicatorLine
    month: int | None  # the month of the figure (None: nothing entered)
    figure: Figure | None
    expected: Decimal | None  # what the time elapsed leads one to expect (序时进度)
    lit: Lit


@dataclass(frozen=True)
class ExecutionAssessment:
    item: BudgetItem
    budget: Decimal | None
    month: int | None
    executed: Decimal | None
    rate: Decimal | None  # executed ÷ budget, %, shown
    lit: Lit  # rate against the time elapsed


@dataclass(frozen=True)
class ScopeAssessment:
    key: ScopeKey
    goal_id: int | None
    month: int
    indicators: tuple[IndicatorAssessment, ...]
    execution: tuple[ExecutionAssessment, ...]
    red_periods: int  # the goal red this many monitoring periods in a row, up to `month`
    adjustment_review: bool  # ADJUSTMENT_REVIEW_RED_PERIODS reached (Art. 14)
    timeliness: checks.Timeliness
    compliance: checks.Compliance
    effectiveness: checks.Effectiveness


def split(entries: Sequence[Entry], pooling_region_id: int, only: Only) -> tuple[Entry | None, list[Entry]]:
    """A pooling region's own entry and its parts' among `entries` (those `only` lets count)."""
    rows = [e for e in entries if only is None or only(e.region_id)]
    own = next((e for e in rows if e.region_id == pooling_region_id), None)
    return own, [e for e in rows if e.region_id != pooling_region_id]


def figure_at(data: ScopeData, line: IndicatorLine, month: int, only: Only = None) -> Figure | None:
    own, parts = split(data.actuals.get((line.lineage_id, month), []), data.key.region_id, only)
    return pooling_figure(
        own.figure if own else None, [p.figure for p in parts], line.aggregation, qualitative=line.qualitative
    )


def amount_at(data: ScopeData, item: BudgetItem, month: int, only: Only = None) -> Decimal | None:
    own, parts = split(data.executions.get((item, month), []), data.key.region_id, only)
    return pooling_amount(own.amount if own else None, [p.amount for p in parts])


def _month(present: set[int], month: int, latest: bool) -> int | None:
    if not latest:
        return month if month in present else None
    return max((m for m in present if m <= month), default=None)


def expected_of(line: IndicatorLine, month: int) -> Decimal | None:
    if line.qualitative or line.target_value is None:
        return None
    return expected_progress(line.target_value, month, line.aggregation, line.comparator)


def light_of(line: IndicatorLine, figure: Figure | None, month: int, thresholds: Thresholds) -> Lit:
    return indicator_light(
        kind=line.kind,
        comparator=line.comparator,
        aggregation=line.aggregation,
        target=line.target_value,
        actual=figure.value if figure else None,
        grade=figure.grade if figure else None,
        month=month,
        thresholds=thresholds,
    )


def _present(data: ScopeData, only: Only) -> tuple[dict[uuid.UUID, set[int]], dict[BudgetItem, set[int]]]:
    actuals: dict[uuid.UUID, set[int]] = {}
    for (lineage, month), entries in data.actuals.items():
        if any(only is None or only(e.region_id) for e in entries):
            actuals.setdefault(lineage, set()).add(month)
    executions: dict[BudgetItem, set[int]] = {}
    for (item, month), entries in data.executions.items():
        if any(only is None or only(e.region_id) for e in entries):
            executions.setdefault(item, set()).add(month)
    return actuals, executions


def assess_indicators(
    data: ScopeData, month: int, thresholds: Thresholds, *, latest: bool = False, only: Only = None
) -> list[IndicatorAssessment]:
    months, _ = _present(data, only)
    found = []
    for line in data.indicators:
        at = _month(months.get(line.lineage_id, set()), month, latest)
        figure = figure_at(data, line, at, only) if at is not None else None
        unlit = only is not None and line.aggregation == Aggregation.SUM and not line.qualitative
        lit = Lit(Light.NONE) if at is None or unlit else light_of(line, figure, at, thresholds)
        expected = expected_of(line, at or month) if not unlit else None
        found.append(IndicatorAssessment(line, at, figure, expected, lit))
    return found


def assess_execution(
    data: ScopeData, month: int, thresholds: Thresholds, *, latest: bool = False, only: Only = None
) -> list[ExecutionAssessment]:
    _, months = _present(data, only)
    found = []
    for item in BudgetItem:
        budget = data.budget.get(item)
        if budget is None and item not in months:
            continue
        at = _month(months.get(item, set()), month, latest)
        executed = amount_at(data, item, at, only) if at is not None else None
        if only is not None or budget is None or executed is None or at is None:
            found.append(ExecutionAssessment(item, budget, at, executed, None, Lit(Light.NONE)))
            continue
        rate = execution_rate(executed, budget)
        lit = execution_light(item=item, executed=executed, budget=budget, month=at, thresholds=thresholds)
        shown = percent(rate) if rate is not None else None
        found.append(ExecutionAssessment(item, budget, at, executed, shown, lit))
    return found


def red_run(data: ScopeData, month: int, rules: RuleSet) -> int:
    """How many monitoring periods in a row, up to `month`, the goal was red (its worst indicator)."""
    thresholds = Thresholds.of(rules)
    history = [
        worst_light(a.lit.light for a in assess_indicators(data, m, thresholds))
        for m in period_months(rules.monitoring_periods)
        if m <= month
    ]
    return consecutive_reds(history)


def _entered(entries: Sequence[Entry], only: Only) -> datetime | None:
    """When a figure was in: its last part's entry (None: nothing entered)."""
    return max((e.entered_at for e in entries if only is None or only(e.region_id)), default=None)


def timeliness_of(
    data: ScopeData, month: int, rules: RuleSet, today: date, only: Only = None
) -> checks.Timeliness:
    """及时性 of 1-`month`月: each indicator of the goal and each budget line entered by the due day."""
    due = checks.entry_due_on(data.year, month, int(rules.monitoring_entry_due_days))
    moments = [_entered(data.actuals.get((line.lineage_id, month), []), only) for line in data.indicators]
    moments += [_entered(data.executions.get((item, month), []), only) for item in data.budget]
    return checks.timeliness(moments, due, today)


def _indicator_problems(data: ScopeData, line: IndicatorLine, at: int, only: Only) -> list[ComplianceProblem]:
    own, parts = split(data.actuals.get((line.lineage_id, at), []), data.key.region_id, only)
    found: list[ComplianceProblem | None] = []
    if line.aggregation == Aggregation.RATE:
        found += [
            checks.rate_problem(line.level3, e.figure.value, e.figure.numerator, e.figure.denominator)
            for e in ([own] if own else []) + parts
        ]
    if own is None or not parts or line.qualitative:
        return [p for p in found if p is not None]
    whole, pieces = own.figure, [p.figure for p in parts]
    if line.aggregation == Aggregation.SUM:
        values = [f.value for f in pieces if f.value is not None]
        if whole.value is not None and len(values) == len(pieces):
            found.append(checks.parts_problem(line.level3, whole.value, values))
    elif line.aggregation == Aggregation.RATE and whole.has_parts and all(f.has_parts for f in pieces):
        assert whole.numerator is not None and whole.denominator is not None
        numerators = [f.numerator for f in pieces if f.numerator is not None]
        denominators = [f.denominator for f in pieces if f.denominator is not None]
        found.append(checks.parts_problem(f"{line.level3}（分子）", whole.numerator, numerators))
        found.append(checks.parts_problem(f"{line.level3}（分母）", whole.denominator, denominators))
    return [p for p in found if p is not None]


def compliance_of(
    data: ScopeData, month: int, *, latest: bool = False, only: Only = None
) -> checks.Compliance:
    """合规性 as of `month`: execution within the budget, entries consistent (checks.py)."""
    actual_months, execution_months = _present(data, only)
    problems: list[ComplianceProblem] = []
    executed: dict[BudgetItem, Decimal] = {}
    for item, present in execution_months.items():
        at = _month(present, month, latest)
        if at is None:
            continue
        own, parts = split(data.executions.get((item, at), []), data.key.region_id, only)
        amount = pooling_amount(own.amount if own else None, [p.amount for p in parts])
        if amount is not None:
            executed[item] = amount
        if own is not None and parts:
            problem = checks.parts_problem(label_zh(item), own.amount, [p.amount for p in parts])
            problems += [problem] if problem is not None else []
    # A part has no budget of its own: only the pooling region's execution is held against it.
    problems[:0] = checks.budget_problems(executed, data.budget if only is None else {})
    for line in data.indicators:
        at = _month(actual_months.get(line.lineage_id, set()), month, latest)
        if at is not None:
            problems += _indicator_problems(data, line, at, only)
    return checks.Compliance(tuple(problems))


def assess(
    data: ScopeData, *, rules: RuleSet, month: int, today: date, latest: bool = False, only: Only = None
) -> ScopeAssessment:
    """The whole comparison of one scope as of `month` (see the module's description)."""
    thresholds = Thresholds.of(rules)
    indicators = assess_indicators(data, month, thresholds, latest=latest, only=only)
    run = red_run(data, month, rules) if only is None else 0
    return ScopeAssessment(
        key=data.key,
        goal_id=data.goal.id if data.goal is not None else None,
        month=month,
        indicators=tuple(indicators),
        execution=tuple(assess_execution(data, month, thresholds, latest=latest, only=only)),
        red_periods=run,
        adjustment_review=run >= thresholds.adjustment_review_red_periods,
        timeliness=timeliness_of(data, month, rules, today, only),
        compliance=compliance_of(data, month, latest=latest, only=only),
        effectiveness=checks.effectiveness(a.lit.light for a in indicators),
    )
