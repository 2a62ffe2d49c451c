"""A self-evaluation form's scores, from scoring.py: each line's score, whether it met its target and
whether it deviates far from it (Art. 18); the budget execution block's; the total and its grade.

The total is out of 100: the execution block's points (EXECUTION_POINTS, 10 by default) and the indicators'
scores brought to the rest (「按百分制折算」: the indicators' weights total INDICATOR_WEIGHT_TOTAL, 100 by
default, and count for 90 of the 100 beside the budget's 10, as on the Sichuan form, FORMS §2B).
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from src.models.evaluation import SelfEvaluation, SelfEvaluationLine
from src.services.errors import ErrorCode, FieldProblem
from src.services.evaluation.scoring import (
    IndicatorFacts,
    ScoreOutOfBand,
    ScoringRules,
    grade_of,
    score_execution,
    score_indicator,
)

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def facts_of(line: SelfEvaluationLine) -> IndicatorFacts:
    return IndicatorFacts(
        kind=line.kind,
        comparator=line.comparator,
        weight=line.weight,
        target_value=line.target_value,
        actual_value=line.actual_value,
        target_grade=line.target_grade,
        actual_grade=line.actual_grade,
        chosen_score=line.chosen_score,
    )


def execution_budget(evaluation: SelfEvaluation) -> Decimal | None:
    """What the execution rate is measured against: 调整后预算数, else 年初预算."""
    return evaluation.adjusted_budget if evaluation.adjusted_budget is not None else evaluation.initial_budget


def rescore(
    evaluation: SelfEvaluation, lines: Sequence[SelfEvaluationLine], rules: ScoringRules
) -> list[FieldProblem]:
    """Scores every line, the block and the total in place; the problems of qualitative scores chosen
    outside their grade's band (`input.lines.<i>.chosenScore`), with nothing scored when there are any."""
    problems: list[FieldProblem] = []
    scored = []
    for index, line in enumerate(lines):
        try:
            scored.append(score_indicator(facts=facts_of(line), rules=rules))
        except ScoreOutOfBand as out:
            problems.append(
                FieldProblem(
                    f"input.lines.{index}.chosenScore",
                    f"{line.level3}：得分须在 {out.low} 至 {out.high} 之间（定性指标按完成档次计分）",
                    ErrorCode.OUT_OF_RANGE,
                )
            )
    if problems:
        return problems
    for line, score in zip(lines, scored, strict=True):
        line.score, line.met, line.deviates = score.score, score.met, score.deviates
    budget = execution_budget(evaluation)
    execution_points = Decimal(0)
    evaluation.execution_rate = evaluation.execution_score = None
    if budget is not None and evaluation.executed is not None:
        execution = score_execution(budget=budget, executed=evaluation.executed, rules=rules)
        evaluation.execution_rate, evaluation.execution_score = execution.rate, execution.score
        execution_points = execution.score
    weights = sum((line.weight for line in lines), Decimal(0))
    indicator_points = sum((s.score for s in scored), Decimal(0))
    share = HUNDRED - rules.execution_points
    indicators = indicator_points * share / weights if weights else Decimal(0)
    total = (indicators + execution_points).quantize(CENT, rounding=ROUND_HALF_UP)
    evaluation.total_score = total
    evaluation.grade = grade_of(total=total, rules=rules).value
    return []


def execution_reason_required(evaluation: SelfEvaluation, rules: ScoringRules) -> bool:
    """原因 of the budget block: required where the execution rate is below EXECUTION_REASON_BELOW."""
    budget = execution_budget(evaluation)
    if budget is None or evaluation.executed is None:
        return False
    return score_execution(budget=budget, executed=evaluation.executed, rules=rules).reason_required
