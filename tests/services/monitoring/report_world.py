"""The report tests' world (its fixture is shared through conftest.py). Service tests of
the monitoring report and the January compilation (src/services/monitoring/reports.py,
report_workflow.py, report_tables.py, compilations.py …), in the pattern of tests/services/goals/conftest.py:
成都市 (a pooling region of the medical funds) with its bodies, its 2026 employee medical goal in force
(report_rows.goal_in_force) and helpers that run one service call as a mutation does."""

import pytest

from src.models.enums import ActorType, Administration
from src.models.monitoring import MonitoringReport
from src.services.actors import Actor
from src.services.monitoring import reports
from tests.factories import make_actor
from tests.services.conftest import CHENGDU, Bodies, Call, Sessionmaker, act
from tests.services.monitoring.report_rows import GoalInForce, goal_in_force

YEAR = 2026
FUND = "EMPLOYEE_MEDICAL"


def draft(month: int = 6, **fields: object) -> reports.ReportDraft:
    values: dict[str, object] = {
        "fund_type_code": FUND,
        "region_code": CHENGDU,
        "year": YEAR,
        "month": month,
        "progress": "执行进展",
        "problems": "存在问题",
        "measures": "改进措施",
    }
    return reports.ReportDraft(**{**values, **fields})  # type: ignore[arg-type]


def create(actor: Actor, data: reports.ReportDraft) -> Call[MonitoringReport]:
    return lambda s: reports.create_report(session=s, actor=actor, draft=data)


@pytest.fixture
async def chengdu_goal(sessionmaker: Sessionmaker, chengdu: Bodies) -> GoalInForce:
    """成都市's 2026 employee medical goal in force, with its budget."""
    async with sessionmaker() as session:
        target = await goal_in_force(session, region_code=CHENGDU, fund_code=FUND, year=YEAR)
        await session.commit()
        return target


async def agency_hrss(sessionmaker: Sessionmaker, region_code: str = CHENGDU) -> Actor:
    return await make_actor(
        sessionmaker, actor_type=ActorType.AGENCY, region_code=region_code, administration=Administration.HRSS
    )


__all__ = ["act"]
