"""Art. 2 「通过合理确定绩效目标、全面实施绩效运行监控、科学开展绩效评价和切实强化结果应用」 and Art. 4 (二)
「预算编制有目标、预算执行有监控、预算完成有评价、评价结果有应用」: the year's whole cycle as a new user
runs it (issue 21), over GraphQL, on each database the suite runs on, with the real report worker on
Redis: goals → monitoring → self-evaluation → provincial evaluation and the July summary → feedback →
rectification → result application → disclosure (and its public route) → assessment of prefectures →
两书一函, for a prefecture-pooled fund (成都's employee medical insurance, 锦江区 entering its part) and a
province-pooled one (work injury, 成都 entering its part). Each stage is one module of tests/cycle/
(`run(cycle)`); a later stage is appended as one more. Every document the stages produce is rendered,
downloaded and checked, and the kinds produced must be exactly the kinds the stages owe."""

from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import Administration
from src.services.monitoring.clock import china_today
from tests.cycle import (
    assessment,
    disclosure,
    escalation,
    feedback,
    goals,
    monitoring,
    provincial,
    rectification,
    result_application,
    self_evaluation,
)
from tests.cycle.bodies import add_bodies
from tests.cycle.documents import pdf_tools
from tests.cycle.state import PROVINCE, Cycle, Fund
from tests.reports.test_worker import worker_settings
from tests.schema.disclosure.test_disclosure import client_for  # closes the public route's limiter too

FUNDS = (
    Fund("EMPLOYEE_MEDICAL", Administration.MEDICAL_SECURITY, "510100", "510104"),  # pooled at 成都
    Fund("WORK_INJURY", Administration.HRSS, PROVINCE, "510100"),  # pooled at the province
)
STAGES: tuple[ModuleType, ...] = (goals, monitoring, self_evaluation, provincial, feedback)
STAGES += (rectification, result_application, disclosure, assessment, escalation)
DOCUMENTS = {"GOAL_TABLE", "MONITORING_TABLE", "MONITORING_REPORT", "MONITORING_COMPILATION"}
DOCUMENTS |= {"SELF_EVALUATION_FORM", "SELF_EVALUATION_REPORT"}
DOCUMENTS |= {"PROVINCIAL_EVALUATION_REPORT", "PROVINCIAL_EVALUATION_SUMMARY", "EVALUATION_FEEDBACK_LETTER"}
DOCUMENTS |= {"PERFORMANCE_DISCLOSURE", "ASSESSMENT_NOTICE"}
DOCUMENTS |= {"ESCALATION_REMINDER", "ESCALATION_RECTIFICATION_NOTICE", "ESCALATION_INTERVIEW_LETTER"}


async def test_art2_the_years_chain_from_goals_to_assessment_over_graphql(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = worker_settings(tmp_path, redis_url)
    # The goals are issued now (their transitions carry the real time): the year they run is this one.
    year = china_today().year
    async with client_for(engine, sessionmaker, settings) as gql:
        cycle = Cycle(gql, engine, sessionmaker, settings, monkeypatch, year, FUNDS)
        cycle.pdf = pdf_tools()
        await add_bodies(cycle)
        for stage in STAGES:
            await stage.run(cycle)
    assert set(cycle.documents) == DOCUMENTS
