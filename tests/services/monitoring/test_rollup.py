"""Roll-up (Art. 12, 6): amounts add, rates are recomputed from the summed numerators and denominators —
never averaged — and a pooling region's figure is its parts' where they entered."""

from decimal import Decimal

import pytest

from src.models.enums import Aggregation, QualitativeGrade
from src.services.monitoring.rollup import Figure, pooling_amount, pooling_figure, sum_figures

D = Decimal
SUM, RATE, NONE = Aggregation.SUM, Aggregation.RATE, Aggregation.NONE


def test_art12_amounts_add_up() -> None:
    figures = [Figure(D(100)), Figure(D("200.5")), Figure(D(0))]
    assert sum_figures(figures, SUM, qualitative=False) == Figure(D("300.5"))
    assert sum_figures([Figure(D(1)), Figure()], SUM, qualitative=False) is None  # a part without a value


def test_art12_rates_are_recomputed_from_summed_parts_never_averaged() -> None:
    # 成都: 9 of 10 paid on time (90%); 自贡: 500 of 1,000 (50%).
    parts = [Figure(D(90), D(9), D(10)), Figure(D(50), D(500), D(1000))]
    rolled = sum_figures(parts, RATE, qualitative=False)
    assert rolled is not None and (rolled.numerator, rolled.denominator) == (D(509), D(1010))
    assert rolled.value is not None and round(rolled.value, 2) == D("50.40")
    average = sum((p.value for p in parts if p.value is not None), D(0)) / len(parts)
    assert average == D(70)  # what averaging would say: wrong by almost 20 points
    assert round(rolled.value, 2) != average


def test_art12_a_rate_without_its_parts_cannot_be_rolled_up() -> None:
    parts = [Figure(D(90), D(9), D(10)), Figure(D(50))]
    assert sum_figures(parts, RATE, qualitative=False) is None
    # One region's rate stands on its own, recomputed from its parts where it has them.
    assert sum_figures([Figure(D(1), D(1), D(4))], RATE, qualitative=False) == Figure(D(25), D(1), D(4))
    assert sum_figures([Figure(D(50))], RATE, qualitative=False) == Figure(D(50))


def test_art12_levels_do_not_add_and_grades_take_the_worst() -> None:
    assert sum_figures([Figure(D(12)), Figure(D(14))], NONE, qualitative=False) is None
    grades = [Figure(grade=QualitativeGrade.ACHIEVED), Figure(grade=QualitativeGrade.PARTLY_ACHIEVED)]
    assert sum_figures(grades, NONE, qualitative=True) == Figure(grade=QualitativeGrade.PARTLY_ACHIEVED)


@pytest.mark.parametrize(
    ("aggregation", "own", "parts", "figure"),
    [
        (SUM, Figure(D(999)), [Figure(D(100)), Figure(D(200))], Figure(D(300))),  # the whole is their sum
        (SUM, Figure(D(999)), [], Figure(D(999))),  # nobody entered a part: the pooling region's own
        (RATE, Figure(D(80), D(8), D(10)), [Figure(D(50), D(1), D(2))], Figure(D(50), D(1), D(2))),
        (NONE, Figure(D(12)), [Figure(D(14))], Figure(D(12))),  # a level: the pooling region's own
        (NONE, None, [Figure(D(14))], Figure(D(14))),
        (SUM, None, [], None),
    ],
)
def test_art6_a_pooling_regions_figure_is_its_parts_where_they_entered(
    aggregation: Aggregation, own: Figure | None, parts: list[Figure], figure: Figure | None
) -> None:
    assert pooling_figure(own, parts, aggregation, qualitative=False) == figure


def test_art6_execution_amounts_of_parts() -> None:
    assert pooling_amount(D(5), [D(1), D(2)]) == D(3)
    assert pooling_amount(D(5), []) == D(5)
    assert pooling_amount(None, []) is None
