"""Scoring a qualitative indicator (FORMS §6C, DOMAIN §10): 达成 from QUALITATIVE_ACHIEVED_FROM percent of the
weight to all of it, 部分达成 from QUALITATIVE_PARTLY_FROM percent up to 达成's start, 未达成 below that; the
evaluator chooses the score within the band of the grade reached.

A band is given in cents with both ends inclusive, as a form shows it: with a weight of 10 and the province's
80 / 60, 达成 is 8.00–10.00, 部分达成 6.00–7.99, 未达成 0.00–5.99 (「100-80%（含）、80-60%（含）、60-0%」). A
lower edge that falls between cents is rounded up, so a band never reaches into the one below it."""

from decimal import ROUND_CEILING, Decimal

from src.models.enums import QualitativeGrade

CENT = Decimal("0.01")
ZERO, HUNDRED = Decimal(0), Decimal(100)
GRADE_RANK = {
    QualitativeGrade.NOT_ACHIEVED: 0,
    QualitativeGrade.PARTLY_ACHIEVED: 1,
    QualitativeGrade.ACHIEVED: 2,
}


def lower_edge(weight: Decimal, percent: Decimal) -> Decimal:
    """`percent` of `weight`, rounded up to the cent."""
    return (weight * percent / HUNDRED).quantize(CENT, rounding=ROUND_CEILING)


def band(
    *, grade: QualitativeGrade, weight: Decimal, achieved_from: Decimal, partly_from: Decimal
) -> tuple[Decimal, Decimal]:
    """The lowest and the highest score (cents, inclusive) of `grade` for an indicator of `weight`."""
    achieved, partly = lower_edge(weight, achieved_from), lower_edge(weight, partly_from)
    match grade:
        case QualitativeGrade.ACHIEVED:
            return achieved, weight.quantize(CENT)
        case QualitativeGrade.PARTLY_ACHIEVED:
            return partly, achieved - CENT
        case QualitativeGrade.NOT_ACHIEVED:
            return ZERO.quantize(CENT), partly - CENT


def reached(*, target: QualitativeGrade, actual: QualitativeGrade) -> bool:
    """Whether the grade reached meets the target grade."""
    return GRADE_RANK[actual] >= GRADE_RANK[target]
