"""Demo monitoring reports (运行监控情况报告, Art. 13) for 2025's year end (1-12月): drafted by the pooling
region's agency with tax, submitted in early January, accepted by finance and the supervising administration
— for the pooling regions of the prefectures that compile (monitoring_compilations) and for the province's
funds pooled at the province. One report of the prefecture still drafting its compilation awaits acceptance.
Written as rows; the report service can take their place.
"""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType, BudgetItem
from src.models.monitoring import Light, MonitoringReport, MonitoringReportStatus, MonitoringReportTransition
from src.seed.demo.context import row_id
from src.seed.demo.figures import EXPENDITURE_ITEMS, REVENUE_ITEMS, YUAN_PER_YI
from src.seed.demo.monitoring_bodies import Bodies, administration_of, scope_body
from src.seed.demo.monitoring_execution import Execution, budget_amount
from src.seed.demo.monitoring_scopes import MonitoredScope, at_office_hours

REPORTED_YEAR = 2025
YEAR_END = 12


@dataclass(frozen=True)
class YearEnd:
    """What a pooling region's year-end report is written from."""

    scope: MonitoredScope
    execution: Execution
    lights: list[tuple[str, Light]]  # each indicator's name and light at the year's end
    warnings: int  # raised in the year
    answered: int  # of them answered or closed


def yi(amount: Decimal) -> str:
    return f"{amount / YUAN_PER_YI:,.2f}"


def _totals(year_end: YearEnd, items: list[BudgetItem]) -> tuple[Decimal, Decimal]:
    executed = sum((year_end.execution.whole[i][YEAR_END] for i in items), Decimal(0))
    budget = sum((budget_amount(year_end.scope, i) for i in items), Decimal(0))
    return executed, budget


def light_counts(lights: list[tuple[str, Light]]) -> str:
    counts = Counter(light for _, light in lights)
    return (
        f"{len(lights)}项绩效指标中，绿灯{counts[Light.GREEN]}项、蓝灯{counts[Light.BLUE]}项、"
        f"黄灯{counts[Light.YELLOW]}项、红灯{counts[Light.RED]}项"
    )


def report_texts(year_end: YearEnd) -> tuple[str, str, str]:
    """执行进展, 存在问题, 改进措施 of one report."""
    scope = year_end.scope
    revenue, revenue_budget = _totals(year_end, REVENUE_ITEMS)
    spent, spent_budget = _totals(year_end, EXPENDITURE_ITEMS)
    balance = year_end.execution.whole[BudgetItem.ACCUMULATED_BALANCE][YEAR_END]
    progress = (
        f"{REPORTED_YEAR}年，{scope.region.name}{scope.fund.name_zh}收入{yi(revenue)}亿元，完成预算的"
        f"{revenue * 100 / revenue_budget:.1f}%；支出{yi(spent)}亿元，"
        f"预算执行率{spent * 100 / spent_budget:.1f}%；"
        f"年末滚存结余{yi(balance)}亿元。按目标比较法监控，年末{light_counts(year_end.lights)}。"
        f"全年共提示警示{year_end.warnings}次，已处置{year_end.answered}次。"
    )
    behind = [name for name, light in year_end.lights if light in (Light.RED, Light.YELLOW)]
    if behind:
        problems = f"“{'”“'.join(behind)}”年末未达到预期进度，主要受政策调整和阶段性因素影响。"
    else:
        problems = "年度内个别指标阶段性进度偏慢，经提示警示和督促后已纠正，年末各项指标均达到预期。"
    measures = (
        "一是加强基金收支预测和月度调度，及时发现执行偏差；二是会同税务部门做好征缴工作，确保应收尽收；"
        "三是将监控发现的问题纳入年度绩效自评和下年度预算编制统筹考虑。"
    )
    return progress, problems, measures


def _report(
    rng: random.Random, year_end: YearEnd, bodies: Bodies, accepted: bool
) -> tuple[MonitoringReport, list[dict[str, Any]]]:
    """The report, and its steps as transition rows (its id filled in once flushed)."""
    scope = year_end.scope
    agency_org, agency_user, _ = scope_body(bodies, scope, ActorType.AGENCY)
    finance_org, finance_user, _ = scope_body(bodies, scope, ActorType.FINANCE)
    admin_org, admin_user, _ = scope_body(bodies, scope, administration_of(scope))
    submitted = at_office_hours(date(REPORTED_YEAR + 1, 1, rng.randint(8, 16)), rng)
    finance_at = at_office_hours((submitted + timedelta(days=rng.randint(2, 5))).date(), rng)
    admin_at = at_office_hours((finance_at + timedelta(days=rng.randint(1, 4))).date(), rng)
    progress, problems, measures = report_texts(year_end)
    report = MonitoringReport(
        region_id=row_id(scope.region),
        fund_type_id=row_id(scope.fund),
        year=REPORTED_YEAR,
        month=YEAR_END,
        status=MonitoringReportStatus.ACCEPTED if accepted else MonitoringReportStatus.SUBMITTED,
        progress=progress,
        problems=problems,
        measures=measures,
        content_revision=1,
        tax_concurred_revision=1,
        drafter_organization_id=agency_org,
        submitted_at=submitted,
        finance_accepted_at=finance_at,
        administration_accepted_at=admin_at if accepted else None,
        row_version=4 if accepted else 3,
        created_at=submitted - timedelta(days=rng.randint(3, 6)),
        updated_at=admin_at if accepted else finance_at,
    )
    submitted_status, accepted_status = MonitoringReportStatus.SUBMITTED, MonitoringReportStatus.ACCEPTED
    steps = [
        ("SUBMIT", MonitoringReportStatus.DRAFT, submitted_status, agency_user, agency_org, submitted),
        ("ACCEPT", submitted_status, submitted_status, finance_user, finance_org, finance_at),
    ]
    if accepted:
        steps.append(("ACCEPT", submitted_status, accepted_status, admin_user, admin_org, admin_at))
    transitions = [
        {
            "action": action,
            "from_status": before,
            "to_status": after,
            "reason": None,
            "user_id": user,
            "organization_id": org,
            "at": at,
        }
        for action, before, after, user, org, at in steps
    ]
    return report, transitions


async def add_reports(
    session: AsyncSession, rng: random.Random, year_ends: list[YearEnd], bodies: Bodies, pending_region: str
) -> int:
    """The year-end reports; the first of `pending_region` (its compilation a draft) not yet accepted."""
    made: list[tuple[MonitoringReport, list[dict[str, Any]]]] = []
    pending = True
    for year_end in year_ends:
        accepted = not (pending and year_end.scope.region.code == pending_region)
        pending = pending and accepted
        made.append(_report(rng, year_end, bodies, accepted))
    session.add_all([report for report, _ in made])
    await session.flush()
    transitions = [
        MonitoringReportTransition(report_id=report.id or 0, **step)
        for report, steps in made
        for step in steps
    ]
    session.add_all(transitions)
    await session.flush()
    return len(made)
