"""财政厅's round of the assessment (Art. 22 「开展对各市（州）…的考核，建立考核结果通报制度」):
opened for a budget year at the province (a draft), computed from the facts and recomputable while a draft
(each computation counts `content_revision` up and voids the concurrences), concurred with by 人社厅,
省医保局 and 省税务局 on the current computation (「按照部门职责」), and published by 财政厅 once all
three have: frozen, its 通报 numbered (a 财社 document of 财政厅), each prefecture then reading its own
row."""

from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.models import Organization, Region
from src.models.assessment import (
    AssessmentDocumentKind,
    AssessmentEventKind,
    AssessmentRound,
    AssessmentStatus,
    PrefectureAssessment,
)
from src.models.base import utcnow
from src.models.enums import ActorType, label_zh
from src.reports.numbering import Issue, number_for
from src.services import audit, policy
from src.services.actors import Actor
from src.services.assessment.computing import computed_rows
from src.services.assessment.scope import ROUND, province_scope, round_scope, visible_rounds_clause
from src.services.concurrency import claim
from src.services.deadlines.listing import check_year
from src.services.errors import (
    AssessmentErrorCode,
    Conflict,
    GoalErrorCode,
    InvalidTransition,
    MonitoringReportErrorCode,
    NotFound,
    PreconditionFailed,
)
from src.subjects.documents import FINANCE_SOCIAL_SECURITY, DocumentSpec, NumberSpec
from src.subjects.events import record_event
from src.subjects.registry import registry

ENTITY = "考核"
NOTICE_KIND = AssessmentDocumentKind.ASSESSMENT_NOTICE
NUMBER = NumberSpec(issuer=ActorType.FINANCE, family=FINANCE_SOCIAL_SECURITY)
# Each concurring body and the round's column holding the computation it concurred with.
CONCURRING = {
    ActorType.HRSS: "hrss_concurred_revision",
    ActorType.MEDICAL_SECURITY: "medical_security_concurred_revision",
    ActorType.TAX: "tax_concurred_revision",
}


async def _no_document(**_: Any) -> dict[str, Any]:
    raise NotImplementedError("the notice's document kind is registered with its template")


async def _no_versions(*_: Any) -> dict[int, list[Any]]:
    raise NotImplementedError("the notice's document kind is registered with its template")


def number_spec() -> DocumentSpec:
    """The notice's kind as numbering reads it: the registered one, else the same kind without a template."""
    registered: DocumentSpec | None = registry().documents.get(NOTICE_KIND)
    if registered is not None:
        return registered
    return DocumentSpec(
        kind=NOTICE_KIND, label="考核结果通报", subject=ROUND, build_context=_no_document,
        versions=_no_versions, number=NUMBER,
    )  # fmt: skip


async def visible_round(*, session: AsyncSession, actor: Actor, round_id: int) -> AssessmentRound:
    """The round if `actor` may read it; one it may not is reported as absent."""
    found = await session.get(AssessmentRound, round_id)
    if found is None or not policy.visible(actor, await round_scope(session, found)):
        raise NotFound(ENTITY, round_id)
    return found


def rounds_select(actor: Actor, *, year: int | None = None) -> SelectOfScalar[AssessmentRound]:
    stmt = select(AssessmentRound).where(visible_rounds_clause(actor))
    return stmt if year is None else stmt.where(AssessmentRound.year == year)


async def round_of_year(*, session: AsyncSession, actor: Actor, year: int) -> AssessmentRound:
    """The round of budget year `year` `actor` may read (its province's); NotFound otherwise."""
    stmt = rounds_select(actor, year=year).order_by(col(AssessmentRound.id))
    found = (await session.exec(stmt)).first()
    if found is None:
        raise NotFound(ENTITY, f"{year}年度")
    return found


async def _event(
    session: AsyncSession, actor: Actor, row: AssessmentRound, kind: str, payload: dict[str, Any]
) -> None:
    await record_event(
        session=session, kind=AssessmentEventKind(kind), subject=row, actor=actor, payload=payload
    )


def _require_draft(row: AssessmentRound, operation: str) -> None:
    if row.status != AssessmentStatus.DRAFT:
        raise InvalidTransition(
            f"考核当前状态为“{label_zh(row.status)}”（{row.status.value}），不能执行{operation}",
            current_status=row.status.value,
            operation=operation,
            code=GoalErrorCode.WRONG_STATUS,
        )


def _require_computed(row: AssessmentRound) -> None:
    if row.content_revision == 0:
        raise PreconditionFailed(
            f"{row.year}年度考核尚未计算", code=AssessmentErrorCode.ASSESSMENT_NOT_COMPUTED
        )


async def open_round(*, session: AsyncSession, actor: Actor, year: int) -> AssessmentRound:
    """财政厅 opens its province's round of budget year `year` (a draft, not yet computed)."""
    province = await session.get(Region, actor.region_id)
    assert province is not None and province.id is not None
    policy.require(
        actor,
        policy.Action.ASSESSMENT_MANAGE,
        policy.Scope(region_path=province.path, region_level=province.level),
    )
    check_year(year, "year")
    row = AssessmentRound(region_id=province.id, year=year, organization_id=actor.organization_id)
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        raise Conflict(f"{year}年度考核已存在", code=AssessmentErrorCode.ASSESSMENT_EXISTS) from None
    await audit.created(session=session, actor=actor, operation="assessmentRoundOpen", row=row)
    payload = {"action": "OPEN", "toStatus": row.status.value}
    await _event(session, actor, row, AssessmentEventKind.ASSESSMENT_ROUND_STATUS_CHANGED, payload)
    return row


async def compute_round(
    *, session: AsyncSession, actor: Actor, round_id: int, row_version: int
) -> AssessmentRound:
    """财政厅 (re)computes a draft round: every prefecture's facts, scores, total, rank and outcome replace
    the previous ones; the concurrences are void (they were given on the previous computation)."""
    row = await visible_round(session=session, actor=actor, round_id=round_id)
    policy.require(actor, policy.Action.ASSESSMENT_MANAGE, await province_scope(session, row))
    operation = "assessmentRoundCompute"
    _require_draft(row, operation)
    province = await session.get(Region, row.region_id)
    assert province is not None and row.id is not None
    rows, weights = await computed_rows(session=session, province=province, assessment=row)
    async with audit.changing(session=session, actor=actor, operation=operation, row=row):
        await claim(
            session=session,
            row=row,
            expected_version=row_version,
            extra_where=(col(AssessmentRound.status) == AssessmentStatus.DRAFT,),
        )
        await session.exec(delete(PrefectureAssessment).where(col(PrefectureAssessment.round_id) == row.id))
        # One executemany, whatever the number of prefectures (the rows' ids are read by nobody here).
        await session.exec(insert(PrefectureAssessment), params=[r.model_dump(exclude={"id"}) for r in rows])
        row.content_revision += 1
        row.computed_at = utcnow()
        row.weights = weights
    await session.flush()
    payload = {"action": "COMPUTE", "revision": row.content_revision, "prefectures": len(rows)}
    await _event(session, actor, row, AssessmentEventKind.ASSESSMENT_ROUND_COMPUTED, payload)
    return row


async def concur_round(
    *, session: AsyncSession, actor: Actor, round_id: int, row_version: int
) -> AssessmentRound:
    """人社厅, 省医保局 or 省税务局 concurs with the round's current computation."""
    row = await visible_round(session=session, actor=actor, round_id=round_id)
    policy.require(actor, policy.Action.ASSESSMENT_CONCUR, await province_scope(session, row))
    operation = "assessmentRoundConcur"
    _require_draft(row, operation)
    _require_computed(row)
    column = CONCURRING[actor.actor_type]
    async with audit.changing(session=session, actor=actor, operation=operation, row=row):
        await claim(session=session, row=row, expected_version=row_version)
        setattr(row, column, row.content_revision)
    payload = {"action": "CONCUR", "body": actor.actor_type.value, "revision": row.content_revision}
    await _event(session, actor, row, AssessmentEventKind.ASSESSMENT_ROUND_STATUS_CHANGED, payload)
    return row


def missing_concurrences(row: AssessmentRound) -> list[ActorType]:
    """The bodies that have not concurred with the current computation."""
    return [body for body, column in CONCURRING.items() if getattr(row, column) != row.content_revision]


async def co_issuers(session: AsyncSession, province_id: int) -> list[Organization]:
    """The province's 人社厅, 省医保局 and 省税务局, in that order; PreconditionFailed naming the missing."""
    stmt = select(Organization).where(Organization.region_id == province_id).order_by(col(Organization.id))
    found = (await session.exec(stmt)).all()
    chosen = [next((o for o in found if o.actor_type == body), None) for body in CONCURRING]
    missing = [label_zh(body) for body, o in zip(CONCURRING, chosen, strict=True) if o is None]
    if missing:
        raise PreconditionFailed(
            f"省级尚未设置{'、'.join(missing)}，考核结果通报无法联合印发；请系统管理员先建立这些单位",
            code=MonitoringReportErrorCode.RECIPIENT_MISSING,
        )
    return [o for o in chosen if o is not None]


async def publish_round(
    *, session: AsyncSession, actor: Actor, round_id: int, row_version: int
) -> AssessmentRound:
    """财政厅 publishes the round (考核结果通报): computed, concurred by all three on this computation;
    numbered now; each prefecture reads its own row from now on."""
    row = await visible_round(session=session, actor=actor, round_id=round_id)
    policy.require(actor, policy.Action.ASSESSMENT_MANAGE, await province_scope(session, row))
    operation = "assessmentRoundPublish"
    _require_draft(row, operation)
    _require_computed(row)
    missing = missing_concurrences(row)
    if missing:
        names = "、".join(label_zh(body) for body in missing)
        raise PreconditionFailed(
            f"{names}尚未对本次计算结果表示同意（第二十二条：按照部门职责开展考核）",
            code=AssessmentErrorCode.ASSESSMENT_CONCURRENCE_REQUIRED,
        )
    issuers = await co_issuers(session, row.region_id)
    async with audit.changing(session=session, actor=actor, operation=operation, row=row):
        await claim(
            session=session,
            row=row,
            expected_version=row_version,
            extra_where=(col(AssessmentRound.status) == AssessmentStatus.DRAFT,),
        )
        now = utcnow()
        issue = Issue(organization_id=actor.organization_id, at=now)
        row.document_number = await number_for(session=session, spec=number_spec(), subject=row, issue=issue)
        row.status = AssessmentStatus.PUBLISHED
        row.published_at = now
        row.organization_id = actor.organization_id
        row.co_issuer_ids = [o.id for o in issuers if o.id is not None]
        await session.exec(
            update(PrefectureAssessment)
            .where(col(PrefectureAssessment.round_id) == row.id)
            .values(published=True)
        )
    payload = {"action": "PUBLISH", "toStatus": row.status.value, "number": row.document_number}
    await _event(session, actor, row, AssessmentEventKind.ASSESSMENT_ROUND_STATUS_CHANGED, payload)
    return row
