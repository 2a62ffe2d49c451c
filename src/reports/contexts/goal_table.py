"""The goal table (绩效目标表, FORMS.md §1D) of one goal: database state as plain display strings, with the
table's document number once the goal is issued (src/reports/numbering.py).

The goal is read through goals_select with the requester's actor, so a document never shows more than the
API would to the same person.
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundBudgetLine, FundType, Goal, Indicator, Organization, Region
from src.models.base import utcnow
from src.models.enums import (
    ActorType,
    BudgetItem,
    BudgetLineCategory,
    GoalHorizon,
    IndicatorKind,
    label_zh,
)
from src.models.goal import GoalDocumentKind
from src.reports.numbering import number_for
from src.services.actors import Actor
from src.services.errors import NotFound
from src.services.goals.reads import GoalQuery, goals_select
from src.subjects.registry import registry

KIND = GoalDocumentKind.GOAL_TABLE
CHINA = ZoneInfo("Asia/Shanghai")
WAN = Decimal(10_000)
CENT = Decimal("0.01")
NONE = "—"


def date_zh(moment: datetime) -> str:
    """成文日期 (GB/T 9704 7.3.5): Arabic numerals, no leading zeros, in China's time."""
    local = moment.astimezone(CHINA)
    return f"{local.year}年{local.month}月{local.day}日"


def number(value: Decimal | None) -> str:
    """A target as people write it: thousands separated, no trailing zeros (2,381.86; 100; 9.5)."""
    if value is None:
        return NONE
    normal = value.normalize()
    places = max(0, -int(normal.as_tuple().exponent))
    return f"{normal:,.{places}f}"


def wan_yuan(amount: Decimal | None) -> str:
    """Yuan as 万元 with two places and separators (1,234.56)."""
    return NONE if amount is None else f"{(amount / WAN).quantize(CENT):,}"


def period_of(goal: Goal) -> str:
    if goal.horizon == GoalHorizon.ANNUAL:
        return f"{goal.start_year}年度"
    return f"{goal.start_year}—{goal.end_year}年"


def indicator_rows(indicators: Sequence[Indicator]) -> list[dict[str, str]]:
    rows = []
    for i in indicators:
        quantitative = i.kind == IndicatorKind.QUANTITATIVE
        rows.append(
            {
                "level1": f"{label_zh(i.level1)}指标",
                "level2": i.level2,
                "level3": i.level3,
                "comparator": label_zh(i.comparator),
                "target": number(i.target_value)
                if quantitative
                else (label_zh(i.target_grade) if i.target_grade else NONE),
                "unit": i.unit or NONE,
                "weight": number(i.weight),
                "note": "定量指标" if quantitative else "定性指标",
            }
        )
    return rows


def _current(line: FundBudgetLine) -> Decimal:
    return line.adjusted_amount if line.adjusted_amount is not None else line.initial_amount


def budget_figures(lines: Sequence[FundBudgetLine]) -> dict[str, str]:
    if not lines:
        return dict.fromkeys(("revenue", "expenditure", "current_balance", "accumulated_balance"), NONE)
    by_item = {line.item: _current(line) for line in lines}

    def total(category: BudgetLineCategory) -> Decimal:
        return sum((_current(line) for line in lines if line.category == category), Decimal(0))

    return {
        "revenue": wan_yuan(total(BudgetLineCategory.REVENUE)),
        "expenditure": wan_yuan(total(BudgetLineCategory.EXPENDITURE)),
        "current_balance": wan_yuan(by_item.get(BudgetItem.CURRENT_BALANCE)),
        "accumulated_balance": wan_yuan(by_item.get(BudgetItem.ACCUMULATED_BALANCE)),
    }


async def _organization_name(session: AsyncSession, organization_id: int | None) -> str:
    if organization_id is None:
        return NONE
    organization = await session.get(Organization, organization_id)
    return organization.name if organization is not None else NONE


async def goal_table_context(
    *, session: AsyncSession, actor: Actor, goal_id: int, now: datetime | None = None
) -> dict[str, Any]:
    goal = (await session.exec(goals_select(GoalQuery(), actor).where(col(Goal.id) == goal_id))).first()
    if goal is None:
        raise NotFound("绩效目标", goal_id)
    region = await session.get(Region, goal.region_id)
    fund = await session.get(FundType, goal.fund_type_id)
    assert region is not None and fund is not None
    indicators = (
        await session.exec(
            select(Indicator)
            .where(Indicator.goal_id == goal.id)
            .order_by(col(Indicator.sort_order), col(Indicator.id))
        )
    ).all()
    lines: Sequence[FundBudgetLine] = []
    if goal.horizon == GoalHorizon.ANNUAL:
        lines = (
            await session.exec(
                select(FundBudgetLine)
                .join(FundBudget, col(FundBudget.id) == FundBudgetLine.budget_id)
                .where(
                    FundBudget.region_id == goal.region_id,
                    FundBudget.fund_type_id == goal.fund_type_id,
                    FundBudget.year == goal.start_year,
                )
            )
        ).all()
    finance = (
        await session.exec(
            select(Organization.name).where(
                Organization.region_id == goal.region_id, Organization.actor_type == ActorType.FINANCE
            )
        )
    ).first()
    horizon = label_zh(goal.horizon)
    return {
        "issuer": finance or f"{region.name}财政部门",
        # "" unless the goal is in force; the number's parts are the kind's (src/domains/goals.py)
        "doc_number": await number_for(session=session, spec=registry().documents[KIND], subject=goal),
        "title": f"{region.name}{period_of(goal)}{fund.name_zh}预算绩效{horizon}表",
        "fund": fund.name_zh,
        "region": region.name,
        "administration": label_zh(fund.administration),
        "drafter": await _organization_name(session, goal.drafter_organization_id),
        "co_drafter": await _organization_name(session, goal.co_drafter_organization_id),
        "period": period_of(goal),
        "status": label_zh(goal.status),
        "version": str(goal.version),
        "budget": budget_figures(lines),
        "content": goal.content or NONE,
        "rows": indicator_rows(indicators),
        "weight_total": number(sum((i.weight for i in indicators), Decimal(0))),
        "date": date_zh(now or utcnow()),
    }
