"""The demo's IndicatorActual rows: one per entrant, indicator (by lineage) and month, with what FORMS §3
asks beside the figure — 完成目标可能性 on every row, 全年预计完成情况 and the cause of the deviation where
the pooling region's light is yellow or red."""

from typing import Any

from src.models.enums import Comparator
from src.seed.demo.context import row_id
from src.seed.demo.courses import Course
from src.seed.demo.monitoring_actuals import IndicatorSeries
from src.seed.demo.monitoring_lights import OFF_TRACK
from src.seed.demo.monitoring_scopes import EntryDates, MonitoredScope
from src.seed.demo.monitoring_texts import CAUSE_FIELDS, cause_fields, forecast, likelihood, theme_of
from src.services.monitoring.comparison import Lit

HOPELESS = frozenset({Course.FAR_BEHIND, Course.SLIPPING})
LATE_IN_YEAR = 9  # from September a course far behind is judged 完全不可能
_NO_CAUSES = dict.fromkeys(CAUSE_FIELDS.values(), "")


def _notes(series: IndicatorSeries, lit: Lit, month: int) -> dict[str, Any]:
    indicator = series.indicator
    hopeless = series.course in HOPELESS or indicator.comparator == Comparator.LE
    chance = likelihood(lit.light, month >= LATE_IN_YEAR, hopeless)
    notes: dict[str, Any] = {"likelihood": chance, "forecast": "", **_NO_CAUSES}
    if lit.light in OFF_TRACK:
        notes["forecast"] = forecast(indicator.level3, indicator.comparator, lit, chance)
        notes |= cause_fields(theme_of(indicator.level3, indicator.comparator == Comparator.GRADE))
    return notes


def actual_rows(
    scope: MonitoredScope, series: IndicatorSeries, lights: dict[int, Lit], dates: EntryDates
) -> list[dict[str, Any]]:
    notes = {m: _notes(series, lit, m) for m, lit in lights.items()}
    common = {
        "goal_id": row_id(scope.goal),
        "goal_lineage_id": scope.goal.lineage_id,
        "indicator_lineage_id": series.indicator.lineage_id,
        "pooling_region_id": row_id(scope.region),
        "fund_type_id": row_id(scope.fund),
        "year": scope.year,
        "remark": "",
        "row_version": 1,
    }
    rows: list[dict[str, Any]] = []
    for entrant, figures in series.entries:
        region_id = row_id(entrant.region)
        for month, figure in figures.items():
            at = dates[(region_id, month)]
            rows.append(
                {
                    **common,
                    "region_id": region_id,
                    "month": month,
                    "value": figure.value,
                    "numerator": figure.numerator,
                    "denominator": figure.denominator,
                    "grade": figure.grade,
                    "organization_id": entrant.organization_id,
                    "user_id": entrant.user_id,
                    "created_at": at,
                    "updated_at": at,
                    **notes[month],
                }
            )
    return rows
