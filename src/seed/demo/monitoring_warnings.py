"""Demo warnings (Art. 14): one per yellow or red light of a pooling region's indicator or executed budget
line at each period's end (MONITORING_PERIODS, quarterly by default), and what its bodies answered.

2025's and the first 2026 quarter's are answered — 提示警示纠偏 by the supervising administration,
督促加快执行进度 with a date by finance — or closed (the next period back to normal, or the year over);
later 2026 ones are partly still open, one has a response only drafted, and one led to adjusting the goal
(monitoring_adjustment).
Written as rows; the warning service can take their place.
"""

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from src.models.enums import ActorType, Aggregation, BudgetItem, Comparator
from src.models.monitoring import Light, WarningKind, WarningResponseKind, WarningStatus
from src.seed.demo.context import row_id
from src.seed.demo.monitoring_actuals import IndicatorSeries
from src.seed.demo.monitoring_bodies import Bodies, administration_of, scope_body
from src.seed.demo.monitoring_lights import OFF_TRACK, ExecutionLit
from src.seed.demo.monitoring_scopes import DEMO_MONITORED_THROUGH, MonitoredScope, at_office_hours, month_end
from src.seed.demo.monitoring_texts import (
    YEAR_END_CLOSE,
    correction_note,
    period_label,
    recovered_note,
    urge_note,
)
from src.services.monitoring.comparison import Lit
from src.services.monitoring.raising import execution_key, indicator_key

RAISED_ON_DAY = 15  # evaluated once the period's entries are in (MONITORING_ENTRY_DUE_DAYS is 10)


@dataclass
class Raised:
    scope: MonitoredScope
    kind: WarningKind
    month: int
    lit: Lit
    later: tuple[int, Light] | None  # the same thing's month and light at the next period monitored, if any
    level3: str = ""  # an indicator's name
    comparator: Comparator = Comparator.GE
    aggregation: Aggregation = Aggregation.SUM
    lineage: uuid.UUID | None = None
    item: BudgetItem | None = None
    row: dict[str, Any] = field(default_factory=dict)

    @property
    def period(self) -> tuple[int, int]:
        return (self.scope.year, self.month)


def warning_key(warning: Raised) -> str:
    """The key the system's evaluation gives the same warning (raising.py), so that evaluating the demo's
    periods again on the schedule finds them raised and raises nothing twice."""
    scope = warning.scope
    region, year, month = row_id(scope.region), scope.year, warning.month
    if warning.kind == WarningKind.INDICATOR:
        return indicator_key(warning.lineage, region, year, month)
    assert warning.item is not None
    return execution_key(warning.item.value, region, row_id(scope.fund), year, month)


def _next_light(lights: dict[int, Light], month: int, periods: list[int]) -> tuple[int, Light] | None:
    later = [p for p in periods if p > month and p in lights]
    return (later[0], lights[later[0]]) if later else None


def raise_warnings(
    scope: MonitoredScope,
    indicators: list[tuple[IndicatorSeries, dict[int, Lit]]],
    execution: dict[BudgetItem, dict[int, ExecutionLit]],
    periods: tuple[int, ...],
) -> list[Raised]:
    ends = [p for p in periods if p in scope.months]
    raised: list[Raised] = []
    for series, lights in indicators:
        plain = {m: lights[m].light for m in ends}
        for month in ends:
            if lights[month].light in OFF_TRACK:
                indicator = series.indicator
                raised.append(
                    Raised(
                        scope,
                        WarningKind.INDICATOR,
                        month,
                        lights[month],
                        _next_light(plain, month, ends),
                        level3=indicator.level3,
                        comparator=indicator.comparator,
                        aggregation=indicator.aggregation,
                        lineage=indicator.lineage_id,
                    )
                )
    for item, by_month in execution.items():
        plain = {m: by_month[m].lit.light for m in ends}
        for month in ends:
            lit = by_month[month].lit
            if lit.light in OFF_TRACK:
                raised.append(
                    Raised(
                        scope, WarningKind.EXECUTION, month, lit, _next_light(plain, month, ends), item=item
                    )
                )
    return raised


def _status(rng: random.Random, warning: Raised, last_period: tuple[int, int]) -> WarningStatus:
    last_year = last_period[0]
    recovered = warning.later is not None and warning.later[1] in (Light.GREEN, Light.BLUE)
    if warning.period == last_period:  # raised weeks ago: most still open
        return WarningStatus.ANSWERED if rng.random() < 0.35 else WarningStatus.OPEN
    if warning.scope.year == last_year and warning.month > 3:
        if recovered and rng.random() < 0.5:
            return WarningStatus.CLOSED
        return WarningStatus.ANSWERED if rng.random() < 0.8 else WarningStatus.OPEN
    if warning.month == 12:
        return WarningStatus.CLOSED if rng.random() < 0.2 else WarningStatus.ANSWERED
    if recovered and rng.random() < 0.55:
        return WarningStatus.CLOSED
    return WarningStatus.ANSWERED


def _raised_at(warning: Raised, rng: random.Random) -> datetime:
    day = month_end(warning.scope.year, warning.month) + timedelta(days=RAISED_ON_DAY)
    return at_office_hours(day, rng)


def response(
    rng: random.Random, warning: Raised, status: WarningStatus, bodies: Bodies, raised_at: datetime
) -> dict[str, Any]:
    """The response fields of a warning answered, closed or with a response drafted."""
    if status == WarningStatus.OPEN:
        return {}
    scope = warning.scope
    agency = scope_body(bodies, scope, ActorType.AGENCY)[2]
    period = period_label(scope.year, warning.month)
    responded = at_office_hours((raised_at + timedelta(days=rng.randint(3, 25))).date(), rng)
    fields: dict[str, Any] = {"responded_at": None if status == WarningStatus.RESPONSE_DRAFT else responded}
    if status == WarningStatus.CLOSED:
        org, user, _ = scope_body(bodies, scope, ActorType.FINANCE)
        if warning.later is None:
            note = YEAR_END_CLOSE
        else:
            later_month, later_light = warning.later
            note = recovered_note(period=period_label(scope.year, later_month), light=later_light)
        fields |= {"response": WarningResponseKind.CLOSE, "response_note": note}
    elif warning.kind == WarningKind.INDICATOR:
        org, user, _ = scope_body(bodies, scope, administration_of(scope))
        note = correction_note(
            level3=warning.level3,
            comparator=warning.comparator,
            aggregation=warning.aggregation,
            lit=warning.lit,
            period=period,
            agency=agency,
        )
        fields |= {"response": WarningResponseKind.CORRECTION, "response_note": note}
    else:
        assert warning.item is not None
        org, user, _ = scope_body(bodies, scope, ActorType.FINANCE)
        due = month_end(*_next_month(responded.date()))
        note = urge_note(item=warning.item, lit=warning.lit, period=period, agency=agency, due=due)
        fields |= {"response": WarningResponseKind.URGE, "response_note": note, "urge_due_on": due}
    return fields | {"responder_user_id": user, "responder_organization_id": org}


def _next_month(day: date) -> tuple[int, int]:
    return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)


def warning_row(rng: random.Random, warning: Raised, status: WarningStatus, bodies: Bodies) -> dict[str, Any]:
    scope = warning.scope
    raised_at = _raised_at(warning, rng)
    row: dict[str, Any] = {
        "key": warning_key(warning),
        "kind": warning.kind,
        "region_id": row_id(scope.region),
        "fund_type_id": row_id(scope.fund),
        "goal_id": row_id(scope.goal),
        "indicator_lineage_id": warning.lineage,
        "budget_item": warning.item,
        "year": scope.year,
        "month": warning.month,
        "light": warning.lit.light,
        "ratio": warning.lit.ratio,
        "deviation": warning.lit.deviation,
        "status": status,
        "response": None,
        "response_note": "",
        "urge_due_on": None,
        "adjustment_goal_id": None,
        "responded_at": None,
        "responder_user_id": None,
        "responder_organization_id": None,
        "row_version": 1 if status == WarningStatus.OPEN else 2,
        "created_at": raised_at,
    }
    row |= response(rng, warning, status, bodies, raised_at)
    row["updated_at"] = row["responded_at"] or raised_at
    return row


def last_period(periods: tuple[int, ...]) -> tuple[int, int]:
    """The last period evaluated by the demo's "as of": September 2026 under quarterly periods."""
    year, month = DEMO_MONITORED_THROUGH
    return (year, max(p for p in periods if p <= month))


def warning_rows(
    rng: random.Random,
    raised: list[Raised],
    bodies: Bodies,
    periods: tuple[int, ...],
    reserved: Callable[[Raised], bool],
) -> list[dict[str, Any]]:
    """Every warning's row; the first indicator warning of the last period left open (and not `reserved`
    for another story) gets a response drafted."""
    rows: list[dict[str, Any]] = []
    drafted = False
    last = last_period(periods)
    for warning in raised:
        status = _status(rng, warning, last)
        if (
            not drafted
            and warning.period == last
            and status == WarningStatus.OPEN
            and warning.kind == WarningKind.INDICATOR
            and not reserved(warning)
        ):
            status, drafted = WarningStatus.RESPONSE_DRAFT, True
        warning.row = warning_row(rng, warning, status, bodies)
        rows.append(warning.row)
    return rows
