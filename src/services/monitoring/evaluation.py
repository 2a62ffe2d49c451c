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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Region
from src.models.base import utcnow
from src.models.monitoring import Light, MonitoringWarning, WarningEventKind, WarningKind
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
from src.services.monitoring.assessment import ScopeAssessment, assess
from src.services.monitoring.checks import CHINA
from src.services.monitoring.comparison import is_period_end, period_months
from src.services.monitoring.state import ScopeData, ScopeKey
from src.services.pooling import pooling_region_level
from src.services.rows import keep_rows, kept_row
from src.services.rules.reads import RuleSet
from src.services.rules.registry import CHOICE_LABELS
from src.subjects.events import record_event

WARNED = frozenset({Light.RED, Light.YELLOW})
PERCENT_LIMIT = Decimal("1E10")  # what monitoring_warning.ratio / deviation hold (12 digits, 2 places)
CHUNK = 1000  # warnings per INSERT


@dataclass(frozen=True)
class Evaluation:
    assessment: ScopeAssessment
    year: int
    raised: list[MonitoringWarning] = field(default_factory=list)  # new this time (none when re-run)

    @property
    def key(self) -> ScopeKey:
        return self.assessment.key


def china_today() -> date:
    return utcnow().astimezone(CHINA).date()


def _storable(value: Decimal | None) -> Decimal | None:
    """A percentage the warning's column can hold; one beyond it (an actual far over a tiny cap) is not
    worth a number."""
    return value if value is not None and abs(value) < PERCENT_LIMIT else None


def indicator_key(lineage: Any, region_id: int, year: int, month: int) -> str:
    return f"{WarningKind.INDICATOR.value}:{lineage}:{region_id}:{year}-{month:02d}"


def execution_key(item: str, region_id: int, fund_type_id: int, year: int, month: int) -> str:
    return f"{WarningKind.EXECUTION.value}:{item}:{region_id}:{fund_type_id}:{year}-{month:02d}"


def warnings_of(assessment: ScopeAssessment, year: int) -> list[MonitoringWarning]:
    """The warnings an assessment calls for (not yet stored)."""
    region_id, fund_id = assessment.key
    month, goal_id = assessment.month, assessment.goal_id or 0
    found = []
    for a in assessment.indicators:
        if a.lit.light in WARNED:
            found.append(
                MonitoringWarning(
                    key=indicator_key(a.indicator.lineage_id, region_id, year, month),
                    kind=WarningKind.INDICATOR,
                    region_id=region_id,
                    fund_type_id=fund_id,
                    goal_id=goal_id,
                    indicator_lineage_id=a.indicator.lineage_id,
                    year=year,
                    month=month,
                    light=a.lit.light,
                    ratio=_storable(a.lit.ratio),
                    deviation=_storable(a.lit.deviation),
                    adjustment_review=assessment.adjustment_review and a.lit.light == Light.RED,
                )
            )
    for e in assessment.execution:
        if e.lit.light in WARNED:
            found.append(
                MonitoringWarning(
                    key=execution_key(e.item.value, region_id, fund_id, year, month),
                    kind=WarningKind.EXECUTION,
                    region_id=region_id,
                    fund_type_id=fund_id,
                    goal_id=goal_id,
                    budget_item=e.item,
                    year=year,
                    month=month,
                    light=e.lit.light,
                    ratio=_storable(e.lit.ratio),
                    deviation=_storable(e.lit.deviation),
                    large_deviation=e.lit.large_deviation,
                )
            )
    return found


async def _insert_new(
    session: AsyncSession, warnings: Sequence[MonitoringWarning]
) -> list[MonitoringWarning]:
    """Stores the warnings whose key is new (INSERT … ON CONFLICT DO NOTHING: a concurrent evaluation of
    the same period cannot raise one twice either); returns those stored, with their ids."""
    table: Any = MonitoringWarning.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).on_conflict_do_nothing(index_elements=["key"])
    stmt = stmt.returning(table.c.id, table.c.key)
    by_key = {w.key: w for w in warnings}
    connection = await session.connection()
    raised = []
    for start in range(0, len(warnings), CHUNK):
        rows = [w.model_dump(exclude={"id"}) for w in warnings[start : start + CHUNK]]
        for row_id, key in (await connection.execute(stmt, rows)).all():
            warning = by_key[key]
            warning.id = row_id
            raised.append(warning)
    return raised


def _payload(w: MonitoringWarning) -> dict[str, Any]:
    return {
        "kind": w.kind.value,
        "light": w.light.value,
        "year": w.year,
        "month": w.month,
        "ratio": None if w.ratio is None else str(w.ratio),
        "deviation": None if w.deviation is None else str(w.deviation),
        "budgetItem": None if w.budget_item is None else w.budget_item.value,
        "largeDeviation": w.large_deviation,
        "adjustmentReview": w.adjustment_review,
    }


async def raise_warnings(
    session: AsyncSession, actor: Actor | None, assessments: Iterable[ScopeAssessment], year: int
) -> list[Evaluation]:
    """Stores the warnings of each assessment not raised before and announces each (an event)."""
    items = list(assessments)
    raised = await _insert_new(session, [w for a in items for w in warnings_of(a, year)])
    await keep_rows(session, Region, {w.region_id for w in raised})
    await keep_rows(session, FundType, {w.fund_type_id for w in raised})
    for warning in raised:
        await record_event(
            session=session,
            kind=WarningEventKind.MONITORING_WARNING_RAISED,
            subject=warning,
            actor=actor,
            payload=_payload(warning),
        )
    by_scope: dict[ScopeKey, list[MonitoringWarning]] = {}
    for warning in raised:
        by_scope.setdefault(ScopeKey(warning.region_id, warning.fund_type_id), []).append(warning)
    return [Evaluation(a, year, by_scope.get(a.key, [])) for a in items]


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


async def evaluate_period(
    *, session: AsyncSession, year: int, month: int, today: date | None = None
) -> list[Evaluation]:
    """The system's evaluation of 1-`month`月 everywhere: every pooling region × fund with a goal in force
    whose rules end a period with `month`, read and compared in a fixed number of statements."""
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
    data = await load(session, year=year, month=month, keys=keys, rules=rules, goals=pooled)
    day = today or china_today()
    assessments = [assess(data[k], rules=rules[k.region_id], month=month, today=day) for k in keys]
    return await raise_warnings(session, None, assessments, year)
