"""Demo in-year monitoring (Art. 11–14) through DEMO_MONITORED_THROUGH: actuals and budget execution of every
pooling region's goal in force, the warnings at each period's end and their responses, one adjustment opened
from a warning, the 2025 year-end reports and the January 2026 compilations.

Draws from the demo's one `random.Random`, after everything else (so the rest of the demo does not change),
in the fixed order of the scopes. Actuals and execution are bulk inserted (tens of thousands of rows).
"""

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, Indicator
from src.models.enums import BudgetItem
from src.models.monitoring import (
    BudgetExecution,
    IndicatorActual,
    MonitoringWarning,
    WarningKind,
    WarningStatus,
)
from src.seed.demo.bulk import fast_insert
from src.seed.demo.context import DemoReference
from src.seed.demo.counties import CountyAgency
from src.seed.demo.figures import FundProfile, PrefectureSize
from src.seed.demo.goals import GoalPlan
from src.seed.demo.monitoring_actuals import IndicatorSeries, draw_indicator, insured_persons
from src.seed.demo.monitoring_adjustment import (
    ADJUSTED_FUND,
    ADJUSTED_INDICATOR,
    ADJUSTED_YEAR,
    forced_course,
    open_adjustment,
)
from src.seed.demo.monitoring_bodies import Bodies, load_bodies
from src.seed.demo.monitoring_compilations import COMPILATIONS, DRAFTING, add_compilations
from src.seed.demo.monitoring_entries import actual_rows
from src.seed.demo.monitoring_execution import Execution, draw_execution, execution_rows, opening_balance
from src.seed.demo.monitoring_lights import execution_lights, indicator_lights
from src.seed.demo.monitoring_reports import REPORTED_YEAR, YEAR_END, YearEnd, add_reports
from src.seed.demo.monitoring_scopes import (
    MonitoredScope,
    draw_county_weights,
    draw_entry_dates,
    monitored_scopes,
)
from src.seed.demo.monitoring_warnings import Raised, last_period, raise_warnings, warning_row, warning_rows
from src.services.monitoring.comparison import Lit, Thresholds, period_months
from src.services.rules import rules_for_region

ANSWERED_OR_CLOSED = (WarningStatus.ANSWERED, WarningStatus.CLOSED)


@dataclass(frozen=True)
class MonitoringCounts:
    indicator_actuals: int
    budget_executions: int
    warnings: int
    monitoring_reports: int
    compilations: int
    compilation_recipients: int
    adjusted_goals: int
    adjusted_indicators: int


@dataclass
class _Scoped:
    scope: MonitoredScope
    execution: Execution
    series: list[tuple[IndicatorSeries, dict[int, Lit]]]
    raised: list[Raised]


async def add_monitoring(
    session: AsyncSession,
    rng: random.Random,
    ref: DemoReference,
    goals: list[GoalPlan],
    counties: list[CountyAgency],
    sizes: dict[str, PrefectureSize],
    profiles: dict[str, FundProfile],
) -> MonitoringCounts:
    weights = draw_county_weights(rng, counties)
    scopes = await monitored_scopes(session, ref, goals, counties, weights, sizes, profiles)
    rules = await rules_for_region(session=session, region=ref.province)
    thresholds, periods = Thresholds.of(rules), period_months(rules.monitoring_periods)

    actuals: list[dict[str, Any]] = []
    executions: list[dict[str, Any]] = []
    scoped: list[_Scoped] = []
    closing: dict[tuple[str, str], Decimal] = {}  # (region, fund) → the executed year-end balance
    for scope in scopes:
        dates = draw_entry_dates(rng, scope)
        key = (scope.region.code, scope.fund.code)
        execution = draw_execution(rng, scope, opening_balance(scope, closing.get(key)))
        if YEAR_END in scope.months:
            closing[key] = execution.whole[BudgetItem.ACCUMULATED_BALANCE][YEAR_END]
        executions += execution_rows(scope, execution, dates)
        insured = insured_persons(scope)
        lit_series: list[tuple[IndicatorSeries, dict[int, Lit]]] = []
        for indicator in scope.indicators:
            series = draw_indicator(
                rng, scope, indicator, execution, insured, forced_course(scope, indicator.level3)
            )
            if series is None:
                continue
            lights = indicator_lights(series, scope.months, thresholds)
            actuals += actual_rows(scope, series, lights, dates)
            lit_series.append((series, lights))
        lit_execution = execution_lights(scope, execution, thresholds)
        scoped.append(
            _Scoped(scope, execution, lit_series, raise_warnings(scope, lit_series, lit_execution, periods))
        )
    await fast_insert(session, IndicatorActual, actuals)
    await fast_insert(session, BudgetExecution, executions)

    bodies = await load_bodies(session)
    raised = [w for s in scoped for w in s.raised]
    warnings = warning_rows(
        rng, raised, bodies, periods, reserved=lambda w: forced_course(w.scope, w.level3) is not None
    )
    adjusted = await _adjust_from_warning(session, rng, scoped, bodies, last_period(periods))
    await fast_insert(session, MonitoringWarning, warnings)

    reported = [
        _year_end(s)
        for s in scoped
        if s.scope.year == REPORTED_YEAR
        and (s.scope.region.code in COMPILATIONS or s.scope.region == ref.province)
    ]
    reports = await add_reports(session, rng, reported, bodies, DRAFTING)
    compilations, recipients = await add_compilations(
        session, rng, ref.prefectures, ref.province, reported, bodies
    )
    return MonitoringCounts(
        indicator_actuals=len(actuals),
        budget_executions=len(executions),
        warnings=len(warnings),
        monitoring_reports=reports,
        compilations=compilations,
        compilation_recipients=recipients,
        adjusted_goals=1,
        adjusted_indicators=await _count_indicators(session, adjusted),
    )


def _year_end(scoped: _Scoped) -> YearEnd:
    answered = sum(w.row["status"] in ANSWERED_OR_CLOSED for w in scoped.raised)
    return YearEnd(
        scope=scoped.scope,
        execution=scoped.execution,
        lights=[(series.indicator.level3, lights[YEAR_END].light) for series, lights in scoped.series],
        warnings=len(scoped.raised),
        answered=answered,
    )


async def _adjust_from_warning(
    session: AsyncSession, rng: random.Random, scoped: list[_Scoped], bodies: Bodies, last: tuple[int, int]
) -> Goal:
    """The story of monitoring_adjustment: the earlier quarters' red warnings answered with corrections, the
    last one with the adjustment."""
    [story] = [s for s in scoped if (s.scope.fund.code, s.scope.year) == (ADJUSTED_FUND, ADJUSTED_YEAR)]
    [(series, _)] = [(x, lights) for x, lights in story.series if x.indicator.level3 == ADJUSTED_INDICATOR]
    mine = [
        w
        for w in story.raised
        if w.kind == WarningKind.INDICATOR and w.lineage == series.indicator.lineage_id
    ]
    [latest] = [w for w in mine if w.period == last]
    for warning in mine:
        if warning is not latest and warning.row["status"] != WarningStatus.ANSWERED:
            warning.row.update(warning_row(rng, warning, WarningStatus.ANSWERED, bodies))
    return await open_adjustment(session, story.scope, series, latest.row)


async def _count_indicators(session: AsyncSession, goal: Goal) -> int:
    stmt = select(func.count()).select_from(Indicator).where(Indicator.goal_id == goal.id)
    return int((await session.exec(stmt)).one())
