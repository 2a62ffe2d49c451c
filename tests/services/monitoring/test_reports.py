"""src/services/monitoring/reports.py: the agency of a pooling region drafts the 运行监控情况报告 (Art. 13
「社会保险经办机构商税务部门具体实施绩效运行监控、形成运行监控情况报告」) of one fund and period 1-N月, the
month closing a monitoring period under the region's rule (Art. 23) or the year; on the goal in force; its
narrative checked where it enters."""

from functools import partial

import pytest
from sqlmodel import select

from src.models import AuditEvent, Event
from src.models.monitoring import MonitoringReport, MonitoringReportStatus
from src.models.types import FREE_TEXT_MAX_LENGTH
from src.services.errors import (
    Conflict,
    ErrorCode,
    Forbidden,
    GoalErrorCode,
    InvalidTransition,
    MonitoringReportErrorCode,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.monitoring import reports
from src.services.monitoring.reports import ReportQuery, ReportText, reports_select
from src.services.rules.editing import update_rules
from src.services.rules.registry import RuleKey
from tests.services.conftest import CHENGDU, PROVINCE, Bodies, Call, Sessionmaker, act, bodies_of, refused
from tests.services.monitoring.report_rows import GoalInForce
from tests.services.monitoring.report_world import FUND, YEAR, agency_hrss, create, draft


async def test_art13_the_agency_drafts_the_report_of_a_period_end(
    sessionmaker: Sessionmaker, chengdu: Bodies, chengdu_goal: GoalInForce
) -> None:
    report = await act(sessionmaker, create(chengdu.agency, draft(6)))
    assert isinstance(report, MonitoringReport)
    assert (report.status, report.month, report.content_revision) == (MonitoringReportStatus.DRAFT, 6, 0)
    assert (report.progress, report.drafter_organization_id) == ("执行进展", chengdu.agency.organization_id)
    year_end = await act(sessionmaker, create(chengdu.agency, draft(12, progress=" 全年\r\n情况 ")))
    assert isinstance(year_end, MonitoringReport) and year_end.progress == "全年\n情况"
    async with sessionmaker() as session:
        audit = (await session.exec(select(AuditEvent.operation))).all()
        events = (await session.exec(select(Event.kind, Event.subject_type))).all()
    assert audit.count("monitoringReportCreate") == 2
    assert events.count(("MONITORING_REPORT_CHANGED", "MonitoringReport")) == 2


async def test_art13_art23_the_month_closes_a_period_under_the_regions_rule(
    sessionmaker: Sessionmaker, chengdu: Bodies, chengdu_goal: GoalInForce
) -> None:
    """Quarterly by default: 5 is no period's end; monthly (成都市's own rule) it is."""
    error = await refused(sessionmaker, ValidationFailed, create(chengdu.agency, draft(5)))
    assert [(p.field, p.code) for p in error.problems] == [("input.month", ErrorCode.INVALID)]
    assert "3、6、9、12" in error.problems[0].message
    await refused(sessionmaker, ValidationFailed, create(chengdu.agency, draft(13)))
    set_monthly = {RuleKey.MONITORING_PERIODS: "MONTHLY"}
    await act(
        sessionmaker,
        lambda s: update_rules(
            session=s, actor=chengdu.finance, region_code=CHENGDU, values=set_monthly, reset=[]
        ),
    )
    assert isinstance(await act(sessionmaker, create(chengdu.agency, draft(5))), MonitoringReport)


async def test_art6_only_the_pooling_region_reports_and_only_on_a_goal_in_force(
    sessionmaker: Sessionmaker, chengdu: Bodies, chengdu_goal: GoalInForce
) -> None:
    province = await bodies_of(sessionmaker, PROVINCE)
    error = await refused(
        sessionmaker, ValidationFailed, create(province.agency, draft(region_code=PROVINCE))
    )
    assert [p.field for p in error.problems] == ["input.regionCode"]
    no_goal = await refused(sessionmaker, PreconditionFailed, create(chengdu.agency, draft(year=2025)))
    assert no_goal.code == MonitoringReportErrorCode.GOAL_NOT_IN_FORCE
    await refused(sessionmaker, NotFound, create(chengdu.agency, draft(fund_type_code="NO_SUCH_FUND")))


async def test_art13_one_report_per_region_fund_and_period(
    sessionmaker: Sessionmaker, chengdu: Bodies, chengdu_goal: GoalInForce
) -> None:
    await act(sessionmaker, create(chengdu.agency, draft(6)))
    error = await refused(sessionmaker, Conflict, create(chengdu.agency, draft(6)))
    assert error.code == MonitoringReportErrorCode.MONITORING_REPORT_EXISTS


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("长" * (FREE_TEXT_MAX_LENGTH + 1), ErrorCode.OUT_OF_RANGE),
        ("a\x00b", ErrorCode.INVALID),
        ("响\x1b[31m", ErrorCode.INVALID),
        ("\ud800", ErrorCode.INVALID),
    ],
    ids=["too-long", "nul", "escape", "surrogate"],
)
async def test_art13_the_narrative_is_checked_where_it_enters(
    sessionmaker: Sessionmaker, chengdu: Bodies, chengdu_goal: GoalInForce, text: str, code: ErrorCode
) -> None:
    error = await refused(sessionmaker, ValidationFailed, create(chengdu.agency, draft(problems=text)))
    assert [(p.field, p.code) for p in error.problems] == [("input.problems", code)]
    report = await act(sessionmaker, create(chengdu.agency, draft()))
    assert isinstance(report, MonitoringReport) and report.id is not None
    edit = ReportText(measures=text)
    update = partial(
        reports.update_report,
        actor=chengdu.agency,
        report_id=report.id,
        row_version=report.row_version,
        text=edit,
    )
    error = await refused(sessionmaker, ValidationFailed, lambda s: update(session=s))
    assert [(p.field, p.code) for p in error.problems] == [("input.measures", code)]


async def test_art13_only_the_agency_of_the_region_and_fund_drafts(
    sessionmaker: Sessionmaker, chengdu: Bodies, chengdu_goal: GoalInForce
) -> None:
    for actor in (chengdu.finance, chengdu.tax, chengdu.reviewer, await agency_hrss(sessionmaker)):
        await refused(sessionmaker, Forbidden, create(actor, draft()))
    yaan = await bodies_of(sessionmaker, "511800")
    await refused(sessionmaker, Forbidden, create(yaan.agency, draft()))


async def test_art13_an_edit_counts_the_revision_up_and_only_drafts_are_edited(
    sessionmaker: Sessionmaker, chengdu: Bodies, chengdu_goal: GoalInForce
) -> None:
    report = await act(sessionmaker, create(chengdu.agency, draft()))
    assert isinstance(report, MonitoringReport) and report.id is not None
    rid = report.id

    def edit(version: int, **text: str) -> Call[MonitoringReport]:
        return lambda s: reports.update_report(
            session=s, actor=chengdu.agency, report_id=rid, row_version=version, text=ReportText(**text)
        )

    edited = await act(sessionmaker, edit(report.row_version, progress="新的进展"))
    assert isinstance(edited, MonitoringReport)
    assert (edited.progress, edited.problems, edited.content_revision) == ("新的进展", "存在问题", 1)
    stale = await refused(sessionmaker, Conflict, edit(report.row_version, progress="旧"))
    assert stale.code.value == "STALE_VERSION"
    async with sessionmaker() as session:
        row = await session.get(MonitoringReport, rid)
        assert row is not None
        row.status = MonitoringReportStatus.SUBMITTED
        session.add(row)
        await session.commit()
        version = row.row_version
    locked = await refused(sessionmaker, InvalidTransition, edit(version, progress="改"))
    assert locked.code == GoalErrorCode.NOT_EDITABLE


async def test_art13_reports_are_read_where_the_rule_says(
    sessionmaker: Sessionmaker, chengdu: Bodies, chengdu_goal: GoalInForce
) -> None:
    """A draft is the region's (and above); once submitted the regions below read it too; another
    administration's bodies never do."""
    report = await act(sessionmaker, create(chengdu.agency, draft()))
    assert isinstance(report, MonitoringReport)
    province = await bodies_of(sessionmaker, PROVINCE)
    jinjiang = await bodies_of(sessionmaker, "510104")

    async def seen(actor: object) -> list[int]:
        async with sessionmaker() as session:
            stmt = reports_select(ReportQuery(year=YEAR, fund_type_code=FUND), actor)  # type: ignore[arg-type]
            return [r.id or 0 for r in (await session.exec(stmt)).all()]

    assert await seen(chengdu.finance) == [report.id] == await seen(province.finance)
    assert await seen(jinjiang.agency) == [] == await seen(await agency_hrss(sessionmaker))
    with pytest.raises(NotFound):
        async with sessionmaker() as session:
            await reports.visible_report(session=session, actor=jinjiang.agency, report_id=report.id or 0)
