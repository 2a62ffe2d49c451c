"""What the provincial evaluation's two documents share: their titles broken between words, dates as
成文日期, grades by label in their fixed order, user text as paragraphs or 无."""

import re
from datetime import date

from src.models.evaluation import GRADE_LABELS
from src.reports.contexts.monitoring_common import paragraphs, title_lines
from src.reports.contexts.self_evaluation_report import NOTHING

# A title breaks only here: after the province or a year, before a bracket, 基金, 关于, 预算绩效, 的报告.
_WORD_BREAKS = re.compile(r"(?<=省)|(?<=年度)|(?=（)|(?=基金)|(?=关于)|(?=预算绩效)|(?=的报告)")
GRADE_ORDER = tuple(GRADE_LABELS)  # EXCELLENT, GOOD, FAIR, POOR: 优 良 中 差


def broken_title(title: str) -> list[str]:
    """The title in lines of a 2号 title, broken between its words (never inside a name)."""
    return title_lines([word for word in _WORD_BREAKS.split(title) if word])


def date_text(day: date | None) -> str:
    """成文日期: 2026年7月8日; "" when there is none yet (a blank date to fill in prints)."""
    return "" if day is None else f"{day.year}年{day.month}月{day.day}日"


def text_or_nothing(text: str) -> list[str]:
    """A part made only of the user's text: its paragraphs, or 无。 when it is empty."""
    return paragraphs(text) or [NOTHING]


def grade_counts(counts: dict[str, int]) -> dict[str, str]:
    """Counts by grade label (优 良 中 差) and their 合计, as printed."""
    found = {GRADE_LABELS[code]: str(counts.get(code, 0)) for code in GRADE_ORDER}
    return {**found, "合计": str(sum(counts.get(code, 0) for code in GRADE_ORDER))}
