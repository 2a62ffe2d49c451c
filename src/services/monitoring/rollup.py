"""Roll-up (Art. 12, 6): figures entered in parts add up to the whole, county → prefecture → province.

Amounts and counts (SUM) add. A rate (RATE) is never averaged: its numerators and its denominators add, and
the rate is recomputed from the two sums (the mean of 90% over 10 people and 50% over 1,000 is 70%; the
rate of the 1,010 people is 50.4%). A level (NONE: months of expenditure covered, a per-region standard) does
not add up: the pooling region's own figure stands. A qualitative grade of several parts is the worst of
them: one part 未达成 means the whole is not achieved.

Which entries make a pooling region's figure: its parts' where any part entered
(「各市（州）相关部门具体承担」, the whole is their sum), else its own; a level or grade: its own where
entered, else its parts'.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from src.models.enums import Aggregation, QualitativeGrade
from src.services.monitoring.comparison import rate_value

GRADE_ORDER = {
    QualitativeGrade.ACHIEVED: 0,
    QualitativeGrade.PARTLY_ACHIEVED: 1,
    QualitativeGrade.NOT_ACHIEVED: 2,
}


@dataclass(frozen=True)
class Figure:
    """One indicator's figure to the end of a month: a value, a rate's parts, or a grade."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    grade: QualitativeGrade | None = None

    @property
    def has_parts(self) -> bool:
        return self.numerator is not None and self.denominator is not None

    def rated(self) -> "Figure":
        """A rate's value recomputed from its numerator and denominator where it has them."""
        if not self.has_parts:
            return self
        assert self.numerator is not None and self.denominator is not None
        value = rate_value(self.numerator, self.denominator)
        return Figure(value, self.numerator, self.denominator, self.grade)


def worst_grade(grades: Iterable[QualitativeGrade]) -> QualitativeGrade | None:
    return max(grades, key=GRADE_ORDER.__getitem__, default=None)


def sum_figures(figures: Sequence[Figure], aggregation: Aggregation, *, qualitative: bool) -> Figure | None:
    """Several regions' figures of one indicator as one; None where they cannot be combined (a level of
    several regions, a rate some part entered without its numerator and denominator)."""
    if not figures:
        return None
    if qualitative:
        return Figure(grade=worst_grade(f.grade for f in figures if f.grade is not None))
    if len(figures) == 1:
        return figures[0].rated() if aggregation == Aggregation.RATE else figures[0]
    if aggregation == Aggregation.SUM:
        values = [f.value for f in figures]
        if any(v is None for v in values):
            return None
        return Figure(value=sum((v for v in values if v is not None), Decimal(0)))
    if aggregation == Aggregation.RATE:
        if not all(f.has_parts for f in figures):
            return None
        numerator = sum((f.numerator for f in figures if f.numerator is not None), Decimal(0))
        denominator = sum((f.denominator for f in figures if f.denominator is not None), Decimal(0))
        return Figure(numerator=numerator, denominator=denominator).rated()
    return None


def pooling_figure(
    own: Figure | None, parts: Sequence[Figure], aggregation: Aggregation, *, qualitative: bool
) -> Figure | None:
    """A pooling region's figure from its own entry and its parts' (see the module's description)."""
    adds_up = not qualitative and aggregation in (Aggregation.SUM, Aggregation.RATE)
    if adds_up and parts:
        return sum_figures(parts, aggregation, qualitative=qualitative)
    if own is not None:
        return own.rated() if aggregation == Aggregation.RATE else own
    return sum_figures(parts, aggregation, qualitative=qualitative)


def pooling_amount(own: Decimal | None, parts: Sequence[Decimal]) -> Decimal | None:
    """A budget line's execution in a pooling region: its parts' sum where any part entered, else its own."""
    if parts:
        return sum(parts, Decimal(0))
    return own
