"""A region's monitoring dashboard (Art. 12, 13): for every fund, the goal in force, each indicator's latest
figure up to the month asked for and its light, each budget line's execution with its rate and light, the
open warnings, and 及时性 / 合规性 / 有效性 (checks.py) — in a fixed number of statements whatever the number
of funds, indicators and regions (each kind of row is read once for all funds: state.py).

How a region sees a fund depends on where the fund is pooled (Art. 6, services/pooling.py):
- POOLING: the region is the fund's pooling region: its own goal, its figures (its parts' where entered);
- ROLL_UP: the fund is pooled below it (the province, for the funds pooled by prefecture): the province-wide
  goal with the pooling regions' figures rolled up (regional.py);
- PART: the region is a part of the pooling region above it (a prefecture of a fund pooled at the province, a
  county of one pooled by its prefecture): that pooling region's goal with the part's own entries.
What is read goes through the subject clauses: a reader sees the figures, budgets, goals and warnings they
may read, and nothing else.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import Integer, cast, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, Region
from src.models.enums import RegionLevel, add_labels
from src.models.monitoring import MonitoringWarning
from src.services import policy
from src.services.actors import Actor
from src.services.budgets.scope import visible_budgets_clause
from src.services.errors import NotFound
from src.services.goals.scope import visible_goals_clause
from src.services.monitoring import checks, state
from src.services.monitoring.assessment import ExecutionAssessment, IndicatorAssessment, assess
from src.services.monitoring.comparison import Thresholds
from src.services.monitoring.evaluation import china_today
from src.services.monitoring.regional import roll_up
from src.services.monitoring.scope import (
    visible_actuals_clause,
    visible_executions_clause,
    visible_warnings_clause,
)
from src.services.monitoring.state import ScopeKey
from src.services.monitoring.warning_reads import OPEN_STATES
from src.services.pooling import pooling_region_level
from src.services.rules.reads import ancestor_codes

LEVELS = (RegionLevel.PROVINCE, RegionLevel.PREFECTURE, RegionLevel.COUNTY)  # top down


class View(StrEnum):
    POOLING = "POOLING"
    ROLL_UP = "ROLL_UP"
    PART = "PART"
    NONE = "NONE"  # no pooling arrangement for the year


add_labels(
    [
        (View.POOLING, "统筹地区"),
        (View.ROLL_UP, "下级统筹地区汇总"),
        (View.PART, "统筹地区的组成部分"),
        (View.NONE, "未设置统筹层次"),
    ]
)


@dataclass(frozen=True)
class FundDashboard:
    fund: FundType
    view: View
    pooling_region_ids: tuple[int, ...]  # whose figures make the view
    goal: Goal | None
    indicators: tuple[IndicatorAssessment, ...]
    reported: tuple[
        int, ...
    ]  # per indicator: the pooling regions whose figures it holds (1 but in a roll-up)
    execution: tuple[ExecutionAssessment, ...]
    open_warnings: int
    adjustment_review: bool  # an open warning asks for it, or the goal's red run reached the rule's
    timeliness: checks.Timeliness
    compliance: checks.Compliance
    effectiveness: checks.Effectiveness


@dataclass(frozen=True)
class Dashboard:
    region: Region
    year: int
    month: int
    funds: tuple[FundDashboard, ...]


def _view(region: Region, level: RegionLevel | None) -> View:
    if level is None:
        return View.NONE
    if region.level == level:
        return View.POOLING
    return View.ROLL_UP if LEVELS.index(region.level) < LEVELS.index(level) else View.PART


async def _open_warnings(
    session: AsyncSession, actor: Actor, keys: set[ScopeKey], year: int
) -> dict[ScopeKey, tuple[int, bool]]:
    """Open warnings per pooling region × fund, and whether any asks for adjustment review."""
    review = func.sum(cast(col(MonitoringWarning.adjustment_review), Integer))
    stmt = (
        select(MonitoringWarning.region_id, MonitoringWarning.fund_type_id, func.count(), review)
        .where(
            visible_warnings_clause(actor),
            MonitoringWarning.year == year,
            col(MonitoringWarning.status).in_([s.value for s in OPEN_STATES]),
            col(MonitoringWarning.region_id).in_(sorted({k.region_id for k in keys})),
        )
        .group_by(col(MonitoringWarning.region_id), col(MonitoringWarning.fund_type_id))
    )
    return {ScopeKey(r, f): (n, bool(flagged)) for r, f, n, flagged in (await session.exec(stmt)).all()}


async def dashboard(
    *, session: AsyncSession, actor: Actor, region_code: str, year: int, month: int, today: date | None = None
) -> Dashboard:
    """The dashboard of `region_code` as of 1-`month`月 of `year`, as `actor` may read it."""
    region = (await session.exec(select(Region).where(Region.code == region_code))).first()
    if region is None or region.id is None:
        raise NotFound("地区", region_code)
    near = or_(
        col(Region.path).startswith(region.path, autoescape=True),
        col(Region.code).in_(ancestor_codes(region.path)),
    )
    regions = {r.id or 0: r for r in (await session.exec(select(Region).where(near))).all()}
    levels = await state.pooling_levels(session, year=year)
    funds = [
        f
        for f in await state.active_funds(session)
        if actor.actor_type not in policy.ADMINISTRATION_BOUND or f.administration == actor.administration
    ]
    pooling: dict[int, tuple[View, list[int]]] = {}
    for fund in funds:
        level = pooling_region_level(levels[fund.id or 0]) if fund.id in levels else None
        view = _view(region, level)
        if view == View.POOLING:
            ids = [region.id]
        elif view == View.ROLL_UP:
            ids = sorted(i for i, r in regions.items() if r.level == level and r.path.startswith(region.path))
        elif view == View.PART:
            ids = [i for i, r in regions.items() if r.level == level and region.path.startswith(r.path)]
        else:
            ids = []
        pooling[fund.id or 0] = (view, ids)
    keys = {ScopeKey(r, f) for f, (_, ids) in pooling.items() for r in ids}
    region_ids = {k.region_id for k in keys} | {region.id}
    fund_ids = {f.id or 0 for f in funds}
    goals = await state.goals_in_force(
        session, year=year, region_ids=region_ids, fund_ids=fund_ids, clause=visible_goals_clause(actor)
    )
    pooling_ids = {k.region_id for k in keys}
    months = set(range(1, month + 1))
    data = state.assemble(
        keys | {ScopeKey(region.id, f) for f in fund_ids},
        year=year,
        goals=goals,
        indicators=await state.indicator_lines(session, [g.id or 0 for g in goals.values()]),
        actuals=await state.actual_entries(
            session, year=year, months=months, pooling_region_ids=pooling_ids, fund_ids=fund_ids,
            clause=visible_actuals_clause(actor),
        ),
        budgets=await state.budget_amounts(
            session, year=year, region_ids=pooling_ids, fund_ids=fund_ids,
            clause=visible_budgets_clause(actor),
        ),
        executions=await state.execution_entries(
            session, year=year, months=months, pooling_region_ids=pooling_ids, fund_ids=fund_ids,
            clause=visible_executions_clause(actor),
        ),
    )  # fmt: skip
    rules = await state.rules_of(session, [regions[i] for i in pooling_ids | {region.id}])
    warnings = await _open_warnings(session, actor, keys, year)
    day = today or china_today()
    subtree = {i for i, r in regions.items() if r.path.startswith(region.path)}
    thresholds = Thresholds.of(rules[region.id])
    built = []
    for fund in funds:
        view, ids = pooling[fund.id or 0]
        fund_id = fund.id or 0
        scoped = [data[ScopeKey(i, fund_id)] for i in ids]
        only = subtree.__contains__ if view == View.PART else None
        assessed = {
            d.key.region_id: assess(
                d, rules=rules[d.key.region_id], month=month, today=day, latest=True, only=only
            )
            for d in scoped
        }
        counts = [warnings.get(ScopeKey(i, fund_id), (0, False)) for i in ids]
        open_count, flagged = sum(n for n, _ in counts), any(f for _, f in counts)
        if view == View.ROLL_UP:
            own = data[ScopeKey(region.id, fund_id)]
            rolled = roll_up(own.indicators, scoped, assessed, month=month, thresholds=thresholds)
            built.append(
                FundDashboard(
                    fund, view, tuple(ids), own.goal, rolled.indicators, rolled.reported, rolled.execution,
                    open_count, flagged or rolled.adjustment_review, rolled.timeliness, rolled.compliance,
                    rolled.effectiveness,
                )
            )  # fmt: skip
        elif scoped:
            a = assessed[ids[0]]
            reported = tuple(int(i.figure is not None) for i in a.indicators)
            built.append(
                FundDashboard(
                    fund, view, tuple(ids), scoped[0].goal, a.indicators, reported, a.execution, open_count,
                    flagged or a.adjustment_review, a.timeliness, a.compliance, a.effectiveness,
                )
            )  # fmt: skip
        else:
            nothing = checks.effectiveness([])
            built.append(
                FundDashboard(fund, view, (), None, (), (), (), 0, False, checks.Timeliness(None),
                              checks.Compliance(), nothing)
            )  # fmt: skip
    return Dashboard(region=region, year=year, month=month, funds=tuple(built))
