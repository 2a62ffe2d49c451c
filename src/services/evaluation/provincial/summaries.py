"""财政厅's summary (Art. 17 「财政厅于7月底前完成汇总并上报」): one per year evaluated at the province,
created by 财政厅 once the year is over, its narrative (总体情况, 存在的问题, 下一步工作) edited while a
draft, then sent upward to the national departments (copied to 人社厅, 省医保局, 省税务局: scope.py) with its
document number drawn at sending (a 财社 document of 财政厅, 川财社〔2026〕N号: src/reports/numbering.py).
It needs at least one approved provincial evaluation of the year; sent after the province's
PROVINCIAL_SUMMARY_DEADLINE (07-31 by default) it is marked late, not refused."""

from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.models.base import utcnow
from src.models.enums import ActorType, label_zh
from src.models.provincial_evaluation import (
    ProvincialEvaluationDocumentKind,
    ProvincialEvaluationSummary,
    ProvincialSummaryEventKind,
    ProvincialSummaryStatus,
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
    NotFound,
    PreconditionFailed,
    SelfEvaluationErrorCode,
    ValidationFailed,
)
from src.services.evaluation.provincial.evaluations import check_year, province_of
from src.services.evaluation.provincial.scope import (
    summary_policy_scope,
    summary_scope,
    visible_summaries_clause,
)
from src.services.evaluation.provincial.workflow import approved_fund_ids
from src.services.monitoring import clock, narrative
from src.services.rules import rules_for
from src.subjects.documents import FINANCE_SOCIAL_SECURITY, DocumentSpec, NumberSpec
from src.subjects.events import record_event
from src.subjects.registry import registry

ENTITY = "省级绩效评价汇总报告"
SUMMARY_KIND = ProvincialEvaluationDocumentKind.PROVINCIAL_EVALUATION_SUMMARY
SUBJECT = "ProvincialEvaluationSummary"
NUMBER = NumberSpec(issuer=ActorType.FINANCE, family=FINANCE_SOCIAL_SECURITY)
LABELS = {"overview": "总体情况", "problems": "存在的问题", "next_steps": "下一步工作"}
FIELDS = {"overview": "overview", "problems": "problems", "next_steps": "nextSteps"}  # as the API names them
S = ProvincialSummaryStatus


async def _no_document(**_: Any) -> dict[str, Any]:
    raise NotImplementedError("the summary's document kind is registered with its template")


async def _no_versions(*_: Any) -> dict[int, list[Any]]:
    raise NotImplementedError("the summary's document kind is registered with its template")


def number_spec() -> DocumentSpec:
    """The summary's document kind as numbering reads it (kind, subject, 财社 of a finance body): the
    registered one once its template is registered, else the same kind, subject and number without a
    template — so the number drawn is the document's either way."""
    registered: DocumentSpec | None = registry().documents.get(SUMMARY_KIND)
    if registered is not None:
        return registered
    return DocumentSpec(
        kind=SUMMARY_KIND, label="省级绩效评价汇总报告", subject=SUBJECT, build_context=_no_document,
        versions=_no_versions, number=NUMBER,
    )  # fmt: skip


async def due_on(session: AsyncSession, summary: ProvincialEvaluationSummary) -> date:
    """The province's PROVINCIAL_SUMMARY_DEADLINE in the year after the one evaluated (Art. 17: 7月底前)."""
    deadline = (await rules_for(session=session, region_id=summary.region_id)).provincial_summary_deadline
    return date(summary.year + 1, deadline.month, deadline.day)


async def visible_summary(
    *, session: AsyncSession, actor: Actor, summary_id: int
) -> tuple[ProvincialEvaluationSummary, policy.Scope]:
    """The summary and its policy scope if `actor` may read it; one it may not is reported as absent."""
    summary = await session.get(ProvincialEvaluationSummary, summary_id)
    if summary is None or not policy.visible(actor, await summary_scope(session, summary)):
        raise NotFound(ENTITY, summary_id)
    return summary, await summary_policy_scope(session, summary)


async def _event(
    session: AsyncSession,
    actor: Actor,
    summary: ProvincialEvaluationSummary,
    kind: str,
    payload: dict[str, Any],
) -> None:
    await record_event(
        session=session, kind=ProvincialSummaryEventKind(kind), subject=summary, actor=actor, payload=payload
    )


async def create_summary(
    *, session: AsyncSession, actor: Actor, region_code: str, year: int
) -> ProvincialEvaluationSummary:
    """财政厅 starts its province's summary of `year` (a draft)."""
    province = await province_of(session, region_code)
    assert province.id is not None
    policy.require(
        actor,
        policy.Action.PROVINCIAL_SUMMARY_COMPILE,
        policy.Scope(region_path=province.path, region_level=province.level),
    )
    check_year(year)
    summary = ProvincialEvaluationSummary(
        region_id=province.id, year=year, organization_id=actor.organization_id
    )
    try:
        async with session.begin_nested():
            session.add(summary)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            f"{year}年度省级绩效评价汇总报告已存在", code=SelfEvaluationErrorCode.PROVINCIAL_SUMMARY_EXISTS
        ) from None
    await audit.created(
        session=session, actor=actor, operation="provincialEvaluationSummaryCreate", row=summary
    )
    payload = {"action": "CREATE", "toStatus": summary.status.value}
    await _event(
        session, actor, summary, ProvincialSummaryEventKind.PROVINCIAL_SUMMARY_STATUS_CHANGED, payload
    )
    return summary


def _require_draft(summary: ProvincialEvaluationSummary, operation: str) -> None:
    if summary.status != S.DRAFT:
        raise InvalidTransition(
            f"汇总报告当前状态为“{label_zh(summary.status)}”（{summary.status.value}），不能执行{operation}",
            current_status=summary.status.value,
            operation=operation,
            code=GoalErrorCode.WRONG_STATUS,
        )


async def update_summary(
    *,
    session: AsyncSession,
    actor: Actor,
    summary_id: int,
    row_version: int,
    overview: str | None = None,
    problems: str | None = None,
    next_steps: str | None = None,
) -> ProvincialEvaluationSummary:
    """财政厅 edits a draft summary's narrative (None leaves a part as it is)."""
    summary, scope = await visible_summary(session=session, actor=actor, summary_id=summary_id)
    policy.require(actor, policy.Action.PROVINCIAL_SUMMARY_COMPILE, scope)
    operation = "provincialEvaluationSummaryUpdate"
    _require_draft(summary, operation)
    texts = narrative.checked({"overview": overview, "problems": problems, "next_steps": next_steps})
    async with audit.changing(session=session, actor=actor, operation=operation, row=summary):
        await claim(session=session, row=summary, expected_version=row_version)
        for name, value in texts.items():
            setattr(summary, name, value)
    payload = {"operation": operation, "fields": [*texts]}
    await _event(session, actor, summary, ProvincialSummaryEventKind.PROVINCIAL_SUMMARY_CHANGED, payload)
    return summary


async def send_summary(
    *, session: AsyncSession, actor: Actor, summary_id: int, row_version: int
) -> ProvincialEvaluationSummary:
    """财政厅 reports the summary upward: its narrative written, at least one provincial evaluation of the
    year approved; its number is drawn now; late after the province's deadline."""
    summary, scope = await visible_summary(session=session, actor=actor, summary_id=summary_id)
    policy.require(actor, policy.Action.PROVINCIAL_SUMMARY_COMPILE, scope)
    operation = "provincialEvaluationSummarySend"
    _require_draft(summary, operation)
    problems = [
        FieldProblem(f"summary.{FIELDS[name]}", f"{label}：上报前须填写", ErrorCode.REQUIRED)
        for name, label in LABELS.items()
        if not getattr(summary, name).strip()
    ]
    if problems:
        raise ValidationFailed(problems)
    if not await approved_fund_ids(session, region_id=summary.region_id, year=summary.year):
        raise PreconditionFailed(
            f"{summary.year}年度尚无审核通过的省级绩效评价报告，无可汇总（第十七条）",
            code=SelfEvaluationErrorCode.NOTHING_TO_SUMMARIZE,
        )
    late = clock.china_today() > await due_on(session, summary)
    async with audit.changing(session=session, actor=actor, operation=operation, row=summary) as extra:
        await claim(
            session=session,
            row=summary,
            expected_version=row_version,
            extra_where=(col(ProvincialEvaluationSummary.status) == S.DRAFT,),
        )
        now = utcnow()
        issue = Issue(organization_id=actor.organization_id, at=now)
        summary.document_number = await number_for(
            session=session, spec=number_spec(), subject=summary, issue=issue
        )
        summary.status = S.SENT
        summary.sent_at = now
        summary.late = late
        summary.organization_id = actor.organization_id
        extra["late"] = late
    payload = {
        "action": "SEND",
        "toStatus": summary.status.value,
        "number": summary.document_number,
        "late": late,
    }
    await _event(
        session, actor, summary, ProvincialSummaryEventKind.PROVINCIAL_SUMMARY_STATUS_CHANGED, payload
    )
    return summary


def summaries_select(actor: Actor, *, year: int | None = None) -> SelectOfScalar[ProvincialEvaluationSummary]:
    """The summaries `actor` may read (of `year` if given)."""
    stmt = select(ProvincialEvaluationSummary).where(visible_summaries_clause(actor))
    return stmt if year is None else stmt.where(ProvincialEvaluationSummary.year == year)
