"""The monitoring entry sheet as a document (MONITORING_ENTRY_SHEET pre-filled, MONITORING_ENTRY_FORM
empty): of a goal in force, for the requester's region — what that region enters (entry_places.py: a
pooling region what does not sum, its parts what does and the budget's execution), one row per indicator
or budget line and month that has ended (China time), with what the region entered so far when pre-filled.

The context is plain data for xlsx_write.py; it is built as the requester (NotFound for a goal it may not
read), like every document's.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundBudgetLine, Goal, Indicator, Region
from src.models.enums import BUDGET_ITEM_CATEGORY, BudgetStatus, IndicatorKind, label_zh
from src.models.monitoring import BudgetExecution, IndicatorActual
from src.services import policy
from src.services.actors import Actor
from src.services.errors import CommonErrorCode, GoalErrorCode, NotFound, PreconditionFailed
from src.services.goals.scope import goal_scope
from src.services.monitoring import clock
from src.services.monitoring.entry_checks import bounds, is_rate, rate_labels
from src.services.monitoring.entry_places import Place, Places, goals_in_force, summable, where_refusal
from src.services.monitoring.entry_rows import TEXT_FIELDS
from src.services.rows import kept_row


def _enters(actor: Actor, place: Place, *, sums: bool) -> bool:
    return where_refusal(actor, place, sums=sums, what="") is None


async def _goal_in_force(session: AsyncSession, actor: Actor, goal_id: int) -> Goal:
    goal = await session.get(Goal, goal_id)
    if goal is None or not policy.visible(actor, await goal_scope(session, goal)):
        raise NotFound("绩效目标", goal_id)
    in_force = (await goals_in_force(session, {goal.lineage_id})).get(goal.lineage_id)
    if in_force is None:
        raise PreconditionFailed("该目标尚未下达，没有可填报的运行监控数据", code=GoalErrorCode.NOT_ISSUED)
    return in_force


def _indicator_row(indicator: Indicator, month: int, stored: IndicatorActual | None) -> dict[str, Any]:
    qualitative = indicator.kind == IndicatorKind.QUALITATIVE
    numerator, denominator = rate_labels(indicator)
    target = label_zh(indicator.target_grade) if indicator.target_grade else indicator.target_value
    row: dict[str, Any] = {
        "indicator_id": indicator.id,
        "month": month,
        "level1": label_zh(indicator.level1),
        "level2": indicator.level2,
        "level3": indicator.level3,
        "comparator": label_zh(indicator.comparator),
        "target": target,
        "unit": indicator.unit,
        "parts": f"{numerator} / {denominator}" if is_rate(indicator) else "",
        "rate": is_rate(indicator),
        "qualitative": qualitative,
        "whole": not qualitative and bounds(indicator).whole,
        "value": None,
        "rate_value": None,
        "numerator": None,
        "denominator": None,
        "grade": None,
        "likelihood": None,
        "row_version": None,
        **dict.fromkeys(TEXT_FIELDS, ""),
    }
    if stored is not None:
        row |= {
            # A rate's value is computed from its parts: printed beside them, not entered.
            "value": None if is_rate(indicator) else stored.value,
            "rate_value": stored.value if is_rate(indicator) else None,
            "numerator": stored.numerator,
            "denominator": stored.denominator,
            "grade": label_zh(stored.grade) if stored.grade else None,
            "likelihood": label_zh(stored.likelihood) if stored.likelihood else None,
            "row_version": stored.row_version,
            **{name: getattr(stored, name) for name in TEXT_FIELDS},
        }
    return row


async def _execution_rows(
    session: AsyncSession, actor: Actor, goal: Goal, months: int, prefilled: bool
) -> tuple[list[dict[str, Any]], str]:
    stmt = select(FundBudget).where(
        FundBudget.region_id == goal.region_id,
        FundBudget.fund_type_id == goal.fund_type_id,
        FundBudget.year == goal.start_year,
    )
    budget = (await session.exec(stmt)).first()
    if budget is None or budget.status != BudgetStatus.APPROVED:
        return [], "本年度基金预算尚未批复，暂无预算执行填报行。"
    lines_stmt = select(FundBudgetLine).where(FundBudgetLine.budget_id == budget.id)
    lines = sorted((await session.exec(lines_stmt)).all(), key=lambda line: (line.sort_order, line.id or 0))
    stored: dict[tuple[Any, int], BudgetExecution] = {}
    if prefilled:
        found = select(BudgetExecution).where(
            BudgetExecution.budget_id == budget.id, BudgetExecution.region_id == actor.region_id
        )
        stored = {(e.item, e.month): e for e in (await session.exec(found)).all()}
    rows = []
    for month in range(1, months + 1):
        for line in lines:
            entry = stored.get((line.item, month))
            rows.append(
                {
                    "budget_id": budget.id,
                    "month": month,
                    "category": label_zh(BUDGET_ITEM_CATEGORY[line.item]),
                    "item": label_zh(line.item),
                    "initial": line.initial_amount,
                    "adjusted": line.adjusted_amount,
                    "amount": entry.amount if entry is not None else None,
                    "row_version": entry.row_version if entry is not None else None,
                }
            )
    return rows, ""


async def entry_sheet_context(
    *, session: AsyncSession, actor: Actor, subject_id: int, prefilled: bool
) -> dict[str, Any]:
    goal = await _goal_in_force(session, actor, subject_id)
    place = await Places(session).of(
        region_id=goal.region_id, fund_type_id=goal.fund_type_id, year=goal.start_year
    )
    own = await kept_row(session, Region, actor.region_id)
    assert own is not None
    if not place.is_pooling_region:
        message = f"{place.region.name}不是该险种的统筹地区：请下载统筹地区目标的填报表"
        raise PreconditionFailed(message, code=CommonErrorCode.INVALID_ARGUMENT)
    if not (_enters(actor, place, sums=True) or _enters(actor, place, sums=False)):
        message = f"{own.name}不填报{place.region.name}的运行监控数据：仅统筹地区及其下一级地区有填报表"
        raise PreconditionFailed(message, code=CommonErrorCode.INVALID_ARGUMENT)
    months = clock.last_ended_month(year=goal.start_year, today=clock.china_today())
    indicator_stmt = select(Indicator).where(Indicator.goal_id == goal.id)
    indicators = sorted((await session.exec(indicator_stmt)).all(), key=lambda i: (i.sort_order, i.id or 0))
    mine = [i for i in indicators if _enters(actor, place, sums=summable(i))]
    stored: dict[tuple[Any, int], IndicatorActual] = {}
    if prefilled and mine:
        found = select(IndicatorActual).where(
            col(IndicatorActual.indicator_lineage_id).in_([i.lineage_id for i in mine]),
            IndicatorActual.region_id == actor.region_id,
            IndicatorActual.year == goal.start_year,
        )
        stored = {(a.indicator_lineage_id, a.month): a for a in (await session.exec(found)).all()}
    actual_rows = [
        _indicator_row(i, month, stored.get((i.lineage_id, month)))
        for month in range(1, months + 1)
        for i in mine
    ]
    execution_rows: list[dict[str, Any]] = []
    budget_note = f"预算执行由{place.parts_label}分别填报，本级数为其合计。"
    if _enters(actor, place, sums=True):
        execution_rows, budget_note = await _execution_rows(session, actor, goal, months, prefilled)
    blank = "" if prefilled else "（空白）"
    title = f"{own.name}{goal.start_year}年{place.fund.name_zh}运行监控填报表{blank}"
    until = f"1-{months}月" if months else "无（本年度尚无已结束的月份）"
    return {
        "title": title,
        "notes": [
            ("填报地区", own.name),
            ("统筹地区", place.region.name),
            ("绩效目标", f"{goal.title}（第 {goal.version} 版，{goal.document_number or '未编号'}）"),
            ("可填报月份", until),
            ("预算执行", budget_note or "按预算科目逐月填报 1-N 月累计执行数（元），结余填月末数。"),
        ],
        "actuals": actual_rows,
        "executions": execution_rows,
    }


async def entry_sheet_versions(session: AsyncSession, subjects: Sequence[Any]) -> dict[int, list[Any]]:
    """What a sheet is made of: the goal's version in force and every entry of its lineage and year, and
    of its budget (any region's: a change anywhere makes the next request a new document, which is
    harmless). The date is part of every fingerprint, so a month ending gives a new sheet too."""
    versions: dict[int, list[Any]] = {}
    for goal in subjects:
        in_force = (await goals_in_force(session, {goal.lineage_id})).get(goal.lineage_id)
        actuals = select(
            func.count(), func.sum(IndicatorActual.row_version), func.max(IndicatorActual.updated_at)
        )
        actuals = actuals.where(
            IndicatorActual.goal_lineage_id == goal.lineage_id, IndicatorActual.year == goal.start_year
        )
        executions = select(
            func.count(), func.sum(BudgetExecution.row_version), func.max(BudgetExecution.updated_at)
        )
        executions = executions.where(
            BudgetExecution.pooling_region_id == goal.region_id,
            BudgetExecution.fund_type_id == goal.fund_type_id,
            BudgetExecution.year == goal.start_year,
        )
        budget = select(FundBudget.id, FundBudget.status, FundBudget.row_version).where(
            FundBudget.region_id == goal.region_id,
            FundBudget.fund_type_id == goal.fund_type_id,
            FundBudget.year == goal.start_year,
        )
        counts = [[str(v) for v in (await session.exec(stmt)).one()] for stmt in (actuals, executions)]
        budgets = [[str(v) for v in row] for row in (await session.exec(budget)).all()]
        own_version = [in_force.id, in_force.row_version] if in_force is not None else None
        versions[goal.id] = [goal.row_version, own_version, *counts, budgets]
    return versions
