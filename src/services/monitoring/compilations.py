"""The January compilation (Art. 13 「各市（州）财政部门每年1月底前牵头汇总本地上年运行监控情况报告，
报财政厅、人力资源社会保障厅、省医保局、省税务局」): each prefecture's finance compiles the accepted
year-end reports (1-12月) of the prefecture and the regions below it, for every fund, with its own
summary, problems and measures, into one record. Sending it draws its document number (a finance
body's 财社 document, 成财社〔2027〕1号: src/reports/numbering.py, as goal issuing does) and addresses
it to the four provincial bodies, each of which sees it (scope.py: both administrations) and
acknowledges it.

The deadline is the rule MONITORING_COMPILATION_DEADLINE of the year after the one monitored: a
compilation sent after it is marked late (`is_late`), never refused — a late report is still owed.
"""

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import savepoint
from src.models import MonitoringCompilationRecipient, Region
from src.models.base import utcnow
from src.models.monitoring import (
    CompilationEventKind,
    CompilationStatus,
    MonitoringCompilation,
    MonitoringDocumentKind,
)
from src.reports.numbering import Issue, number_for
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import (
    Conflict,
    ErrorCode,
    FieldProblem,
    GoalErrorCode,
    InvalidTransition,
    MonitoringReportErrorCode,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.monitoring import narrative
from src.services.monitoring.compilation_reads import compiled_reports, due_on, is_late, visible_compilation
from src.services.monitoring.compilation_recipients import provincial_recipients
from src.services.monitoring.reports import YEARS
from src.subjects.events import record_event
from src.subjects.registry import registry

TEXTS = ("summary", "problems", "measures")


@dataclass(frozen=True)
class CompilationText:
    """The compilation's own text: the parts given (None: unchanged)."""

    summary: str | None = None  # 总体情况
    problems: str | None = None  # 存在问题
    measures: str | None = None  # 改进措施


async def create_compilation(
    *, session: AsyncSession, actor: Actor, region_code: str, year: int, text: CompilationText
) -> MonitoringCompilation:
    """A draft compilation of the prefecture's reports of `year` (the year monitored)."""
    region = (await session.exec(select(Region).where(Region.code == region_code))).first()
    if region is None:
        raise NotFound("行政区划", region_code)
    assert region.id is not None
    policy.require(actor, policy.Action.MONITORING_COMPILE, policy.Scope(region.path, region.level))
    texts, problems = narrative.check({name: getattr(text, name) for name in TEXTS})
    if year not in YEARS:
        problems.append(FieldProblem("input.year", "年度须在 2000 至 2100 之间", ErrorCode.OUT_OF_RANGE))
    if problems:
        raise ValidationFailed(problems)
    compilation = MonitoringCompilation(
        region_id=region.id,
        year=year,
        organization_id=actor.organization_id,
        summary=texts.get("summary", ""),
        problems=texts.get("problems", ""),
        measures=texts.get("measures", ""),
    )
    try:  # one per prefecture and year: a compilation made at the same moment wins
        async with savepoint(session):
            session.add(compilation)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            f"{region.name}{year}年运行监控情况汇总报告已存在",
            code=MonitoringReportErrorCode.COMPILATION_EXISTS,
        ) from None
    await audit.created(
        session=session, actor=actor, operation="monitoringCompilationCreate", row=compilation
    )
    await _announce(
        session,
        actor,
        compilation,
        CompilationEventKind.MONITORING_COMPILATION_CHANGED,
        {"operation": "monitoringCompilationCreate"},
    )
    return compilation


async def update_compilation(
    *, session: AsyncSession, actor: Actor, compilation_id: int, row_version: int, text: CompilationText
) -> MonitoringCompilation:
    """Edit a draft compilation's text."""
    compilation, scope = await visible_compilation(
        session=session, actor=actor, compilation_id=compilation_id
    )
    policy.require(actor, policy.Action.MONITORING_COMPILE, scope)
    if compilation.status != CompilationStatus.DRAFT:
        raise InvalidTransition(
            "汇总报告已报送，不能修改",
            current_status=compilation.status.value,
            operation="monitoringCompilationUpdate",
            code=GoalErrorCode.NOT_EDITABLE,
        )
    texts = narrative.checked({name: getattr(text, name) for name in TEXTS})
    operation = "monitoringCompilationUpdate"
    async with audit.changing(session=session, actor=actor, operation=operation, row=compilation):
        await _claim_draft(session, compilation, row_version)
        for name, value in texts.items():
            setattr(compilation, name, value)
    await _announce(
        session,
        actor,
        compilation,
        CompilationEventKind.MONITORING_COMPILATION_CHANGED,
        {"operation": operation, "fields": sorted(texts)},
    )
    return compilation


async def _claim_draft(session: AsyncSession, compilation: MonitoringCompilation, row_version: int) -> None:
    await claim(
        session=session,
        row=compilation,
        expected_version=row_version,
        extra_where=(col(MonitoringCompilation.status) == CompilationStatus.DRAFT.value,),
    )


async def _announce(
    session: AsyncSession,
    actor: Actor,
    compilation: MonitoringCompilation,
    kind: CompilationEventKind,
    payload: dict[str, object],
) -> None:
    await record_event(session=session, kind=kind, subject=compilation, actor=actor, payload=payload)


async def send_compilation(
    *, session: AsyncSession, actor: Actor, compilation_id: int, row_version: int
) -> MonitoringCompilation:
    """Send a draft compilation to the four provincial bodies: its number from the sender's 财社 sequence
    of the year of sending, sent_at, one recipient row each. Late is marked, not refused."""
    compilation, scope = await visible_compilation(
        session=session, actor=actor, compilation_id=compilation_id
    )
    policy.require(actor, policy.Action.MONITORING_COMPILE, scope)
    if compilation.status != CompilationStatus.DRAFT:
        raise InvalidTransition(
            "汇总报告已报送",
            current_status=compilation.status.value,
            operation="monitoringCompilationSend",
            code=GoalErrorCode.WRONG_STATUS,
        )
    narrative.required({name: getattr(compilation, name) for name in TEXTS}, "compilation", "报送前须填写")
    region = await session.get(Region, compilation.region_id)
    assert region is not None and compilation.id is not None
    if not await compiled_reports(session, compilation):
        raise PreconditionFailed(
            f"{region.name}{compilation.year}年尚无审核通过的全年（1-12月）运行监控情况报告，无可汇总",
            code=MonitoringReportErrorCode.NOTHING_TO_COMPILE,
        )
    recipients = await provincial_recipients(session, region)
    due = await due_on(session, compilation)
    operation = "monitoringCompilationSend"
    async with audit.changing(session=session, actor=actor, operation=operation, row=compilation) as extra:
        await _claim_draft(session, compilation, row_version)
        now = utcnow()
        spec = registry().documents[MonitoringDocumentKind.MONITORING_COMPILATION]
        issue = Issue(organization_id=actor.organization_id, at=now)
        compilation.document_number = await number_for(
            session=session, spec=spec, subject=compilation, issue=issue
        )
        compilation.status = CompilationStatus.SENT
        compilation.sent_at = now
        compilation.organization_id = actor.organization_id
        for organization in recipients:
            assert organization.id is not None
            session.add(
                MonitoringCompilationRecipient(compilation_id=compilation.id, organization_id=organization.id)
            )
        extra["recipient_organization_ids"] = [o.id for o in recipients]
        extra["late"] = is_late(compilation, due)
    payload = {
        "documentNumber": compilation.document_number,
        "sentAt": now.isoformat(),
        "dueOn": due.isoformat(),
        "late": is_late(compilation, due),
        "recipientOrganizationIds": [o.id for o in recipients],
    }
    await _announce(session, actor, compilation, CompilationEventKind.MONITORING_COMPILATION_SENT, payload)
    return compilation
