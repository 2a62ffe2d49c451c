"""The rows of the monitoring documents' tables, as display strings, from a report's generated tables
(src/services/monitoring/report_tables.py): indicators in category order (一级 by Art. 9, 二级 as the
library orders them: each category one merged block), budget execution in 万元, warnings."""

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import label_zh
from src.models.monitoring import DeviationCause, Light, WarningStatus
from src.reports.contexts.goal_rows import in_category_order, level2_order
from src.reports.contexts.monitoring_common import (
    LIGHT_ORDER,
    NONE,
    actual_text,
    light_word,
    pct,
    progress_text,
    target_text,
    wan_yuan,
)
from src.services.monitoring.report_lines import ExecutionLine, IndicatorLine
from src.services.monitoring.report_tables import MonitoringTables, WarningLine

CHECK = "√"
CAUSE_KEYS = {
    DeviationCause.FUNDING: "funding",
    DeviationCause.SYSTEM: "system",
    DeviationCause.STAFFING: "staffing",
    DeviationCause.HARDWARE: "hardware",
    DeviationCause.OTHER: "other",
}
# A warning whose response is only drafted is still open to whoever reads the document.
SHOWN_STATUS = {WarningStatus.RESPONSE_DRAFT: WarningStatus.OPEN}


async def ordered_lines(session: AsyncSession, tables: MonitoringTables) -> list[IndicatorLine]:
    by_id = {line.indicator.id: line for line in tables.indicators}
    ordered = in_category_order([line.indicator for line in tables.indicators], await level2_order(session))
    return [by_id[i.id] for i in ordered]


def _remark(line: IndicatorLine) -> str:
    """备注: the deviation's causes in words (the columns tick them), then the remark."""
    parts = [f"{label_zh(cause)}：{text}" for cause, text in line.causes.items()]
    return "；".join([*parts, *([line.remark] if line.remark else [])])


def form_rows(lines: Sequence[IndicatorLine]) -> list[dict[str, str]]:
    """The 监控表's indicator rows (FORMS §3A)."""
    return [
        {
            "level1": f"{label_zh(line.indicator.level1)}指标",
            "level2": line.indicator.level2,
            "level3": line.indicator.level3,
            "target": target_text(line),
            "actual": actual_text(line),
            "forecast": line.forecast or NONE,
            **{key: CHECK if cause in line.causes else "" for cause, key in CAUSE_KEYS.items()},
            "likelihood": label_zh(line.likelihood) if line.likelihood else NONE,
            "light": light_word(line.lit.light),
            "remark": _remark(line),
        }
        for line in lines
    ]


def report_rows(lines: Sequence[IndicatorLine]) -> list[dict[str, str]]:
    """The report's indicator table: target, actual, progress and the light."""
    return [
        {
            "level1": f"{label_zh(line.indicator.level1)}指标",
            "level3": line.indicator.level3,
            "target": target_text(line),
            "actual": actual_text(line),
            "progress": progress_text(line),
            "light": light_word(line.lit.light),
        }
        for line in lines
    ]


def execution_rows(lines: Sequence[ExecutionLine]) -> list[dict[str, str]]:
    """Budget execution in 万元: a category's total, then its lines (indented)."""
    return [
        {
            "label": line.label if line.item is None else f"　　{line.label}",
            "initial": wan_yuan(line.initial),
            "budget": wan_yuan(line.budget),
            "executed": wan_yuan(line.executed),
            "rate": pct(line.rate),
            "light": light_word(line.lit.light),
        }
        for line in lines
    ]


def warning_rows(lines: Sequence[WarningLine]) -> list[dict[str, str]]:
    rows = []
    for line in lines:
        w = line.warning
        status = SHOWN_STATUS.get(w.status, w.status)
        answered = status in (WarningStatus.ANSWERED, WarningStatus.CLOSED)
        response = label_zh(w.response) if answered and w.response else label_zh(status)
        rows.append(
            {
                "kind": label_zh(w.kind),
                "subject": line.subject,
                "period": f"1-{w.month}月",
                "light": light_word(w.light),
                "deviation": f"{w.deviation}%" if w.deviation is not None else NONE,
                "response": response,
            }
        )
    return rows


def light_counts(tables: MonitoringTables) -> dict[str, str]:
    """How many indicators have each light, by the light's word: the overview a reader looks at first."""
    counts = tables.light_counts()
    return {light_word(light): str(counts[light]) for light in LIGHT_ORDER}


def overview(tables: MonitoringTables) -> str:
    """The sentence that opens 执行进展: the lights of the indicators and the execution against time."""
    counts = tables.light_counts()
    lit = "、".join(f"{light_word(light)}{counts[light]}项" for light in LIGHT_ORDER if counts[light])
    parts = [f"截至{tables.month}月末，{len(tables.indicators)}项绩效指标中{lit or '尚无填报'}"]
    spending = next(
        (line for line in tables.execution if line.item is None and line.label == "基金支出"), None
    )
    if spending is not None and spending.rate is not None:
        parts.append(f"基金支出预算执行率{pct(spending.rate)}（序时进度{pct(tables.elapsed)}）")
    if tables.goal_light != Light.NONE:
        parts.append(f"绩效目标监控结果为{light_word(tables.goal_light)}")
    return "；".join(parts) + "。"
