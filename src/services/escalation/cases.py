"""财政厅 opens a prefecture's 两书一函 case (Art. 22 「对工作推进不力的」):
one per prefecture and budget year,
with its reason, optionally the assessment that found the prefecture weak, and the joint issuers by their
duties (人社厅, 省医保局, 省税务局); a draft seen by the province only until its first letter goes out."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.models import Organization, PrefectureAssessment, Region
from src.models.enums import ActorType, RegionLevel, label_zh
from src.models.escalation import EscalationCase, EscalationEventKind, EscalationLetter, EscalationStatus
from src.services import audit, policy
from src.services.actors import Actor
from src.services.errors import (
    Conflict,
    ErrorCode,
    EscalationErrorCode,
    FieldProblem,
    InvalidTransition,
    MonitoringReportErrorCode,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.escalation.scope import case_scope, visible_cases_clause
from src.services.monitoring import narrative
from src.subjects.events import record_event

ENTITY = "“两书一函”督办事项"
JOINT_ISSUERS = (ActorType.HRSS, ActorType.MEDICAL_SECURITY, ActorType.TAX)  # besides 财政厅 (Art. 22)
YEARS = range(2000, 2101)


async def visible_case(*, session: AsyncSession, actor: Actor, case_id: int) -> EscalationCase:
    """The case if `actor` may read it; one it may not is reported as absent, like a missing one."""
    row = await session.get(EscalationCase, case_id)
    if row is None or not policy.visible(actor, await case_scope(session, row)):
        raise NotFound(ENTITY, case_id)
    return row


async def event(session: AsyncSession, actor: Actor, row: EscalationCase, payload: dict[str, Any]) -> None:
    kind = EscalationEventKind.ESCALATION_STATUS_CHANGED
    await record_event(session=session, kind=kind, subject=row, actor=actor, payload=payload)


async def letters_of(session: AsyncSession, case_id: int) -> list[EscalationLetter]:
    stmt = (
        select(EscalationLetter)
        .where(EscalationLetter.case_id == case_id)
        .order_by(col(EscalationLetter.level))
    )
    return list((await session.exec(stmt)).all())


def require_open(row: EscalationCase, operation: str) -> None:
    if row.status == EscalationStatus.CLOSED:
        raise InvalidTransition(
            f"该督办事项已办结，不能执行{operation}", current_status=row.status.value, operation=operation,
            code=EscalationErrorCode.ESCALATION_CLOSED,
        )  # fmt: skip


async def organizations_of(
    session: AsyncSession, region_id: int, types: Sequence[ActorType]
) -> list[Organization]:
    """The region's first body of each type wanted, in that order (those on record)."""
    stmt = select(Organization).where(Organization.region_id == region_id).order_by(col(Organization.id))
    found = (await session.exec(stmt)).all()
    chosen = [next((o for o in found if o.actor_type == t), None) for t in types]
    return [o for o in chosen if o is not None]


async def open_case(
    *,
    session: AsyncSession,
    actor: Actor,
    region_code: str,
    year: int,
    reason: str,
    assessment_id: int | None = None,
    joint_issuers: Sequence[ActorType] = JOINT_ISSUERS,
) -> EscalationCase:
    """财政厅 opens the case of the prefecture `region_code` for `year` (its letters follow)."""
    region = (await session.exec(select(Region).where(Region.code == region_code))).first()
    if region is None or region.parent_id is None:
        raise NotFound("行政区划", region_code)
    province = await session.get_one(Region, region.parent_id)
    while province.level != RegionLevel.PROVINCE and province.parent_id is not None:
        province = await session.get_one(Region, province.parent_id)  # a county: the province above it
    policy.require(
        actor,
        policy.Action.ESCALATION_MANAGE,
        policy.Scope(region_path=province.path, region_level=province.level),
    )
    if region.level != RegionLevel.PREFECTURE:
        raise PreconditionFailed(
            f"{region.name}不是市（州）：“两书一函”针对考核中工作推进不力的市（州）（第二十二条）",
            code=EscalationErrorCode.ESCALATION_NOT_A_PREFECTURE,
        )
    problems: list[FieldProblem] = []
    if year not in YEARS:
        problems.append(FieldProblem("input.year", "预算年度应在 2000 至 2100 之间", ErrorCode.OUT_OF_RANGE))
    cleaned, text_problems = narrative.check({"reason": reason})
    problems += text_problems
    if not cleaned.get("reason"):
        problems.append(FieldProblem("input.reason", "督办事由：须填写", ErrorCode.REQUIRED))
    wanted = list(dict.fromkeys(joint_issuers))
    if any(t not in JOINT_ISSUERS for t in wanted):
        message = "联合发文单位只能是人社厅、省医保局、省税务局"
        problems.append(FieldProblem("input.jointIssuers", message, ErrorCode.INVALID))
    if assessment_id is not None and not await _published_result_of(session, assessment_id, region, year):
        message = f"所依据的考核结果应为已通报的{region.name}{year}年度考核结果"
        problems.append(FieldProblem("input.assessmentId", message, ErrorCode.INVALID))
    if problems:
        raise ValidationFailed(problems)
    co_issuers = await organizations_of(session, province.id or 0, wanted)
    missing = [label_zh(t) for t in wanted if t not in {o.actor_type for o in co_issuers}]
    if missing:
        raise PreconditionFailed(
            f"{province.name}尚未设置{'、'.join(missing)}，无法联合发函；请系统管理员先建立这些单位",
            code=MonitoringReportErrorCode.RECIPIENT_MISSING,
        )
    row = EscalationCase(
        region_id=region.id or 0, province_id=province.id or 0, year=year, assessment_id=assessment_id,
        reason=cleaned["reason"], organization_id=actor.organization_id,
        co_issuer_ids=[o.id for o in co_issuers if o.id is not None], opened_by=actor.user_id,
    )  # fmt: skip
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            f"{region.name}{year}年度的“两书一函”督办事项已存在", code=EscalationErrorCode.ESCALATION_EXISTS
        ) from None
    await audit.created(session=session, actor=actor, operation="escalationOpen", row=row)
    await event(session, actor, row, {"action": "OPEN", "toStatus": row.status.value})
    return row


async def _published_result_of(session: AsyncSession, assessment_id: int, region: Region, year: int) -> bool:
    """Whether `assessment_id` is the published assessment row of this prefecture and year: a case rests on
    what the 考核结果通报 said, never on a draft computation."""
    row = await session.get(PrefectureAssessment, assessment_id)
    return row is not None and row.published and row.region_id == region.id and row.year == year


def cases_select(
    actor: Actor, *, year: int | None = None, region_code: str | None = None,
    status: EscalationStatus | None = None,
) -> SelectOfScalar[EscalationCase]:  # fmt: skip
    """The cases `actor` may read (of `year`, of the prefecture `region_code`, in `status`, if given)."""
    stmt = select(EscalationCase).where(visible_cases_clause(actor))
    if year is not None:
        stmt = stmt.where(EscalationCase.year == year)
    if region_code is not None:
        region = select(Region.id).where(Region.code == region_code).scalar_subquery()
        stmt = stmt.where(col(EscalationCase.region_id) == region)
    if status is not None:
        stmt = stmt.where(EscalationCase.status == status)
    return stmt
