"""Recording indicator actuals (Art. 13): many rows at once, all or nothing.

A row names an indicator (by any version's id) and a month; it is kept by the indicator's lineage under the
goal version in force (the newest issued, guiding or formal), so an adjustment mid-year keeps the months
entered before it (Art. 14). The entering region is the actor's own: the pooling region or one of its parts
(entry_places.py says which enters what). Refusals, in this order, each for the whole batch: an indicator
the actor may not read is absent (NotFound); a row the actor may not enter is Forbidden; then every problem
of every row (ValidationFailed, each naming its field and limit); a correction of a row changed meanwhile
is a Conflict. Nothing is written unless every row passes.
"""

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, Indicator
from src.models.enums import GoalHorizon
from src.models.monitoring import ACTUAL_VALUE, ActualEventKind, IndicatorActual
from src.services import policy
from src.services.actors import Actor
from src.services.errors import ErrorCode, FieldProblem, NotFound, ValidationFailed
from src.services.goals.scope import goal_scope
from src.services.monitoring import clock
from src.services.monitoring.entry_checks import actual_problems, by_row, month_problem
from src.services.monitoring.entry_places import Places, goals_in_force, require_entering, summable
from src.services.monitoring.entry_rows import TEXT_FIELDS, ActualRow, Recorded
from src.services.monitoring.entry_writes import Plan, apply, reason_problems, row_namer, stale

OPERATION = "actualsRecord"
ROWS_FIELD = "input.rows"


def _quantized(value: Any) -> Any:
    return None if value is None else ACTUAL_VALUE.quantize(value)


async def _indicators(session: AsyncSession, rows: Sequence[ActualRow]) -> dict[int, Indicator]:
    ids = sorted({row.indicator_id for row in rows})
    found = (await session.exec(select(Indicator).where(col(Indicator.id).in_(ids)))).all()
    return {indicator.id: indicator for indicator in found if indicator.id is not None}


async def _visible_goals(
    session: AsyncSession, actor: Actor, rows: Sequence[ActualRow], indicators: dict[int, Indicator]
) -> dict[int, Goal]:
    """The goals of the rows' indicators; an indicator missing or of a goal the actor may not read is
    reported absent (NotFound), exactly like a missing one."""
    goal_ids = sorted({indicator.goal_id for indicator in indicators.values()})
    goals = {g.id: g for g in (await session.exec(select(Goal).where(col(Goal.id).in_(goal_ids)))).all()}
    for row in rows:
        indicator = indicators.get(row.indicator_id)
        goal = goals.get(indicator.goal_id) if indicator is not None else None
        if goal is None or not policy.visible(actor, await goal_scope(session, goal)):
            raise NotFound("绩效指标", row.indicator_id)
    return {gid: goal for gid, goal in goals.items() if gid is not None}


async def _in_force_indicators(
    session: AsyncSession, in_force: dict[uuid.UUID, Goal]
) -> dict[tuple[int, uuid.UUID], Indicator]:
    ids = sorted(goal.id for goal in in_force.values() if goal.id is not None)
    stmt = select(Indicator).where(col(Indicator.goal_id).in_(ids))
    return {(i.goal_id, i.lineage_id): i for i in (await session.exec(stmt)).all()}


async def _existing(
    session: AsyncSession, actor: Actor, lineages: set[uuid.UUID], months: set[int]
) -> dict[tuple[uuid.UUID, int], IndicatorActual]:
    stmt = select(IndicatorActual).where(
        col(IndicatorActual.indicator_lineage_id).in_(sorted(lineages)),
        IndicatorActual.region_id == actor.region_id,
        col(IndicatorActual.month).in_(sorted(months)),
    )
    return {(a.indicator_lineage_id, a.month): a for a in (await session.exec(stmt)).all()}


async def record_actuals(
    *,
    session: AsyncSession,
    actor: Actor,
    rows: Sequence[ActualRow],
    reason: str = "",
    prefix: str = ROWS_FIELD,
    row_names: Sequence[str] | None = None,
    today: date | None = None,
) -> Recorded[IndicatorActual]:
    """Records `rows` as the actor's region's actuals (see the module's description); `prefix` is the input
    path the rows' problems are reported under (`input.rows.3.numerator`)."""
    today = today or clock.china_today()
    name = row_namer(row_names)
    if not rows:
        return Recorded()
    indicators = await _indicators(session, rows)
    goals = await _visible_goals(session, actor, rows, indicators)
    in_force = await goals_in_force(session, {goal.lineage_id for goal in goals.values()})
    current = await _in_force_indicators(session, in_force)
    places = Places(session)
    problems: list[FieldProblem] = []
    resolved: list[tuple[int, ActualRow, Goal, Indicator]] = []
    for index, row in enumerate(rows):
        field = f"{prefix}.{index}.indicatorId"
        goal = in_force.get(goals[indicators[row.indicator_id].goal_id].lineage_id)
        if goal is None:
            message = "目标尚未下达（或已不在执行中）：仅下达（指导性或正式）的目标填报执行情况"
            problems.append(FieldProblem(field, message, ErrorCode.PRECONDITION_FAILED))
            continue
        indicator = current.get((goal.id or 0, indicators[row.indicator_id].lineage_id))
        if indicator is None:
            message = f"该指标已不在现行有效的目标版本（第 {goal.version} 版）中，不能填报"
            problems.append(FieldProblem(field, message, ErrorCode.INVALID))
            continue
        if goal.horizon != GoalHorizon.ANNUAL:
            problems.append(FieldProblem(field, "总体目标不按月填报，请在年度目标上填报", ErrorCode.INVALID))
            continue
        place = await places.of(
            region_id=goal.region_id, fund_type_id=goal.fund_type_id, year=goal.start_year
        )
        if not place.is_pooling_region:
            message = f"{place.region.name}不是该险种的统筹地区：请在各统筹地区的目标上填报"
            problems.append(FieldProblem(field, message, ErrorCode.INVALID))
            continue
        what = f"{name(index)}（{indicator.level3}）"
        require_entering(actor, place, sums=summable(indicator), item=None, what=what)
        resolved.append((index, row, goal, indicator))
    plans = await _plans(session, actor, resolved, problems, prefix=prefix, name=name, today=today)
    problems += reason_problems(plans, reason)
    if problems:
        raise ValidationFailed(sorted(problems, key=by_row))
    conflict = stale(plans, "执行情况")
    if conflict is not None:
        raise conflict
    kind = ActualEventKind.MONITORING_ACTUALS_RECORDED
    return await apply(
        session=session, actor=actor, operation=OPERATION, kind=kind, plans=plans, reason=reason
    )


async def _plans(
    session: AsyncSession,
    actor: Actor,
    resolved: list[tuple[int, ActualRow, Goal, Indicator]],
    problems: list[FieldProblem],
    *,
    prefix: str,
    name: Callable[[int], str],
    today: date,
) -> list[Plan[IndicatorActual]]:
    """Each resolved row checked against its indicator and month, and planned as a new row or against the
    stored one; problems are appended to `problems`."""
    lineages = {indicator.lineage_id for _, _, _, indicator in resolved}
    existing = await _existing(session, actor, lineages, {row.month for _, row, _, _ in resolved})
    seen: dict[tuple[uuid.UUID, int], int] = {}
    plans: list[Plan[IndicatorActual]] = []
    for index, row, goal, indicator in resolved:
        found, checked = actual_problems(row, indicator, prefix=prefix, index=index)
        late = month_problem(
            year=goal.start_year, month=row.month, today=today, field=f"{prefix}.{index}.month"
        )
        found += [late] if late else []
        key = (indicator.lineage_id, row.month)
        if key in seen:
            message = f"与{name(seen[key])}重复：同一指标同一月份只填报一行"
            found.append(FieldProblem(f"{prefix}.{index}.month", message, ErrorCode.DUPLICATE))
        seen.setdefault(key, index)
        problems += found
        if found:
            continue
        values: dict[str, Any] = {
            "value": _quantized(checked.value),
            "numerator": _quantized(checked.numerator),
            "denominator": _quantized(checked.denominator),
            "grade": row.grade,
            "likelihood": row.likelihood,
            **{name: getattr(row, name).strip() for name in TEXT_FIELDS},
        }
        written = {"goal_id": goal.id, "organization_id": actor.organization_id, "user_id": actor.user_id}
        stored = existing.get(key)
        if stored is None:
            stored = IndicatorActual(
                goal_id=goal.id or 0,
                goal_lineage_id=goal.lineage_id,
                indicator_lineage_id=indicator.lineage_id,
                pooling_region_id=goal.region_id,
                region_id=actor.region_id,
                fund_type_id=goal.fund_type_id,
                year=goal.start_year,
                month=row.month,
                organization_id=actor.organization_id,
                user_id=actor.user_id,
            )
        plans.append(Plan(index, name(index), stored, values, key not in existing, row.row_version, written))
    return plans
