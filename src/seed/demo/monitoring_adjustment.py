"""The demo's one adjustment opened from a warning (Art. 14 「绩效目标发生重大变化确需调整的，经评估后
应尽快按程序调整」): the province's 2026 unemployment insurance goal, whose 技能提升补贴发放人数 is red three
quarters in a row (ADJUSTMENT_REVIEW_RED_PERIODS) after the subsidy's conditions changed. Its agency
answers the September warning with an adjustment proposal through the goal service itself
(goalAdjustmentRequest): the next version is opened as a draft with the assessment, and the warning names it.
"""

from decimal import Decimal
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal
from src.models.monitoring import WarningResponseKind, WarningStatus
from src.seed.demo.context import row_id
from src.seed.demo.courses import Course
from src.seed.demo.monitoring_actuals import IndicatorSeries
from src.seed.demo.monitoring_scopes import MonitoredScope
from src.seed.demo.monitoring_texts import period_label
from src.services.actors import load_actor
from src.services.goals.workflow import Assessment, request_adjustment

ADJUSTED_FUND = "UNEMPLOYMENT"
ADJUSTED_YEAR = 2026
ADJUSTED_INDICATOR = "技能提升补贴发放人数"
SUBSIDY_PER_PERSON = Decimal(1500)  # 元 a 人次, about what a 技能提升补贴 pays


def forced_course(scope: MonitoredScope, level3: str) -> Course | None:
    """The story's indicator runs far behind all year; everything else draws its course."""
    if (scope.fund.code, scope.year, level3) == (ADJUSTED_FUND, ADJUSTED_YEAR, ADJUSTED_INDICATOR):
        return Course.FAR_BEHIND
    return None


def _assessment(series: IndicatorSeries, month: int) -> Assessment:
    target = series.indicator.target_value or Decimal(0)
    actual = series.whole[month].value or Decimal(0)
    proposed = (actual * 12 / month * Decimal("1.1") / 100).quantize(Decimal(1)) * 100
    saving = ((target - proposed) * SUBSIDY_PER_PERSON / 10000).quantize(Decimal(1))
    return Assessment(
        what_changed="2026年起技能提升补贴申领条件调整，符合条件的参保职工人数较年初预计明显减少",
        reason=(
            f"“{ADJUSTED_INDICATOR}”连续三个季度亮红灯，{period_label(ADJUSTED_YEAR, month)}累计发放"
            f"{actual:,.0f}人次，仅为序时目标的一半左右。经评估，原定目标{target:,.0f}人次已无法实现，"
            "按《四川省社会保险基金预算绩效管理实施办法》第十四条申请按程序调整"
        ),
        fund_effect=f"技能提升补贴支出预计相应减少约{saving:,}万元，失业保险基金收支平衡不受影响",
        target_effect=f"“{ADJUSTED_INDICATOR}”目标值拟由{target:,.0f}人次调整为{proposed:,.0f}人次，其他指标不变",
    )


async def open_adjustment(
    session: AsyncSession, scope: MonitoredScope, series: IndicatorSeries, warning: dict[str, Any]
) -> Goal:
    """The goal's agency proposes the adjustment; the warning is answered with it."""
    actor = await load_actor(session=session, user_id=scope.whole.user_id)
    assert actor is not None
    goal = scope.goal
    new = await request_adjustment(
        session=session,
        actor=actor,
        goal_id=row_id(goal),
        row_version=goal.row_version,
        assessment=_assessment(series, warning["month"]),
    )
    warning |= {
        "status": WarningStatus.ANSWERED,
        "response": WarningResponseKind.ADJUSTMENT,
        "response_note": (
            f"“{ADJUSTED_INDICATOR}”连续三个监控期红灯，经评估原定目标已无法实现，"
            f"已按程序申请调整绩效目标（第{new.version}版，第十四条）。"
        ),
        "urge_due_on": None,
        "adjustment_goal_id": row_id(new),
        "responder_user_id": actor.user_id,
        "responder_organization_id": actor.organization_id,
        "row_version": 2,
    }
    # The goal service stamps the new version now: the warning is answered when it was opened.
    warning["responded_at"] = warning["updated_at"] = new.created_at
    return new
