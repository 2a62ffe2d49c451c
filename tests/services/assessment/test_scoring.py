"""From facts to scores (Art. 22 考核): shares, the weighted total with not-applicable facts' weights
redistributed, the bands (表扬, 工作推进不力) and ranks shared by ties. Pure, table-driven."""

from decimal import Decimal

import pytest

from src.models.assessment import AssessmentOutcome
from src.services.assessment.scoring import Weights, outcome_of, ranks, share, total_of

D = Decimal
DEFAULT = Weights(D(40), D(30), D(15), D(15), D(90), D(60))


@pytest.mark.parametrize(
    ("part", "whole", "score"),
    [(18, 20, D("90.00")), (0, 5, D("0.00")), (2, 3, D("66.67")), (7, 7, D("100.00")), (0, 0, None)],
)
def test_art22_a_fact_is_a_share_out_of_100_and_nothing_to_count_is_not_applicable(
    part: int, whole: int, score: Decimal | None
) -> None:
    assert share(part, whole) == score


@pytest.mark.parametrize(
    ("scores", "total"),
    [
        ((D(100), D(100), D(100), D(100)), D("100.00")),
        ((D(90), D(80), D(70), D(60)), D("79.50")),  # 36 + 24 + 10.5 + 9
        # No rectification items (the source absent): its 15 go to the other three in proportion.
        ((D(90), D(80), None, D(60)), D("81.18")),  # 6900 ÷ 85
        ((None, None, None, None), D("100.00")),  # nothing was owed, nothing missed
        ((D(0), None, None, None), D("0.00")),
    ],
)
def test_art22_the_total_is_the_weighted_mean_of_the_applicable_facts(
    scores: tuple[Decimal | None, ...], total: Decimal
) -> None:
    weights = (DEFAULT.deadlines, DEFAULT.self_evaluation, DEFAULT.rectification, DEFAULT.warnings)
    assert total_of(list(zip(weights, scores, strict=True))) == total


@pytest.mark.parametrize(
    ("total", "outcome"),
    [
        (D("90.00"), AssessmentOutcome.COMMENDED),  # 「成效明显的给予表扬」: from the band
        (D("89.99"), AssessmentOutcome.NORMAL),
        (D("60.00"), AssessmentOutcome.NORMAL),
        (D("59.99"), AssessmentOutcome.WEAK),  # 「工作推进不力」: below it
    ],
)
def test_art22_the_bands_commend_and_name_the_weak(total: Decimal, outcome: AssessmentOutcome) -> None:
    assert outcome_of(total, DEFAULT) == outcome


def test_art22_ties_share_a_rank_and_the_next_skips() -> None:
    assert ranks([D(80), D(95), D(80), D(70), D(95)]) == [3, 1, 3, 5, 1]
    assert ranks([]) == []


def test_art22_weights_must_make_100_and_the_bands_must_not_cross() -> None:
    assert DEFAULT.problems() == []
    wrong = Weights(D(40), D(30), D(15), D(20), D(50), D(60))
    assert wrong.problems() == [
        "考核四项权重之和须为100，现为105",
        "“工作推进不力”线（60）不得高于表扬线（50）",
    ]
