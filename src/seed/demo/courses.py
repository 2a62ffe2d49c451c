"""How a demo figure runs through the year: a course drawn once per thing monitored and year, then its
progress month by month, and exact splits of a whole among the parts that enter it.

Progress is in percent of what the time elapsed leads one to expect (目标比较法, Art. 13): 100 is on track.
The courses are chosen so that at a period's end most things are green, some yellow, a few red and a few
blue (over-run), with the usual stories: behind early and catching up, slipping late, behind all year.
"""

import random
from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from src.models.enums import QualitativeGrade


class Course(StrEnum):
    ON_TRACK = "ON_TRACK"
    RECOVERING = "RECOVERING"  # behind in the first months, on track by the year's end
    SLIPPING = "SLIPPING"  # on track early, behind late
    BEHIND = "BEHIND"  # somewhat behind all year (yellow)
    FAR_BEHIND = "FAR_BEHIND"  # far behind all year (red)
    OVER_RUN = "OVER_RUN"  # well ahead of the time all year (blue)


# Progress in January and in December (percent of expected), drawn uniformly in these ranges.
COURSE_RANGES: dict[Course, tuple[tuple[float, float], tuple[float, float]]] = {
    Course.ON_TRACK: ((87.0, 112.0), (92.0, 108.0)),
    Course.RECOVERING: ((42.0, 72.0), (90.0, 104.0)),
    Course.SLIPPING: ((90.0, 102.0), (58.0, 76.0)),
    Course.BEHIND: ((63.0, 77.0), (64.0, 78.0)),
    Course.FAR_BEHIND: ((38.0, 56.0), (40.0, 57.0)),
    Course.OVER_RUN: ((123.0, 142.0), (124.0, 140.0)),
}
# Indicators measured against their expected progress.
INDICATOR_COURSES: dict[Course, float] = {
    Course.ON_TRACK: 0.5,
    Course.RECOVERING: 0.1,
    Course.SLIPPING: 0.08,
    Course.BEHIND: 0.1,
    Course.FAR_BEHIND: 0.05,
    Course.OVER_RUN: 0.17,
}
# Rates that cannot run over 100% (a payment rate, 到位率): never blue.
CAPPED_COURSES: dict[Course, float] = {c: w for c, w in INDICATOR_COURSES.items() if c != Course.OVER_RUN}
STEADY_RANGE = ((97.5, 100.5), (98.5, 100.5))  # rates that in practice stay at their target
NOISE = 2.0  # month-to-month wobble, percentage points


def draw_course(rng: random.Random, weights: Mapping[Course, float]) -> Course:
    [course] = rng.choices(list(weights), list(weights.values()))
    return course


def progress(
    rng: random.Random,
    course: Course,
    months: Sequence[int],
    ranges: tuple[tuple[float, float], tuple[float, float]] | None = None,
    noise: float = NOISE,
) -> list[float]:
    """Progress at the end of each month: from the January draw to the December draw, with a little noise."""
    (start_low, start_high), (end_low, end_high) = ranges or COURSE_RANGES[course]
    start, end = rng.uniform(start_low, start_high), rng.uniform(end_low, end_high)
    return [start + (end - start) * (m - 1) / 11 + rng.uniform(-noise, noise) for m in months]


# 达成 / 部分达成 / 未达成 through the year: (grade early, grade late, weight); the switch month is drawn.
GRADE_COURSES: tuple[tuple[QualitativeGrade, QualitativeGrade, float], ...] = (
    (QualitativeGrade.ACHIEVED, QualitativeGrade.ACHIEVED, 0.76),
    (QualitativeGrade.PARTLY_ACHIEVED, QualitativeGrade.ACHIEVED, 0.1),
    (QualitativeGrade.ACHIEVED, QualitativeGrade.PARTLY_ACHIEVED, 0.05),
    (QualitativeGrade.PARTLY_ACHIEVED, QualitativeGrade.PARTLY_ACHIEVED, 0.04),
    (QualitativeGrade.NOT_ACHIEVED, QualitativeGrade.PARTLY_ACHIEVED, 0.04),
    (QualitativeGrade.NOT_ACHIEVED, QualitativeGrade.NOT_ACHIEVED, 0.01),
)


def grades(rng: random.Random, months: Sequence[int]) -> list[QualitativeGrade]:
    early, late, _ = rng.choices(GRADE_COURSES, [w for _, _, w in GRADE_COURSES])[0]
    switch = rng.randint(4, 9)
    return [early if m < switch else late for m in months]


def split(total: Decimal, shares: Sequence[float], quantum: Decimal) -> list[Decimal]:
    """`total` (a whole number of quanta) in parts proportional to `shares`, in whole quanta, summing
    exactly to `total` (largest remainder; a negative total splits as its opposite)."""
    if total < 0:
        return [-p for p in split(-total, shares, quantum)]
    units = int(total / quantum)
    scale = sum(shares)
    exact = [Decimal(units) * Decimal(repr(s / scale)) for s in shares]
    floors = [int(e.to_integral_value(rounding=ROUND_DOWN)) for e in exact]
    order = sorted(range(len(shares)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[: units - sum(floors)]:
        floors[i] += 1
    return [Decimal(f) * quantum for f in floors]
