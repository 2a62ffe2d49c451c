"""目标比较法 (Art. 13, 14; DOMAIN §10), table by table: the expected progress by the time elapsed, the
completion ratio and deviation, each indicator's light with the thresholds' edges exactly, the goal's light,
budget execution against time with its large deviation, runs of red periods, the monitoring periods."""

from decimal import Decimal

import pytest

from src.models.enums import Aggregation, BudgetItem, Comparator, IndicatorKind, QualitativeGrade, RegionLevel
from src.models.monitoring import Light
from src.services.monitoring.comparison import (
    Thresholds,
    completion_ratio,
    consecutive_reds,
    deviation,
    elapsed_share,
    execution_light,
    execution_rate,
    expected_progress,
    indicator_light,
    is_period_end,
    needs_adjustment_review,
    period_months,
    rate_value,
    worst_light,
)
from src.services.rules.reads import DefinedRule, resolve
from src.services.rules.region_defaults import RegionFacts
from src.services.rules.registry import LeIndicatorLighting, MonitoringPeriods, RuleKey

D = Decimal
GE, LE, EQ, GRADE = Comparator.GE, Comparator.LE, Comparator.EQ, Comparator.GRADE
SUM, RATE, NONE = Aggregation.SUM, Aggregation.RATE, Aggregation.NONE
RED, YELLOW, GREEN, BLUE, UNLIT = Light.RED, Light.YELLOW, Light.GREEN, Light.BLUE, Light.NONE
DEFAULT = Thresholds()
BY_EXCESS = Thresholds(le_lighting=LeIndicatorLighting.BY_EXCESS)
PROVINCE = RegionFacts(1, "/510000/", "510000", "四川省", RegionLevel.PROVINCE)
CHENGDU = RegionFacts(2, "/510000/510100/", "510100", "成都市", RegionLevel.PREFECTURE)


def quantitative(
    comparator: Comparator,
    aggregation: Aggregation,
    target: str | None,
    actual: str | None,
    month: int = 6,
    thresholds: Thresholds = DEFAULT,
) -> tuple[Light, Decimal | None, Decimal | None]:
    lit = indicator_light(
        kind=IndicatorKind.QUANTITATIVE,
        comparator=comparator,
        aggregation=aggregation,
        target=None if target is None else D(target),
        actual=None if actual is None else D(actual),
        grade=None,
        month=month,
        thresholds=thresholds,
    )
    return lit.light, lit.ratio, lit.deviation


@pytest.mark.parametrize(
    ("target", "month", "aggregation", "comparator", "expected"),
    [
        ("1200", 6, SUM, GE, "600"),  # amounts accumulate: 6/12 of the year's
        ("1200", 1, SUM, GE, "100"),
        ("1200", 12, SUM, GE, "1200"),
        ("1200", 7, SUM, EQ, "700"),  # "=" on an amount too
        ("95", 3, RATE, GE, "95"),  # a rate is not pro-rated
        ("12", 3, NONE, GE, "12"),  # nor is a level
        ("10", 3, SUM, LE, "10"),  # a cap holds as it stands: 4 adjustments by March are within 10
    ],
)
def test_art13_expected_progress_by_elapsed_time(
    target: str, month: int, aggregation: Aggregation, comparator: Comparator, expected: str
) -> None:
    assert expected_progress(D(target), month, aggregation, comparator) == D(expected)


def test_art13_elapsed_share_ratio_and_deviation() -> None:
    assert [elapsed_share(m) for m in (3, 6, 12)] == [D(25), D(50), D(100)]
    assert completion_ratio(D(45), D(60)) == D(75)
    assert completion_ratio(D(1), D(0)) is None  # nothing expected: no ratio
    assert deviation(D(45), D(60)) == D("-25.00")
    assert deviation(D(-1), D(-2)) == D("50.00")  # against the size of a negative cap
    assert deviation(D(1), D(0)) is None
    assert rate_value(D(9), D(10)) == D(90)
    assert rate_value(D(9), D(0)) is None
    with pytest.raises(ValueError, match="month 13"):
        elapsed_share(13)


@pytest.mark.parametrize(
    ("actual", "light", "ratio"),
    [
        ("59.99", RED, "59.99"),
        ("60", YELLOW, "60.00"),
        ("79.99", YELLOW, "79.99"),
        ("80", GREEN, "80.00"),
        ("119.99", GREEN, "119.99"),
        ("120", BLUE, "120.00"),
        # Decided on the ratio as shown: 59.995 shows as 60.00 and is lit yellow, as the reader reads it.
        ("59.995", YELLOW, "60.00"),
        ("59.9949", RED, "59.99"),
    ],
)
def test_art13_threshold_edges_exactly(actual: str, light: Light, ratio: str) -> None:
    # A rate of target 100 is compared as it stands, so the actual is the ratio.
    assert quantitative(GE, RATE, "100", actual) == (light, D(ratio), D(ratio) - 100)


@pytest.mark.parametrize(
    ("actual", "light", "ratio"),
    [
        ("359.94", RED, "59.99"),  # expected by June: 1200 × 6/12 = 600
        ("360", YELLOW, "60.00"),
        ("479.94", YELLOW, "79.99"),
        ("480", GREEN, "80.00"),
        ("719.94", GREEN, "119.99"),
        ("720", BLUE, "120.00"),
    ],
)
def test_art13_sum_indicator_is_pro_rated(actual: str, light: Light, ratio: str) -> None:
    assert quantitative(GE, SUM, "1200", actual) == (light, D(ratio), D(ratio) - 100)


def test_art13_rate_and_level_are_not_pro_rated() -> None:
    # 90% against 95% in March is 94.74% of the target (green), not 379% of a quarter of it (blue).
    assert quantitative(GE, RATE, "95", "90", month=3)[:2] == (GREEN, D("94.74"))
    assert quantitative(GE, NONE, "12", "6", month=3)[:2] == (RED, D("50.00"))


@pytest.mark.parametrize(
    ("thresholds", "target", "actual", "light", "deviation"),
    [
        (DEFAULT, "10", "10", GREEN, "0.00"),
        (DEFAULT, "10", "4", GREEN, "-60.00"),  # 4 adjustments by June within a cap of 10 a year
        (DEFAULT, "10", "10.01", RED, "0.10"),
        (BY_EXCESS, "10", "10", GREEN, "0.00"),
        (BY_EXCESS, "10", "10.99", YELLOW, "9.90"),
        (BY_EXCESS, "10", "10.999", YELLOW, "9.99"),
        (BY_EXCESS, "10", "11", RED, "10.00"),  # the edge: "below 10% over" is yellow, 10% is red
        # A negative cap (支出增长率 ≤ -2%): -1 is 50% over it, not "-50%" under it.
        (BY_EXCESS, "-2", "-1", RED, "50.00"),
        (BY_EXCESS, "-2", "-1.9", YELLOW, "5.00"),
        (BY_EXCESS, "-2", "-2.1", GREEN, "-5.00"),
        (DEFAULT, "-2", "-1.9", RED, "5.00"),
    ],
)
def test_art13_le_indicator_under_both_lightings(
    thresholds: Thresholds, target: str, actual: str, light: Light, deviation: str
) -> None:
    lit, _, dev = quantitative(LE, RATE, target, actual, thresholds=thresholds)
    assert (lit, dev) == (light, D(deviation))


def test_art13_le_sum_cap_is_not_pro_rated_and_has_no_ratio_when_negative() -> None:
    assert quantitative(LE, SUM, "10", "4", month=3)[:2] == (GREEN, D("40.00"))
    assert quantitative(LE, RATE, "-2", "-3")[1] is None


@pytest.mark.parametrize(
    ("comparator", "thresholds", "actual", "light"),
    [
        (EQ, DEFAULT, "0", GREEN),
        (EQ, DEFAULT, "1", RED),
        (GE, DEFAULT, "0", GREEN),
        (GE, DEFAULT, "3", GREEN),
        (LE, DEFAULT, "0", GREEN),
        (LE, BY_EXCESS, "0.01", RED),  # over a cap of zero: no margin makes it yellow
    ],
)
def test_art13_zero_target(comparator: Comparator, thresholds: Thresholds, actual: str, light: Light) -> None:
    assert quantitative(comparator, RATE, "0", actual, thresholds=thresholds) == (light, None, None)


def test_art13_eq_indicator_is_lit_like_ge() -> None:
    assert quantitative(EQ, RATE, "100", "100")[0] == GREEN  # 待遇按时足额发放率 = 100%
    assert quantitative(EQ, RATE, "100", "75")[0] == YELLOW
    assert quantitative(EQ, SUM, "120", "90")[:2] == (BLUE, D("150.00"))  # 90 by June of 120: over-run


@pytest.mark.parametrize(
    ("grade", "light"),
    [
        (QualitativeGrade.ACHIEVED, GREEN),
        (QualitativeGrade.PARTLY_ACHIEVED, YELLOW),
        (QualitativeGrade.NOT_ACHIEVED, RED),
        (None, UNLIT),
    ],
)
def test_art13_qualitative_indicator(grade: QualitativeGrade | None, light: Light) -> None:
    lit = indicator_light(
        kind=IndicatorKind.QUALITATIVE,
        comparator=GRADE,
        aggregation=NONE,
        target=None,
        actual=None,
        grade=grade,
        month=6,
        thresholds=DEFAULT,
    )
    assert (lit.light, lit.ratio) == (light, None)


def test_art13_nothing_entered_is_unlit() -> None:
    assert quantitative(GE, SUM, "1200", None)[0] == UNLIT
    assert quantitative(GE, SUM, None, "5")[0] == UNLIT


@pytest.mark.parametrize(
    ("lights", "goal"),
    [
        ([GREEN, BLUE, YELLOW], YELLOW),
        ([GREEN, RED, BLUE, YELLOW], RED),
        ([BLUE, GREEN], BLUE),  # an over-run is worth a look: above green
        ([UNLIT, GREEN], GREEN),  # what is not entered does not make the goal worse (及时性 says so)
        ([UNLIT], UNLIT),
        ([], UNLIT),
    ],
)
def test_art13_the_goal_light_is_its_worst_indicators(lights: list[Light], goal: Light) -> None:
    assert worst_light(lights) == goal


@pytest.mark.parametrize(
    ("executed", "light", "progress", "large"),
    [
        # Budget 1,200 by June (50% of the year elapsed): progress = execution rate ÷ 50%.
        ("239.94", RED, "39.99", True),  # 「执行偏差较大」: below 40
        ("240", RED, "40.00", False),
        ("359.94", RED, "59.99", False),
        ("360", YELLOW, "60.00", False),
        ("479.94", YELLOW, "79.99", False),
        ("480", GREEN, "80.00", False),
        ("900", GREEN, "150.00", False),  # execution has no blue light
    ],
)
def test_art14_execution_rate_against_time(executed: str, light: Light, progress: str, large: bool) -> None:
    lit = execution_light(
        item=BudgetItem.BENEFITS, executed=D(executed), budget=D(1200), month=6, thresholds=DEFAULT
    )
    assert (lit.light, lit.ratio, lit.deviation, lit.large_deviation) == (
        light,
        D(progress),
        D(progress) - 100,
        large,
    )


def test_art14_execution_without_a_rate_is_unlit() -> None:
    assert execution_rate(D(5), D(0)) is None
    for item, budget in ((BudgetItem.ACCUMULATED_BALANCE, D(100)), (BudgetItem.BENEFITS, D(0))):
        lit = execution_light(item=item, executed=D(50), budget=budget, month=6, thresholds=DEFAULT)
        assert (lit.light, lit.ratio) == (UNLIT, None)


@pytest.mark.parametrize(
    ("history", "run", "review"),
    [
        ([], 0, False),
        ([RED, GREEN], 0, False),
        ([RED, RED], 2, False),
        ([RED, RED, RED], 3, True),
        ([RED, YELLOW, RED, RED, RED], 3, True),
        ([RED, RED, RED, GREEN], 0, False),  # back on track: the run is broken
        ([RED, RED, UNLIT, RED], 1, False),  # a period without figures breaks it too
    ],
)
def test_art14_consecutive_red_periods_send_a_goal_to_adjustment_review(
    history: list[Light], run: int, review: bool
) -> None:
    assert consecutive_reds(history) == run
    assert needs_adjustment_review(history, DEFAULT) is review
    assert needs_adjustment_review(history, Thresholds(adjustment_review_red_periods=1)) is (run >= 1)


@pytest.mark.parametrize(
    ("periods", "months"),
    [
        (MonitoringPeriods.MONTHLY, tuple(range(1, 13))),
        (MonitoringPeriods.QUARTERLY, (3, 6, 9, 12)),
        (MonitoringPeriods.JULY_AND_YEAR_END, (7, 12)),
    ],
)
def test_art13_monitoring_periods(periods: MonitoringPeriods, months: tuple[int, ...]) -> None:
    assert period_months(periods) == months
    assert [m for m in range(1, 13) if is_period_end(m, periods)] == list(months)
    with pytest.raises(ValueError, match="month 0"):
        is_period_end(0, periods)


def test_art13_thresholds_come_from_the_regions_rules() -> None:
    assert Thresholds.of(resolve(PROVINCE, [])) == DEFAULT
    own = [
        DefinedRule(RuleKey.LIGHT_RED_BELOW.value, "50.00", PROVINCE),
        DefinedRule(RuleKey.LE_INDICATOR_LIGHTING.value, "BY_EXCESS", CHENGDU),
        DefinedRule(RuleKey.ADJUSTMENT_REVIEW_RED_PERIODS.value, "2", CHENGDU),
        DefinedRule(RuleKey.EXECUTION_LARGE_DEVIATION_BELOW.value, "30.00", CHENGDU),
    ]
    chengdu = Thresholds.of(resolve(CHENGDU, own))
    assert (chengdu.red_below, chengdu.le_lighting) == (D(50), LeIndicatorLighting.BY_EXCESS)
    assert (chengdu.adjustment_review_red_periods, chengdu.execution_large_below) == (2, D(30))
    # 55% is red by the province's default, yellow under a red line of 50.
    assert quantitative(GE, RATE, "100", "55", thresholds=chengdu)[0] == YELLOW
    assert quantitative(GE, RATE, "100", "55")[0] == RED
