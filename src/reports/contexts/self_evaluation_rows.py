"""The indicator rows of the 绩效自评表 (FORMS.md §2A/§2B), as display strings, from a self-evaluation's
lines in category order: 一级 and 二级 (merged per block by the template), 三级, 年度指标值 with its
comparator and unit, 实际完成值, 分值 (the weight), 得分 (two places) and 偏差原因分析及改进措施 (Art. 18:
the analysed cause and the measures of a line not met or deviating)."""

from collections.abc import Sequence
from decimal import Decimal

from src.models.enums import Comparator, IndicatorKind, label_zh
from src.models.evaluation import SelfEvaluationLine
from src.reports.contexts.monitoring_common import NONE, number

CENT = Decimal("0.01")


def score_text(score: Decimal | None) -> str:
    """A score with two places, as 得分 is kept: 36.00."""
    return NONE if score is None else f"{score.quantize(CENT):,}"


def _qualitative(line: SelfEvaluationLine) -> bool:
    return line.kind == IndicatorKind.QUALITATIVE or line.comparator == Comparator.GRADE


def target_text(line: SelfEvaluationLine) -> str:
    """年度指标值: ≥1,200人, ≤10%, 达成."""
    if _qualitative(line):
        return label_zh(line.target_grade) if line.target_grade else NONE
    if line.target_value is None:
        return NONE
    return f"{label_zh(line.comparator)}{number(line.target_value)}{line.unit}"


def actual_text(line: SelfEvaluationLine) -> str:
    """实际完成值: the figure with its unit, or the grade."""
    if _qualitative(line):
        return label_zh(line.actual_grade) if line.actual_grade else NONE
    return NONE if line.actual_value is None else f"{number(line.actual_value)}{line.unit}"


def deviation_text(line: SelfEvaluationLine) -> str:
    """偏差原因分析及改进措施: the cause, then the measures; for a line met without deviating, nothing."""
    # Joined by "；", a part's own closing stop would print as "。；".
    cause, measures = (text.strip().rstrip("。；;.") for text in (line.cause or "", line.measures or ""))
    parts = [f"原因：{cause}" if cause else "", f"措施：{measures}" if measures else ""]
    return "；".join(p for p in parts if p)


def self_evaluation_rows(lines: Sequence[SelfEvaluationLine]) -> list[dict[str, str]]:
    return [
        {
            "level1": f"{label_zh(line.level1)}指标",
            "level2": line.level2,
            "level3": line.level3,
            "target": target_text(line),
            "actual": actual_text(line),
            "weight": number(line.weight),
            "score": score_text(line.score),
            "deviation": deviation_text(line),
        }
        for line in lines
    ]
