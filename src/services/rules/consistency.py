"""The rules that tie regional rule keys together (Art. 23): checked on a region's effective values after
every change (editing.py), so no region's detailed rules contradict themselves — a red light below the
yellow, grades in order, the evaluation deadlines in the order of Art. 17, the year's last monitoring report
before the January compilation (Art. 13), the indicator weights and the execution points making 100, fixed
level-1 weights making the indicator total, a reduced over-achievement always explained (Art. 18)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from src.services.rules.registry import IndicatorCoverage, Level1Weights, MonthDay, RuleKey, RuleValue

K = RuleKey

Values = Mapping[RuleKey, RuleValue]


@dataclass(frozen=True)
class Consistency:
    """A rule over several keys, checked on a region's effective values after every change."""

    keys: tuple[RuleKey, ...]
    holds: Callable[[Values], bool]
    message: str


def _d(values: Values, key: RuleKey) -> Decimal:
    value = values[key]
    assert isinstance(value, Decimal)
    return value


def _md(values: Values, key: RuleKey) -> MonthDay:
    value = values[key]
    assert isinstance(value, MonthDay)
    return value


HUNDRED = Decimal(100)
LEVEL1_WEIGHT_KEYS = (
    K.LEVEL1_WEIGHT_DECISION,
    K.LEVEL1_WEIGHT_PROCESS,
    K.LEVEL1_WEIGHT_OUTPUT,
    K.LEVEL1_WEIGHT_BENEFIT,
)


def _level1_total_holds(v: Values) -> bool:
    fixed = sum((_d(v, k) for k in LEVEL1_WEIGHT_KEYS), Decimal(0))
    return v[K.LEVEL1_WEIGHTS] == Level1Weights.FREE or fixed == _d(v, K.INDICATOR_WEIGHT_TOTAL)


def _level1_covered_holds(v: Values) -> bool:
    """Art. 9 as written asks for every category: a fixed weight of 0 would leave one without points."""
    every = v[K.INDICATOR_COVERAGE] == IndicatorCoverage.ALL_CATEGORIES_BOTH_KINDS
    fixed = v[K.LEVEL1_WEIGHTS] == Level1Weights.FIXED
    return not (every and fixed) or all(_d(v, k) > 0 for k in LEVEL1_WEIGHT_KEYS)


CONSISTENCY: tuple[Consistency, ...] = (
    Consistency(
        (K.LIGHT_RED_BELOW, K.LIGHT_YELLOW_BELOW, K.LIGHT_BLUE_FROM),
        lambda v: _d(v, K.LIGHT_RED_BELOW) < _d(v, K.LIGHT_YELLOW_BELOW) < HUNDRED < _d(v, K.LIGHT_BLUE_FROM),
        "运行监控阈值须满足：红灯 < 黄灯 < 100% < 蓝灯",
    ),
    Consistency(
        (K.EXECUTION_RED_BELOW, K.EXECUTION_YELLOW_BELOW),
        lambda v: _d(v, K.EXECUTION_RED_BELOW) < _d(v, K.EXECUTION_YELLOW_BELOW),
        "预算执行阈值须满足：红灯 < 黄灯",
    ),
    Consistency(
        (K.EXECUTION_LARGE_DEVIATION_BELOW, K.EXECUTION_RED_BELOW),
        lambda v: _d(v, K.EXECUTION_LARGE_DEVIATION_BELOW) <= _d(v, K.EXECUTION_RED_BELOW),
        "预算执行“偏差较大”的阈值不得高于红灯阈值",
    ),
    Consistency(
        (K.MONITORING_ENTRY_DUE_DAYS, K.MONITORING_REPORT_DUE_DAYS),
        lambda v: _d(v, K.MONITORING_ENTRY_DUE_DAYS) <= _d(v, K.MONITORING_REPORT_DUE_DAYS),
        "运行监控情况报告的报送时限不得早于监控数据填报时限",
    ),
    Consistency(
        # The year's last report (1-12月) is due in January: before the prefecture compiles them (Art. 13).
        (K.MONITORING_REPORT_DUE_DAYS, K.MONITORING_COMPILATION_DEADLINE),
        lambda v: (
            _md(v, K.MONITORING_COMPILATION_DEADLINE).month == 1
            and _d(v, K.MONITORING_REPORT_DUE_DAYS) <= _md(v, K.MONITORING_COMPILATION_DEADLINE).day
        ),
        "全年运行监控情况报告的报送时限不得晚于市（州）汇总上年运行监控情况报告截止日（第十三条）",
    ),
    Consistency(
        (K.GRADE_EXCELLENT_FROM, K.GRADE_GOOD_FROM, K.GRADE_FAIR_FROM),
        lambda v: _d(v, K.GRADE_EXCELLENT_FROM) > _d(v, K.GRADE_GOOD_FROM) > _d(v, K.GRADE_FAIR_FROM) > 0,
        "评价等级分数线须满足：优 > 良 > 中 > 0",
    ),
    Consistency(
        (K.QUALITATIVE_PARTLY_FROM, K.QUALITATIVE_ACHIEVED_FROM),
        lambda v: _d(v, K.QUALITATIVE_PARTLY_FROM) < _d(v, K.QUALITATIVE_ACHIEVED_FROM) <= HUNDRED,
        "定性指标得分比例须满足：部分达成 < 达成 ≤ 100%",
    ),
    Consistency(
        # The Sichuan form: 绩效指标（90分） + 预算执行情况（10分） = 100 (FORMS §2B, §6A).
        (K.INDICATOR_WEIGHT_TOTAL, K.EXECUTION_POINTS),
        lambda v: _d(v, K.INDICATOR_WEIGHT_TOTAL) + _d(v, K.EXECUTION_POINTS) == HUNDRED,
        "绩效指标权重合计与预算执行率分值之和须为 100 分",
    ),
    Consistency(
        (K.LEVEL1_WEIGHTS, *LEVEL1_WEIGHT_KEYS, K.INDICATOR_WEIGHT_TOTAL),
        _level1_total_holds,
        "一级指标权重由实施细则规定时，决策、过程、产出、效益四类权重之和须等于绩效指标权重合计",
    ),
    Consistency(
        (K.LEVEL1_WEIGHTS, *LEVEL1_WEIGHT_KEYS, K.INDICATOR_COVERAGE),
        _level1_covered_holds,
        "绩效指标须涵盖四类（第九条）时，规定的一级指标权重均须大于 0",
    ),
    Consistency(
        # A score reduced for over-achievement is always explained (Art. 18: 偏离绩效目标较大).
        (K.DEVIATION_CAUSE_FROM, K.OVER_ACHIEVEMENT_FROM),
        lambda v: HUNDRED + _d(v, K.DEVIATION_CAUSE_FROM) <= _d(v, K.OVER_ACHIEVEMENT_FROM),
        "超额完成调减分值的完成比例须不低于 100% 加“偏离较大须说明原因”的偏离度（第十八条）",
    ),
    Consistency(
        (K.SELF_EVALUATION_DEADLINE, K.PROVINCIAL_REPORT_DEADLINE, K.PROVINCIAL_SUMMARY_DEADLINE),
        lambda v: (
            _md(v, K.SELF_EVALUATION_DEADLINE)
            < _md(v, K.PROVINCIAL_REPORT_DEADLINE)
            < _md(v, K.PROVINCIAL_SUMMARY_DEADLINE)
        ),
        "截止日须依次为：统筹地区自评 < 省级评价报告 < 财政厅汇总上报",
    ),
)


def broken_rules(values: Values, *, touching: set[RuleKey] | None = None) -> list[Consistency]:
    """The consistency rules `values` (a complete effective set) break; only those involving a key of
    `touching` when it is given (the keys a change touched: the others held before and still do)."""
    return [
        rule
        for rule in CONSISTENCY
        if (touching is None or touching.intersection(rule.keys)) and not rule.holds(values)
    ]
