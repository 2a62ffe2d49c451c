"""After the year (Art. 15–18): the pooling regions' self-evaluations, and their scoring from the region's
rules (scoring.py)."""

from src.services.evaluation.scoring import (
    ExecutionScore,
    Grade,
    IndicatorFacts,
    IndicatorScore,
    ScoreOutOfBand,
    ScoringRules,
    grade_of,
    qualitative_band,
    score_execution,
    score_indicator,
    scoring_rules,
)
from src.services.evaluation.weights import goal_weights, scaled_weights

__all__ = [
    "ExecutionScore",
    "Grade",
    "IndicatorFacts",
    "IndicatorScore",
    "ScoreOutOfBand",
    "ScoringRules",
    "goal_weights",
    "grade_of",
    "qualitative_band",
    "scaled_weights",
    "score_execution",
    "score_indicator",
    "scoring_rules",
]
