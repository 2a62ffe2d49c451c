"""A monitoring report's steps (Art. 13): the tax department concurs with its current content (商税务部门;
any edit voids it, as for goals: src/services/goals/tax.py), the agency submits it, then the region's
finance and the supervising administration (组织开展) each accept it — ACCEPTED when both have — or either
returns it with a reason, and the agency reworks and resubmits it.

DRAFT ─submit─▶ SUBMITTED ─accept (finance and administration)─▶ ACCEPTED
  ▲                 │
  └──── RETURNED ◀──┘ return (either, with a reason)

Every step is a MonitoringReportTransition row, an event and an audit entry, in the caller's transaction;
each names the row_version it read (optimistic concurrency) and claims it only while the report is still in
the status the check saw.
"""

from enum import StrEnum

from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.base import utcnow
from src.models.enums import ActorType, label_zh
from src.models.monitoring import (
    MonitoringReport,
    MonitoringReportEventKind,
    MonitoringReportStatus,
    MonitoringReportTransition,
)
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrence import concur, require_concurrence
from src.services.concurrency import claim
from src.services.errors import (
    ErrorCode,
    FieldProblem,
    GoalErrorCode,
    InvalidTransition,
    MonitoringReportErrorCode,
    ValidationFailed,
)
from src.services.monitoring import narrative
from src.services.monitoring.reports import TEXTS, visible_report
from src.services.monitoring.scope import REPORT_DRAFTS
from src.subjects.events import record_event


class ReportAction(StrEnum):
    TAX_CONCUR = "TAX_CONCUR"
    SUBMIT = "SUBMIT"
    ACCEPT = "ACCEPT"
    RETURN = "RETURN"


OPERATION = {
    ReportAction.TAX_CONCUR: "monitoringReportTaxConcur",
    ReportAction.SUBMIT: "monitoringReportSubmit",
    ReportAction.ACCEPT: "monitoringReportAccept",
    ReportAction.RETURN: "monitoringReportReturn",
}


def _invalid(report: MonitoringReport, action: ReportAction, why: str | None = None) -> InvalidTransition:
    return InvalidTransition(
        why
        or f"报告当前状态为“{label_zh(report.status)}”（{report.status.value}），不能执行{OPERATION[action]}",
        current_status=report.status.value,
        operation=OPERATION[action],
        code=GoalErrorCode.WRONG_STATUS,
    )


def _text(field: str, text: str | None, *, required: str | None = None) -> str:
    value = narrative.clean(text or "")
    if required is not None and not value:
        raise ValidationFailed([FieldProblem(field, required, ErrorCode.REQUIRED)])
    problem = narrative.text_problem(field, value)
    if problem is not None:
        raise ValidationFailed([problem])
    return value


async def _claim_in_status(session: AsyncSession, report: MonitoringReport, row_version: int) -> None:
    await claim(
        session=session,
        row=report,
        expected_version=row_version,
        extra_where=(col(MonitoringReport.status) == report.status,),
    )


async def _log(
    session: AsyncSession,
    actor: Actor,
    report: MonitoringReport,
    action: ReportAction,
    before: MonitoringReportStatus,
    reason: str | None,
) -> None:
    """The step's transition row and the event announcing it."""
    assert report.id is not None
    session.add(
        MonitoringReportTransition(
            report_id=report.id,
            action=action.value,
            from_status=before,
            to_status=report.status,
            reason=reason,
            user_id=actor.user_id,
            organization_id=actor.organization_id,
        )
    )
    payload = {
        "action": action.value,
        "fromStatus": before.value,
        "toStatus": report.status.value,
        "contentRevision": report.content_revision,
    }
    await record_event(
        session=session,
        kind=MonitoringReportEventKind.MONITORING_REPORT_STATUS_CHANGED,
        subject=report,
        actor=actor,
        payload=payload,
    )


async def concur_report(
    *, session: AsyncSession, actor: Actor, report_id: int, row_version: int, opinion: str | None = None
) -> MonitoringReport:
    """The tax department of the report's region concurs with its current content (its revision); the
    concurrence holds until the next edit. The opinion, if any, is the transition's reason."""
    report, scope = await visible_report(session=session, actor=actor, report_id=report_id)
    policy.require(actor, policy.Action.MONITORING_REPORT_TAX_OPINION, scope)
    if report.status not in REPORT_DRAFTS:
        raise _invalid(report, ReportAction.TAX_CONCUR, "税务部门只对草稿或已退回的报告出具会商意见")
    text = _text("input.opinion", opinion)
    before = report.status
    operation = OPERATION[ReportAction.TAX_CONCUR]
    async with audit.changing(session=session, actor=actor, operation=operation, row=report) as extra:
        await _claim_in_status(session, report, row_version)
        concur(report)
        extra["opinion"] = text
    await _log(session, actor, report, ReportAction.TAX_CONCUR, before, text or None)
    return report


async def _require_concurrence(session: AsyncSession, report: MonitoringReport) -> None:
    await require_concurrence(
        session,
        report,
        missing="{region}尚未设置税务部门，报告无法商税务部门（第十三条），不能报送；请系统管理员先建立该地区的税务部门",
        why_not="{why}。报送前须取得同级税务部门对当前内容的同意（第十三条：经办机构商税务部门形成运行监控情况报告）",
        never="报告尚未商税务部门",
        after="税务部门同意后报告又有修改",
    )


async def submit_report(
    *, session: AsyncSession, actor: Actor, report_id: int, row_version: int
) -> MonitoringReport:
    """The agency submits a draft or returned report whose current content the tax department concurred
    with, every part of its narrative written."""
    report, scope = await visible_report(session=session, actor=actor, report_id=report_id)
    policy.require(actor, policy.Action.MONITORING_REPORT_DRAFT, scope)
    if report.status not in REPORT_DRAFTS:
        raise _invalid(report, ReportAction.SUBMIT)
    narrative.required({name: getattr(report, name) for name in TEXTS}, "report", "报送前须填写")
    await _require_concurrence(session, report)
    before = report.status
    operation = OPERATION[ReportAction.SUBMIT]
    async with audit.changing(session=session, actor=actor, operation=operation, row=report):
        await _claim_in_status(session, report, row_version)
        report.status = MonitoringReportStatus.SUBMITTED
        report.submitted_at = utcnow()
        report.finance_accepted_at = report.administration_accepted_at = None
        report.return_reason = None
    await _log(session, actor, report, ReportAction.SUBMIT, before, None)
    return report


async def accept_report(
    *, session: AsyncSession, actor: Actor, report_id: int, row_version: int
) -> MonitoringReport:
    """Finance, or the supervising administration, accepts a submitted report; with both it is ACCEPTED."""
    report, scope = await visible_report(session=session, actor=actor, report_id=report_id)
    policy.require(actor, policy.Action.MONITORING_REPORT_ACCEPT, scope)
    if report.status != MonitoringReportStatus.SUBMITTED:
        raise _invalid(report, ReportAction.ACCEPT)
    finance = actor.actor_type == ActorType.FINANCE
    side, other = ("财政部门", "主管行政部门") if finance else ("主管行政部门", "财政部门")
    if (report.finance_accepted_at if finance else report.administration_accepted_at) is not None:
        raise InvalidTransition(
            f"{side}已审核通过该报告，待{other}审核",
            current_status=report.status.value,
            operation=OPERATION[ReportAction.ACCEPT],
            code=MonitoringReportErrorCode.ALREADY_ACCEPTED,
        )
    before = report.status
    operation = OPERATION[ReportAction.ACCEPT]
    async with audit.changing(session=session, actor=actor, operation=operation, row=report):
        await _claim_in_status(session, report, row_version)
        if finance:
            report.finance_accepted_at = utcnow()
        else:
            report.administration_accepted_at = utcnow()
        if report.finance_accepted_at is not None and report.administration_accepted_at is not None:
            report.status = MonitoringReportStatus.ACCEPTED
    await _log(session, actor, report, ReportAction.ACCEPT, before, f"{side}审核通过")
    return report


async def return_report(
    *, session: AsyncSession, actor: Actor, report_id: int, row_version: int, reason: str
) -> MonitoringReport:
    """Finance or the supervising administration sends a submitted report back with a reason: the agency
    reworks it (its acceptances so far no longer hold) and submits it again."""
    report, scope = await visible_report(session=session, actor=actor, report_id=report_id)
    policy.require(actor, policy.Action.MONITORING_REPORT_ACCEPT, scope)
    if report.status != MonitoringReportStatus.SUBMITTED:
        raise _invalid(report, ReportAction.RETURN)
    why = _text("input.reason", reason, required="退回须说明理由")
    before = report.status
    operation = OPERATION[ReportAction.RETURN]
    async with audit.changing(session=session, actor=actor, operation=operation, row=report):
        await _claim_in_status(session, report, row_version)
        report.status = MonitoringReportStatus.RETURNED
        report.return_reason = why
        report.finance_accepted_at = report.administration_accepted_at = None
    await _log(session, actor, report, ReportAction.RETURN, before, why)
    return report
