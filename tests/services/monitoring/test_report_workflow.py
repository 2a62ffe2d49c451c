"""src/services/monitoring/report_workflow.py: the tax department concurs with the report's current content
(Art. 13 商税务部门; any edit voids it), the agency submits only what it concurred with, finance and the
supervising administration (组织开展) each accept — ACCEPTED when both have — or either returns it with a
reason; the agency reworks and resubmits. Each step a transition, an event and an audit entry."""

from sqlmodel import col, select

from src.models import AuditEvent, Event
from src.models.monitoring import MonitoringReport, MonitoringReportStatus, MonitoringReportTransition
from src.services.actors import Actor
from src.services.errors import (
    Conflict,
    ErrorCode,
    Forbidden,
    GoalErrorCode,
    InvalidTransition,
    MonitoringReportErrorCode,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.monitoring import report_workflow as flow
from src.services.monitoring import reports
from tests.services.conftest import PROVINCE, Bodies, Call, Sessionmaker, act, bodies_of, refused
from tests.services.monitoring.report_rows import GoalInForce
from tests.services.monitoring.report_world import create, draft

DRAFT, SUBMITTED, ACCEPTED, RETURNED = (
    MonitoringReportStatus.DRAFT,
    MonitoringReportStatus.SUBMITTED,
    MonitoringReportStatus.ACCEPTED,
    MonitoringReportStatus.RETURNED,
)


async def current(sessionmaker: Sessionmaker, report_id: int) -> MonitoringReport:
    async with sessionmaker() as session:
        report = await session.get(MonitoringReport, report_id)
        assert report is not None
        return report


def concur(actor: Actor, report: MonitoringReport, opinion: str | None = None) -> Call[MonitoringReport]:
    return lambda s: flow.concur_report(
        session=s, actor=actor, report_id=report.id or 0, row_version=report.row_version, opinion=opinion
    )


def submit(actor: Actor, report: MonitoringReport) -> Call[MonitoringReport]:
    return lambda s: flow.submit_report(
        session=s, actor=actor, report_id=report.id or 0, row_version=report.row_version
    )


def accept(actor: Actor, report: MonitoringReport) -> Call[MonitoringReport]:
    return lambda s: flow.accept_report(
        session=s, actor=actor, report_id=report.id or 0, row_version=report.row_version
    )


def send_back(actor: Actor, report: MonitoringReport, reason: str) -> Call[MonitoringReport]:
    return lambda s: flow.return_report(
        session=s, actor=actor, report_id=report.id or 0, row_version=report.row_version, reason=reason
    )


def edit(actor: Actor, report: MonitoringReport, **text: str) -> Call[MonitoringReport]:
    return lambda s: reports.update_report(
        session=s,
        actor=actor,
        report_id=report.id or 0,
        row_version=report.row_version,
        text=reports.ReportText(**text),
    )


async def drafted(sessionmaker: Sessionmaker, chengdu: Bodies) -> MonitoringReport:
    report = await act(sessionmaker, create(chengdu.agency, draft()))
    assert isinstance(report, MonitoringReport)
    return report


async def test_art13_the_tax_department_concurs_and_an_edit_voids_it(
    sessionmaker: Sessionmaker, chengdu: Bodies, chengdu_goal: GoalInForce
) -> None:
    report = await drafted(sessionmaker, chengdu)
    missing = await refused(sessionmaker, PreconditionFailed, submit(chengdu.agency, report))
    assert missing.code == GoalErrorCode.TAX_CONCURRENCE_REQUIRED and "尚未商税务部门" in missing.message
    await refused(sessionmaker, Forbidden, concur(chengdu.agency, report))
    concurred = await act(sessionmaker, concur(chengdu.tax, report, "同意"))
    assert concurred.tax_concurred_revision == concurred.content_revision == 0
    edited = await act(sessionmaker, edit(chengdu.agency, concurred, measures="补充措施"))
    voided = await refused(sessionmaker, PreconditionFailed, submit(chengdu.agency, edited))
    assert voided.code == GoalErrorCode.TAX_CONCURRENCE_REQUIRED and "又有修改" in voided.message
    again = await act(sessionmaker, concur(chengdu.tax, edited))
    submitted = await act(sessionmaker, submit(chengdu.agency, again))
    assert (submitted.status, submitted.submitted_at is not None) == (SUBMITTED, True)
    await refused(sessionmaker, InvalidTransition, concur(chengdu.tax, submitted))
    locked = await refused(sessionmaker, InvalidTransition, edit(chengdu.agency, submitted, progress="改"))
    assert locked.code == GoalErrorCode.NOT_EDITABLE


async def test_art13_a_report_goes_out_with_every_part_written(
    sessionmaker: Sessionmaker, chengdu: Bodies, chengdu_goal: GoalInForce
) -> None:
    report = await act(sessionmaker, create(chengdu.agency, draft(problems="", measures="  ")))
    assert isinstance(report, MonitoringReport)
    report = await act(sessionmaker, concur(chengdu.tax, report))
    error = await refused(sessionmaker, ValidationFailed, submit(chengdu.agency, report))
    assert [(p.field, p.code) for p in error.problems] == [
        ("report.problems", ErrorCode.REQUIRED),
        ("report.measures", ErrorCode.REQUIRED),
    ]


async def test_art13_finance_and_the_administration_both_accept(
    sessionmaker: Sessionmaker, chengdu: Bodies, chengdu_goal: GoalInForce
) -> None:
    report = await drafted(sessionmaker, chengdu)
    report = await act(
        sessionmaker, submit(chengdu.agency, await act(sessionmaker, concur(chengdu.tax, report)))
    )
    for outsider in (chengdu.agency, chengdu.tax, (await bodies_of(sessionmaker, PROVINCE)).finance):
        await refused(sessionmaker, Forbidden, accept(outsider, report))
    by_finance = await act(sessionmaker, accept(chengdu.finance, report))
    assert (by_finance.status, by_finance.finance_accepted_at is not None) == (SUBMITTED, True)
    twice = await refused(sessionmaker, InvalidTransition, accept(chengdu.finance, by_finance))
    assert twice.code == MonitoringReportErrorCode.ALREADY_ACCEPTED
    stale = await refused(sessionmaker, Conflict, accept(chengdu.reviewer, report))
    assert stale.current_version == by_finance.row_version
    done = await act(sessionmaker, accept(chengdu.reviewer, by_finance))
    assert (done.status, done.administration_accepted_at is not None) == (ACCEPTED, True)
    over = await refused(sessionmaker, InvalidTransition, send_back(chengdu.finance, done, "晚了"))
    assert over.code == GoalErrorCode.WRONG_STATUS
    async with sessionmaker() as session:
        steps = (
            await session.exec(
                select(MonitoringReportTransition).order_by(col(MonitoringReportTransition.id))
            )
        ).all()
        kinds = (await session.exec(select(Event.kind).where(Event.subject_type == "MonitoringReport"))).all()
        audit = (
            await session.exec(select(AuditEvent.operation).where(AuditEvent.target_id == report.id))
        ).all()
    assert [(s.action, s.from_status, s.to_status, s.reason) for s in steps] == [
        ("TAX_CONCUR", DRAFT, DRAFT, None),
        ("SUBMIT", DRAFT, SUBMITTED, None),
        ("ACCEPT", SUBMITTED, SUBMITTED, "财政部门审核通过"),
        ("ACCEPT", SUBMITTED, ACCEPTED, "主管行政部门审核通过"),
    ]
    assert kinds.count("MONITORING_REPORT_STATUS_CHANGED") == 4
    assert set(audit) >= {"monitoringReportTaxConcur", "monitoringReportSubmit", "monitoringReportAccept"}


async def test_art13_either_returns_it_with_a_reason_and_the_agency_resubmits(
    sessionmaker: Sessionmaker, chengdu: Bodies, chengdu_goal: GoalInForce
) -> None:
    report = await drafted(sessionmaker, chengdu)
    report = await act(
        sessionmaker, submit(chengdu.agency, await act(sessionmaker, concur(chengdu.tax, report)))
    )
    report = await act(sessionmaker, accept(chengdu.finance, report))
    no_reason = await refused(sessionmaker, ValidationFailed, send_back(chengdu.reviewer, report, "  "))
    assert [(p.field, p.code) for p in no_reason.problems] == [("input.reason", ErrorCode.REQUIRED)]
    returned = await act(sessionmaker, send_back(chengdu.reviewer, report, "预警处置情况未写明"))
    assert (returned.status, returned.return_reason) == (RETURNED, "预警处置情况未写明")
    assert returned.finance_accepted_at is None  # acceptances before a return no longer hold
    await refused(sessionmaker, InvalidTransition, accept(chengdu.finance, returned))
    reworked = await act(sessionmaker, edit(chengdu.agency, returned, problems="已补充预警处置情况"))
    await refused(sessionmaker, PreconditionFailed, submit(chengdu.agency, reworked))
    resubmitted = await act(
        sessionmaker, submit(chengdu.agency, await act(sessionmaker, concur(chengdu.tax, reworked)))
    )
    assert (resubmitted.status, resubmitted.return_reason) == (SUBMITTED, None)
    final = await act(
        sessionmaker, accept(chengdu.reviewer, await act(sessionmaker, accept(chengdu.finance, resubmitted)))
    )
    assert final.status == ACCEPTED
    assert (await current(sessionmaker, report.id or 0)).status == ACCEPTED
