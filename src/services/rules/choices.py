"""The choices of the CHOICE rule keys (definition.RuleKind.CHOICE), each code with its Chinese label."""

from enum import StrEnum


class EqIndicatorScoring(StrEnum):
    """How an "=" indicator that is not met scores (DOMAIN.md §10)."""

    ALL_OR_NOTHING = "ALL_OR_NOTHING"  # met → full weight, else 0
    PROPORTIONAL = "PROPORTIONAL"  # actual / target × weight


class LeIndicatorScoring(StrEnum):
    """How a "≤" indicator above its target scores (FORMS §6B)."""

    LINEAR_TO_DOUBLE = "LINEAR_TO_DOUBLE"  # (1 − (actual − target) ÷ target) × weight; 0 from twice it
    RATIO = "RATIO"  # target ÷ actual × weight (the Hubei-style form's 权重×A/B)


class OverAchievementReduction(StrEnum):
    """Whether a "≥" (or "=") indicator far above its target loses points (FORMS §6B, 财预〔2020〕10号
    「对完成值高于指标值较多的…按照偏离度适度调减分值」)."""

    NONE = "NONE"  # full weight however far above: the cause is analysed (Art. 18), the score kept
    BY_DEVIATION = "BY_DEVIATION"  # above OVER_ACHIEVEMENT_FROM: weight × OVER_ACHIEVEMENT_FROM ÷ completion


class Level1Weights(StrEnum):
    """Whether the weight of each level-1 category (一级指标) is fixed by the rules (FORMS §6A)."""

    FREE = "FREE"  # distributed freely by the unit within the total (the Sichuan form)
    FIXED = "FIXED"  # each category's indicators weigh LEVEL1_WEIGHT_<category> together


class IndicatorCoverage(StrEnum):
    """What a goal's indicators must cover before it is submitted (Art. 9 「采取定量与定性相结合的方式设定，
    涵盖决策、过程、产出、效益等方面」)."""

    ALL_CATEGORIES_BOTH_KINDS = "ALL_CATEGORIES_BOTH_KINDS"  # the text: all four categories, both kinds
    BOTH_KINDS = "BOTH_KINDS"  # a region reading 「等方面」 as examples: both kinds, categories as fit


class LeIndicatorLighting(StrEnum):
    """How a "≤" indicator is lit in the year (DOMAIN §10: within the target green, else red)."""

    WITHIN_OR_RED = "WITHIN_OR_RED"  # within the target green, else red
    BY_EXCESS = "BY_EXCESS"  # within green; above by less than LE_YELLOW_EXCESS_BELOW yellow; else red


class MonitoringPeriods(StrEnum):
    """Which months close a monitoring period (Art. 13 「定期」), each compared as 1-N月."""

    MONTHLY = "MONTHLY"  # every month
    QUARTERLY = "QUARTERLY"  # March, June, September, December
    JULY_AND_YEAR_END = (
        "JULY_AND_YEAR_END"  # 1-7月 as the national monitoring (财预〔2019〕136号), and 1-12月
    )


CHOICE_LABELS: dict[StrEnum, str] = {
    LeIndicatorLighting.WITHIN_OR_RED: "不超过目标值为绿灯，否则红灯",
    LeIndicatorLighting.BY_EXCESS: "不超过目标值为绿灯，超出不多为黄灯，否则红灯",
    MonitoringPeriods.MONTHLY: "按月",
    MonitoringPeriods.QUARTERLY: "按季度",
    MonitoringPeriods.JULY_AND_YEAR_END: "1-7月及全年",
    EqIndicatorScoring.ALL_OR_NOTHING: "达到得满分，否则不得分",
    EqIndicatorScoring.PROPORTIONAL: "按完成比例得分",
    LeIndicatorScoring.LINEAR_TO_DOUBLE: "超出目标值按超出比例扣分，达到目标值两倍不得分",
    LeIndicatorScoring.RATIO: "按目标值与完成值之比得分",
    OverAchievementReduction.NONE: "超额完成不调减分值",
    OverAchievementReduction.BY_DEVIATION: "超额完成较多的，按偏离度调减分值",
    Level1Weights.FREE: "一级指标权重由编制单位自行分配",
    Level1Weights.FIXED: "一级指标权重按实施细则规定",
    IndicatorCoverage.ALL_CATEGORIES_BOTH_KINDS: "决策、过程、产出、效益四类指标齐全，且定量与定性相结合",
    IndicatorCoverage.BOTH_KINDS: "定量与定性相结合，不要求四类指标齐全",
}
