"""A disclosure's steps (Art. 21): DRAFT → APPROVED → REPORTED (报送同级人大, the date given) → PUBLISHED
(向社会公开, numbered as a 财社 document of the finance). Every step is the region's finance's: the level of
the 人大 it is reported to.

Approval is four eyes: a user of the finance other than the one who last edited the draft approves it
(who selects what the public reads should not alone release it). At approval the public content is copied
(snapshot.py): reporting and publishing change only the status and dates. Publishing requests the
rendering of the published document (a report job as the publisher, run after the commit by the worker);
the public route serves that job's file, for that disclosure only, once published.
"""

from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Disclosure
from src.models.base import utcnow
from src.models.disclosure import DisclosureDocumentKind, DisclosureEventKind, DisclosureStatus
from src.models.enums import label_zh
from src.models.report import ReportFormat, ReportJob
from src.reports.jobs.requesting import request_report
from src.reports.numbering import Issue, number_for
from src.reports.pdf import soffice_path
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.disclosure.disclosures import event, visible_disclosure
from src.services.disclosure.scope import region_scope
from src.services.disclosure.snapshot import items_of, public_content
from src.services.errors import (
    DisclosureErrorCode,
    ErrorCode,
    FieldProblem,
    GoalErrorCode,
    InvalidTransition,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.monitoring import clock
from src.subjects.registry import registry

DOCUMENT_KIND = DisclosureDocumentKind.PERFORMANCE_DISCLOSURE
# The step each status allows next, with its operation.
NEXT = {
    DisclosureStatus.DRAFT: (DisclosureStatus.APPROVED, "disclosureApprove"),
    DisclosureStatus.APPROVED: (DisclosureStatus.REPORTED, "disclosureReport"),
    DisclosureStatus.REPORTED: (DisclosureStatus.PUBLISHED, "disclosurePublish"),
}
ACTIONS = {
    DisclosureStatus.APPROVED: policy.Action.DISCLOSURE_APPROVE,
    DisclosureStatus.REPORTED: policy.Action.DISCLOSURE_REPORT,
    DisclosureStatus.PUBLISHED: policy.Action.DISCLOSURE_PUBLISH,
}


async def _step_from(
    session: AsyncSession, actor: Actor, disclosure_id: int, to: DisclosureStatus
) -> tuple[Disclosure, str]:
    row = await visible_disclosure(session=session, actor=actor, disclosure_id=disclosure_id)
    policy.require(actor, ACTIONS[to], await region_scope(session, row))
    step = NEXT.get(row.status)
    operation = next(op for status, op in NEXT.values() if status == to)
    if step is None or step[0] != to:
        raise InvalidTransition(
            f"绩效信息公开当前状态为“{label_zh(row.status)}”（{row.status.value}），不能执行{operation}",
            current_status=row.status.value,
            operation=operation,
            code=GoalErrorCode.WRONG_STATUS,
        )
    return row, operation


async def _moved(
    session: AsyncSession,
    actor: Actor,
    row: Disclosure,
    row_version: int,
    operation: str,
    payload: dict[str, str],
) -> None:
    payload = {"action": operation, "toStatus": row.status.value, **payload}
    await event(session, actor, row, DisclosureEventKind.DISCLOSURE_STATUS_CHANGED, payload)


async def approve(*, session: AsyncSession, actor: Actor, disclosure_id: int, row_version: int) -> Disclosure:
    """Another user of the finance approves the draft; its public content is copied now."""
    row, operation = await _step_from(session, actor, disclosure_id, DisclosureStatus.APPROVED)
    if row.last_edited_by == actor.user_id:
        raise PreconditionFailed(
            "绩效信息公开须由最后编辑人以外的财政部门人员审定（双人复核）",
            code=DisclosureErrorCode.SAME_USER_APPROVES,
        )
    assert row.id is not None
    if not await items_of(session, row.id):
        raise PreconditionFailed(
            "尚未选择任何重要绩效目标或绩效评价结果，不能审定", code=DisclosureErrorCode.NOTHING_TO_DISCLOSE
        )
    content = await public_content(session, row)
    async with audit.changing(session=session, actor=actor, operation=operation, row=row):
        await claim(session=session, row=row, expected_version=row_version)
        row.status = DisclosureStatus.APPROVED
        row.approved_by = actor.user_id
        row.approved_at = utcnow()
        row.snapshot = content
    await _moved(session, actor, row, row_version, operation, {})
    return row


async def report(
    *, session: AsyncSession, actor: Actor, disclosure_id: int, row_version: int, reported_on: date
) -> Disclosure:
    """The finance records its report to the 人大 of its level (on `reported_on`, not in the future nor
    before the approval)."""
    row, operation = await _step_from(session, actor, disclosure_id, DisclosureStatus.REPORTED)
    assert row.approved_at is not None
    if reported_on > clock.china_today() or reported_on < row.approved_at.date():
        message = "报送日期须在审定之日与今日之间"
        raise ValidationFailed([FieldProblem("reportedOn", message, ErrorCode.OUT_OF_RANGE)])
    async with audit.changing(session=session, actor=actor, operation=operation, row=row):
        await claim(session=session, row=row, expected_version=row_version)
        row.status = DisclosureStatus.REPORTED
        row.reported_on = reported_on
    await _moved(session, actor, row, row_version, operation, {"reportedOn": reported_on.isoformat()})
    return row


async def publish(
    *, session: AsyncSession, actor: Actor, disclosure_id: int, row_version: int
) -> tuple[Disclosure, ReportJob]:
    """向社会公开: the public API serves it from now; its document is requested (the caller submits the job
    after the commit)."""
    row, operation = await _step_from(session, actor, disclosure_id, DisclosureStatus.PUBLISHED)
    async with audit.changing(session=session, actor=actor, operation=operation, row=row):
        await claim(session=session, row=row, expected_version=row_version)
        now = utcnow()
        spec = registry().documents[DOCUMENT_KIND]
        issue = Issue(organization_id=row.organization_id, at=now)
        row.document_number = await number_for(session=session, spec=spec, subject=row, issue=issue)
        row.status = DisclosureStatus.PUBLISHED
        row.published_at = now
    fmt = ReportFormat.PDF if soffice_path() is not None else ReportFormat.DOCX
    job = await request_report(
        session=session, actor=actor, kind=DOCUMENT_KIND.value, fmt=fmt, subject_id=row.id,
        fund_type_code=None, year=None, region_code=None,
    )  # fmt: skip
    row.document_job_id = job.id
    session.add(row)
    await session.flush()
    await _moved(session, actor, row, row_version, operation, {})
    return row, job
