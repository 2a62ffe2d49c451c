"""What a regional rule key is (Art. 23): its kind, scope and choices, and how one value is parsed from what a
user typed and read back from its stored text. The keys' definitions themselves are in registry.py."""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from src.models.enums import RegionLevel
from src.services.errors import ErrorCode
from src.services.rules.choices import (
    CHOICE_LABELS,
    EqIndicatorScoring,
    IndicatorCoverage,
    LeIndicatorLighting,
    LeIndicatorScoring,
    Level1Weights,
    MonitoringPeriods,
    OverAchievementReduction,
)
from src.services.rules.region_defaults import RegionFacts

# The choices' vocabulary, re-exported with the keys'.
__all__ = [
    "CHOICE_LABELS",
    "EqIndicatorScoring",
    "IndicatorCoverage",
    "LeIndicatorLighting",
    "LeIndicatorScoring",
    "Level1Weights",
    "MonitoringPeriods",
    "MonthDay",
    "OverAchievementReduction",
    "RuleDefinition",
    "RuleKey",
    "RuleKind",
    "RuleScope",
    "RuleSource",
    "RuleValue",
    "RuleValueError",
]


class RuleKey(StrEnum):
    INDICATOR_WEIGHT_TOTAL = "INDICATOR_WEIGHT_TOTAL"
    INDICATOR_COVERAGE = "INDICATOR_COVERAGE"
    MONITORING_COMPILATION_DEADLINE = "MONITORING_COMPILATION_DEADLINE"
    SELF_EVALUATION_DEADLINE = "SELF_EVALUATION_DEADLINE"
    PROVINCIAL_REPORT_DEADLINE = "PROVINCIAL_REPORT_DEADLINE"
    PROVINCIAL_SUMMARY_DEADLINE = "PROVINCIAL_SUMMARY_DEADLINE"
    LIGHT_RED_BELOW = "LIGHT_RED_BELOW"
    LIGHT_YELLOW_BELOW = "LIGHT_YELLOW_BELOW"
    LIGHT_BLUE_FROM = "LIGHT_BLUE_FROM"
    EXECUTION_RED_BELOW = "EXECUTION_RED_BELOW"
    EXECUTION_YELLOW_BELOW = "EXECUTION_YELLOW_BELOW"
    GRADE_EXCELLENT_FROM = "GRADE_EXCELLENT_FROM"
    GRADE_GOOD_FROM = "GRADE_GOOD_FROM"
    GRADE_FAIR_FROM = "GRADE_FAIR_FROM"
    EQ_INDICATOR_SCORING = "EQ_INDICATOR_SCORING"
    QUALITATIVE_ACHIEVED_FROM = "QUALITATIVE_ACHIEVED_FROM"
    QUALITATIVE_PARTLY_FROM = "QUALITATIVE_PARTLY_FROM"
    EXECUTION_POINTS = "EXECUTION_POINTS"
    EXECUTION_REASON_BELOW = "EXECUTION_REASON_BELOW"
    DOCUMENT_ABBREVIATION = "DOCUMENT_ABBREVIATION"
    LE_INDICATOR_LIGHTING = "LE_INDICATOR_LIGHTING"
    LE_YELLOW_EXCESS_BELOW = "LE_YELLOW_EXCESS_BELOW"
    EXECUTION_LARGE_DEVIATION_BELOW = "EXECUTION_LARGE_DEVIATION_BELOW"
    ADJUSTMENT_REVIEW_RED_PERIODS = "ADJUSTMENT_REVIEW_RED_PERIODS"
    MONITORING_PERIODS = "MONITORING_PERIODS"
    MONITORING_ENTRY_DUE_DAYS = "MONITORING_ENTRY_DUE_DAYS"
    MONITORING_REPORT_DUE_DAYS = "MONITORING_REPORT_DUE_DAYS"
    LE_INDICATOR_SCORING = "LE_INDICATOR_SCORING"
    OVER_ACHIEVEMENT_REDUCTION = "OVER_ACHIEVEMENT_REDUCTION"
    OVER_ACHIEVEMENT_FROM = "OVER_ACHIEVEMENT_FROM"
    DEVIATION_CAUSE_FROM = "DEVIATION_CAUSE_FROM"
    LEVEL1_WEIGHTS = "LEVEL1_WEIGHTS"
    LEVEL1_WEIGHT_DECISION = "LEVEL1_WEIGHT_DECISION"
    LEVEL1_WEIGHT_PROCESS = "LEVEL1_WEIGHT_PROCESS"
    LEVEL1_WEIGHT_OUTPUT = "LEVEL1_WEIGHT_OUTPUT"
    LEVEL1_WEIGHT_BENEFIT = "LEVEL1_WEIGHT_BENEFIT"
    FEEDBACK_ANSWER_DAYS = "FEEDBACK_ANSWER_DAYS"
    RECTIFICATION_DAYS = "RECTIFICATION_DAYS"
    ASSESSMENT_WEIGHT_DEADLINES = "ASSESSMENT_WEIGHT_DEADLINES"
    ASSESSMENT_WEIGHT_SELF_EVALUATION = "ASSESSMENT_WEIGHT_SELF_EVALUATION"
    ASSESSMENT_WEIGHT_RECTIFICATION = "ASSESSMENT_WEIGHT_RECTIFICATION"
    ASSESSMENT_WEIGHT_WARNINGS = "ASSESSMENT_WEIGHT_WARNINGS"
    ASSESSMENT_COMMEND_FROM = "ASSESSMENT_COMMEND_FROM"
    ASSESSMENT_WEAK_BELOW = "ASSESSMENT_WEAK_BELOW"
    ASSESSMENT_DEADLINE = "ASSESSMENT_DEADLINE"
    ESCALATION_ANSWER_DAYS = "ESCALATION_ANSWER_DAYS"
    ESCALATION_WAIT_DAYS = "ESCALATION_WAIT_DAYS"


class RuleKind(StrEnum):
    DECIMAL = "DECIMAL"  # a number with a fixed number of decimal places
    MONTH_DAY = "MONTH_DAY"  # a day of every year, "MM-DD"
    CHOICE = "CHOICE"  # one code of an enum
    TEXT = "TEXT"  # a short text on one line: no control characters, at most `length` characters


class RuleScope(StrEnum):
    """Which regions' detailed rules may set a key (Art. 17, 23)."""

    PROVINCE_ONLY = "PROVINCE_ONLY"  # a duty of provincial bodies: only the province's rules set it
    ANY_REGION = "ANY_REGION"  # the province and each prefecture (for itself and the regions below it)


class RuleSource(StrEnum):
    PROVINCE = "PROVINCE"  # the province's value: its own row, or the built-in default
    REGION = "REGION"  # a prefecture's (or county's) own detailed rule


@dataclass(frozen=True, order=True)
class MonthDay:
    """A day that recurs every year (a deadline): never 29 February, which most years lack."""

    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"

    @property
    def label(self) -> str:
        return f"{self.month}月{self.day}日"


# Any year that is not a leap year: a deadline must exist every year.
_COMMON_YEAR = 2001
_MONTH_DAY = re.compile(r"([0-9]{1,2})-([0-9]{1,2})")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


class RuleValueError(ValueError):
    """What is wrong with one value: a Chinese message and the FieldError code."""

    def __init__(self, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


RuleValue = Decimal | MonthDay | StrEnum | str
# Unicode categories a TEXT value may not hold: controls (C0, C1, DEL), format characters, surrogates,
# private-use and unassigned code points, and the line and paragraph separators.
_NOT_IN_TEXT = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


@dataclass(frozen=True)
class RuleDefinition:
    key: RuleKey
    kind: RuleKind
    label: str
    # Canonical text of the province's built-in value (with `region_default`: the province's, derived).
    default: str
    minimum: Decimal | None = None
    minimum_inclusive: bool = True
    maximum: Decimal | None = None
    places: int = 2
    choices: type[StrEnum] | None = None
    length: int = 0  # TEXT: the most characters
    refused: str = ""  # TEXT: characters it may not hold besides controls (a document number's brackets)
    # A key naming the region itself: each region's default, derived from it; no region inherits it.
    region_default: Callable[[RegionFacts], str] | None = None
    # No two issuing regions of a province (itself and its prefectures) may have the same value in force.
    distinct: bool = False
    scope: RuleScope = RuleScope.ANY_REGION
    # MONTH_DAY: the text's own date (Art. 13, 17); a region may set an earlier one, never a later one.
    latest: MonthDay | None = None
    basis: str = ""  # the words of the text that fix `latest` or `scope`, cited when refusing

    def settable_in(self, level: RegionLevel) -> bool:
        """Whether a region of `level` may set this key in its own rules."""
        return self.scope == RuleScope.ANY_REGION or level == RegionLevel.PROVINCE

    @property
    def attribute(self) -> str:
        """The RuleSet attribute holding this key's value."""
        return self.key.value.lower()

    @property
    def max_length(self) -> int:
        return 64  # RegionalRule.value

    @property
    def inherited(self) -> bool:
        """Whether a region without a value of its own takes the nearest region's above it."""
        return self.region_default is None

    def default_for(self, region: RegionFacts) -> str:
        """The built-in value in `region`: the province's default, or the region's own derived one."""
        return self.default if self.region_default is None else self.region_default(region)

    def typed(self, text: str) -> RuleValue:
        """The value of canonical (stored) `text`."""
        match self.kind:
            case RuleKind.DECIMAL:
                return Decimal(text)
            case RuleKind.MONTH_DAY:
                month, day = text.split("-")
                return MonthDay(int(month), int(day))
            case RuleKind.CHOICE:
                assert self.choices is not None
                return self.choices(text)
            case RuleKind.TEXT:
                return text

    def parse(self, text: str) -> str:
        """The canonical text of what a user typed; RuleValueError says what is wrong with it."""
        if len(text) > self.max_length:
            raise RuleValueError(f"内容过长（最多 {self.max_length} 个字符）", ErrorCode.OUT_OF_RANGE)
        text = text.strip(" ")
        match self.kind:
            case RuleKind.DECIMAL:
                return self._parse_decimal(text)
            case RuleKind.MONTH_DAY:
                return str(self._within_the_text(self._parse_month_day(text)))
            case RuleKind.CHOICE:
                assert self.choices is not None
                codes = [c.value for c in self.choices]
                if text not in codes:
                    options = "、".join(f"{c.value}（{CHOICE_LABELS.get(c, c.value)}）" for c in self.choices)
                    raise RuleValueError(f"须为以下之一：{options}")
                return text
            case RuleKind.TEXT:
                return self._parse_text(text)

    def range_label(self) -> str:
        low = "" if self.minimum is None else f"{'≥' if self.minimum_inclusive else '>'} {self.minimum}"
        high = "" if self.maximum is None else f"≤ {self.maximum}"
        return "且".join(part for part in (low, high) if part)

    def _parse_decimal(self, text: str) -> str:
        if not _DECIMAL.fullmatch(text):
            raise RuleValueError("须为有限的数值（如 60 或 60.5）")
        try:
            value = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
            raise RuleValueError("须为有限的数值（如 60 或 60.5）") from exc
        below = self.minimum is not None and (
            value < self.minimum if self.minimum_inclusive else value <= self.minimum
        )
        above = self.maximum is not None and value > self.maximum
        if below or above:
            raise RuleValueError(f"超出允许范围（{self.range_label()}）", ErrorCode.OUT_OF_RANGE)
        quantum = Decimal(1).scaleb(-self.places)
        canonical = value.quantize(quantum)
        if canonical != value:  # never rounded: more places than declared is refused
            raise RuleValueError(f"小数位数过多（最多 {self.places} 位）")
        return f"{canonical.copy_abs() if canonical.is_zero() else canonical:f}"  # never "-0.00"

    def _parse_text(self, text: str) -> str:
        text = text.strip(" \u3000")  # the full-width space too: a Chinese keyboard types it
        if not text:
            raise RuleValueError("不能为空")
        if any(unicodedata.category(c) in _NOT_IN_TEXT for c in text):
            raise RuleValueError("不能含有控制字符或换行")
        refused = sorted({c for c in text if c in self.refused or c.isspace()})
        if refused:
            shown = "、".join("空格" if c.isspace() else c for c in refused)
            raise RuleValueError(f"不能含有{shown}")
        if len(text) > self.length:
            raise RuleValueError(f"内容过长（最多 {self.length} 个字符）", ErrorCode.OUT_OF_RANGE)
        return text

    def _within_the_text(self, value: MonthDay) -> MonthDay:
        if self.latest is not None and value > self.latest:
            raise RuleValueError(
                f"不得晚于{self.latest.label}（{self.basis}）；实施细则只能规定更早的日期（第二十三条“根据本办法”）",
                ErrorCode.OUT_OF_RANGE,
            )
        return value

    def _parse_month_day(self, text: str) -> MonthDay:
        match = _MONTH_DAY.fullmatch(text)
        if match is None:
            raise RuleValueError("须为“月-日”格式，如 05-31")
        month, day = int(match.group(1)), int(match.group(2))
        try:
            date(_COMMON_YEAR, month, day)
        except ValueError as exc:
            raise RuleValueError("不是每年都有的日期（2 月 29 日亦不可）") from exc
        return MonthDay(month, day)
