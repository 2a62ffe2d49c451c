"""Art. 9: what a goal's indicators must cover before it is submitted — 「采取定量与定性相结合的方式设定，涵盖
决策、过程、产出、效益等方面」 — under the region's rule (Art. 23), the text by default."""

from decimal import Decimal

import pytest

from src.models import Indicator
from src.models.enums import Comparator, IndicatorCategory, IndicatorKind, QualitativeGrade
from src.services.errors import ErrorCode, FieldProblem
from src.services.goals.validation import coverage_problems, submission_problems
from src.services.rules import IndicatorCoverage

C, K = IndicatorCategory, IndicatorKind
CATEGORIES_MISSING = "（第九条：绩效指标应涵盖决策、过程、产出、效益等方面）"
KIND_MISSING = "（第九条：绩效指标采取定量与定性相结合的方式设定）"


def indicator(position: int, category: IndicatorCategory, kind: IndicatorKind) -> Indicator:
    qualitative = kind == IndicatorKind.QUALITATIVE
    return Indicator(
        goal_id=1,
        level1=category,
        level2="二级",
        level3=f"指标{position}",
        kind=kind,
        comparator=Comparator.GRADE if qualitative else Comparator.GE,
        unit="" if qualitative else "%",
        target_value=None if qualitative else Decimal(95),
        target_grade=QualitativeGrade.ACHIEVED if qualitative else None,
        weight=Decimal(25),
    )


def goal(*parts: tuple[IndicatorCategory, IndicatorKind]) -> list[Indicator]:
    return [indicator(n, category, kind) for n, (category, kind) in enumerate(parts)]


def required(message: str) -> FieldProblem:
    return FieldProblem("indicators", message, ErrorCode.REQUIRED)


QUANTITATIVE_EVERYWHERE = [(c, K.QUANTITATIVE) for c in C]
COMPLETE = [(C.DECISION, K.QUALITATIVE), *QUANTITATIVE_EVERYWHERE[1:]]
NO_OUTPUT_NOR_QUANTITATIVE = [(c, K.QUALITATIVE) for c in (C.DECISION, C.PROCESS, C.BENEFIT)]


@pytest.mark.parametrize(
    ("indicators", "expected"),
    [
        (
            goal(*[(C.OUTPUT, K.QUANTITATIVE)] * 4),
            [
                required(f"缺少决策、过程、效益类指标{CATEGORIES_MISSING}"),
                required(f"缺少定性指标{KIND_MISSING}"),
            ],
        ),
        (goal(*QUANTITATIVE_EVERYWHERE), [required(f"缺少定性指标{KIND_MISSING}")]),
        (
            goal(*NO_OUTPUT_NOR_QUANTITATIVE),
            [required(f"缺少产出类指标{CATEGORIES_MISSING}"), required(f"缺少定量指标{KIND_MISSING}")],
        ),
        (goal(*COMPLETE), []),
    ],
    ids=["four-output-indicators", "no-qualitative", "no-output-no-quantitative", "complete"],
)
def test_art9_submission_needs_every_category_and_both_kinds(
    indicators: list[Indicator], expected: list[FieldProblem]
) -> None:
    assert coverage_problems(indicators, IndicatorCoverage.ALL_CATEGORIES_BOTH_KINDS) == expected
    problems = submission_problems(
        indicators,
        weight_total=sum((i.weight for i in indicators), Decimal(0)),
        coverage=IndicatorCoverage.ALL_CATEGORIES_BOTH_KINDS,
    )
    assert problems == expected  # nothing else is wrong with these goals


def test_art23_a_region_may_read_the_categories_as_examples_but_not_the_kinds() -> None:
    output_only = goal((C.OUTPUT, K.QUANTITATIVE), (C.OUTPUT, K.QUALITATIVE))
    assert coverage_problems(output_only, IndicatorCoverage.BOTH_KINDS) == []
    quantitative = goal((C.OUTPUT, K.QUANTITATIVE), (C.BENEFIT, K.QUANTITATIVE))
    assert coverage_problems(quantitative, IndicatorCoverage.BOTH_KINDS) == [
        required(f"缺少定性指标{KIND_MISSING}")
    ]


def test_art9_no_indicator_is_one_problem() -> None:
    assert submission_problems(
        [], weight_total=Decimal(100), coverage=IndicatorCoverage.ALL_CATEGORIES_BOTH_KINDS
    ) == [FieldProblem("indicators", "目标至少须有一个绩效指标", ErrorCode.REQUIRED)]
