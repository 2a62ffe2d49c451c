"""Evaluating a monitoring period (Art. 13 「定期将绩效实现情况与预期绩效目标进行比较分析」) and raising its
warnings (Art. 14).

For a pooling region × fund and a month that ends a period under its MONITORING_PERIODS, the goal in force
is compared with the figures of 1-N月 (assessment.py, thresholds from the region's rules): each RED or YELLOW
indicator raises an INDICATOR warning (「及时提示警示纠偏」), each RED or YELLOW budget line an EXECUTION
warning (「督促加快进度」), noting a large deviation (「执行偏差较大的应及时按规定进行调整」); a goal red
ADJUSTMENT_REVIEW_RED_PERIODS periods in a row marks its red indicators' warnings for adjustment review.
A warning's key is unique: evaluating a period again raises nothing twice (and leaves earlier warnings and
their answers alone). Each warning raised is an event; the warnings are for the pooling region's bodies.

`evaluate` serves a user (finance or the supervising administration of the pooling region) or, with no
actor, the system; `evaluate_period` is the system's: every pooling region and fund whose period ends then.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Region
from src.services import audit, policy
from src.services.actors import Actor
from src.services.errors import (
    ErrorCode,
    FieldProblem,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
    WarningErrorCode,
)
from src.services.monitoring import state
from src.services.monitoring.assessment import assess
from src.services.monitoring.checks import entry_due_on
from src.services.monitoring.comparison import is_period_end, period_months
from src.services.monitoring.raising import Evaluation, china_today, raise_warnings
from src.services.monitoring.state import ScopeData, ScopeKey
from src.services.pooling import pooling_region_level
from src.services.rows import kept_row
from src.services.rules.reads import RuleSet
from src.services.rules.registry import CHOICE_LABELS

__all__ = ["Evaluation", "china_today", "evaluate", "evaluate_period", "load"]


async def load(
    session: AsyncSession,
    *,
    year: int,
    month: int,
    keys: Sequence[ScopeKey],
    rules: Mapping[int, RuleSet],
    goals: Mapping[ScopeKey, Any],
) -> dict[ScopeKey, ScopeData]:
    """The data of `keys` that evaluating `month` reads: indicators and their figures at every period end
    up to it (for the run of red periods), budgets and execution of the month."""
    months = {month} | {m for r in rules.values() for m in period_months(r.monitoring_periods) if m <= month}
    regions = {k.region_id for k in keys}
    funds = {k.fund_type_id for k in keys}
    ids = [g.id for g in goals.values() if g is not None]
    return state.assemble(
        keys,
        year=year,
        goals=goals,
        indicators=await state.indicator_lines(session, ids),
        actuals=await state.actual_entries(
            session, year=year, months=months, pooling_region_ids=regions, fund_ids=funds
        ),
        budgets=await state.budget_amounts(session, year=year, region_ids=regions, fund_ids=funds),
        executions=await state.execution_entries(
            session, year=year, months={month}, pooling_region_ids=regions, fund_ids=funds
        ),
    )


def _check_period(year: int, month: int) -> None:
    problems = []
    if not 1 <= month <= 12:
        problems.append(FieldProblem("input.month", "月份须在 1 至 12 之间", ErrorCode.OUT_OF_RANGE))
    if not 2000 <= year <= 2100:
        problems.append(FieldProblem("input.year", "年度须在 2000 至 2100 之间", ErrorCode.OUT_OF_RANGE))
    if problems:
        raise ValidationFailed(problems)


async def evaluate(
    *,
    session: AsyncSession,
    actor: Actor | None,
    region_id: int,
    fund_type_id: int,
    year: int,
    month: int,
    today: date | None = None,
) -> Evaluation:
    """Evaluates one pooling region × fund for 1-`month`月 and raises its new warnings. `actor` None: the
    system (a periodic task); otherwise MONITORING_EVALUATE at the pooling region."""
    _check_period(year, month)
    region = await kept_row(session, Region, region_id)
    fund = await kept_row(session, FundType, fund_type_id)
    if region is None or fund is None:
        raise NotFound("地区" if region is None else "险种", region_id if region is None else fund_type_id)
    if actor is not None:
        scope = policy.Scope(region.path, region.level, fund.administration)
        policy.require(actor, policy.Action.MONITORING_EVALUATE, scope)
    level = (await state.pooling_levels(session, year=year)).get(fund_type_id)
    if level is None or pooling_region_level(level) != region.level:
        raise PreconditionFailed(
            f"{region.name}不是{fund.name_zh}{year}年的统筹地区，运行监控由统筹地区开展",
            code=WarningErrorCode.EVALUATION_NOT_POOLING_REGION,
        )
    rules = await state.rules_of(session, [region])
    periods = rules[region_id].monitoring_periods
    if not is_period_end(month, periods):
        months = "、".join(str(m) for m in period_months(periods))
        message = f"{month}月不是监控期末：{region.name}运行监控{CHOICE_LABELS[periods]}比较（{months}月）"
        raise ValidationFailed([FieldProblem("input.month", message, ErrorCode.INVALID)])
    key = ScopeKey(region_id, fund_type_id)
    goals = await state.goals_in_force(session, year=year, region_ids=[region_id], fund_ids=[fund_type_id])
    if key not in goals:
        raise PreconditionFailed(
            f"{region.name}{fund.name_zh}{year}年尚无已下达的绩效目标，无从比较",
            code=WarningErrorCode.EVALUATION_NO_GOAL_IN_FORCE,
        )
    data = await load(session, year=year, month=month, keys=[key], rules=rules, goals=goals)
    assessment = assess(data[key], rules=rules[region_id], month=month, today=today or china_today())
    [evaluation] = await raise_warnings(session, actor, [assessment], year)
    if actor is not None:
        await audit.record(
            session=session,
            actor=actor,
            operation="monitoringEvaluate",
            target_type="MonitoringWarning",
            target_id=None,
            before={},
            after={},
            extra={
                "region_id": region_id,
                "fund_type_id": fund_type_id,
                "year": year,
                "month": month,
                "raised_ids": [w.id for w in evaluation.raised],
            },
        )
    return evaluation


def _due_on(year: int, month: int, rules: RuleSet) -> date:
    return entry_due_on(year, month, int(rules.monitoring_entry_due_days))


async def evaluate_period(
    *,
    session: AsyncSession,
    year: int,
    month: int,
    today: date | None = None,
    entries_due_before: date | None = None,
) -> list[Evaluation]:
    """The system's evaluation of 1-`month`月 everywhere: every pooling region × fund with a goal in force
    whose rules end a period with `month`, read and compared in a fixed number of statements. With
    `entries_due_before`, only those whose entries were due (MONITORING_ENTRY_DUE_DAYS after the month)
    before that day: a period is not judged while its figures may still come in on time."""
    _check_period(year, month)
    levels = await state.pooling_levels(session, year=year)
    goals = await state.goals_in_force(session, year=year)
    stmt = select(Region).where(col(Region.id).in_(sorted({k.region_id for k in goals})))
    regions = {r.id: r for r in (await session.exec(stmt)).all()}
    # A province-wide goal of a fund pooled lower is rolled up, not evaluated: warnings go where it is pooled.
    pooled = {
        key: goal
        for key, goal in goals.items()
        if key.fund_type_id in levels
        and pooling_region_level(levels[key.fund_type_id]) == regions[key.region_id].level
    }
    rules = await state.rules_of(session, [regions[k.region_id] for k in pooled])
    keys = sorted(k for k in pooled if is_period_end(month, rules[k.region_id].monitoring_periods))
    if entries_due_before is not None:
        keys = [k for k in keys if _due_on(year, month, rules[k.region_id]) < entries_due_before]
    data = await load(session, year=year, month=month, keys=keys, rules=rules, goals=pooled)
    day = today or china_today()
    assessments = [assess(data[k], rules=rules[k.region_id], month=month, today=day) for k in keys]
    return await raise_warnings(session, None, assessments, year)
