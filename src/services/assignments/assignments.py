"""Entrusting a record to a third party (Art. 17): the finance body of the record's own region (财政
organizes evaluation) assigns it to a THIRD_PARTY organization for a period and may end that early, with
a reason; both are in the audit trail. An organization holds a record at most once at a time: an
assignment whose period overlaps one it holds, not ended, is a conflict. Only records of subjects
registered as assignable (SubjectSpec.assignee_actions) are assigned."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Assignment, Organization, Region
from src.models.assignment import ASSIGNMENT_NOTE_MAX_LENGTH, END_REASON_MAX_LENGTH, AssignmentEventKind
from src.models.base import utcnow
from src.models.enums import ActorType
from src.services import audit, policy
from src.services.actors import Actor
from src.services.assignments.period import period_of
from src.services.errors import (
    AssignmentErrorCode,
    Conflict,
    ErrorCode,
    FieldProblem,
    NotFound,
    ValidationFailed,
)
from src.services.rows import kept_row
from src.subjects.events import record_event
from src.subjects.registry import SubjectSpec, UnknownSubject, registry
from src.subjects.scope import RecordScope

ENTITY = "委托"
# Control characters (line breaks and tabs too: a note and a reason are one line), lone surrogates.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class AssignmentRequest:
    """What finance gives to assign a record (assignmentCreate)."""

    subject_type: str
    subject_id: int
    organization_id: int
    starts_on: date
    ends_on: date
    note: str = ""


def text_problem(field: str, text: str, limit: int) -> FieldProblem | None:
    if len(text) > limit:
        return FieldProblem(field, f"内容过长（最多 {limit} 个字符）", ErrorCode.OUT_OF_RANGE)
    if _CONTROL.search(text):
        return FieldProblem(field, "不能包含控制字符（包括换行符和制表符）", ErrorCode.INVALID)
    return None


def _assignable(subject_type: str) -> SubjectSpec[Any]:
    try:
        spec = registry().subject(subject_type)
    except UnknownSubject:
        spec = None
    if spec is None or not spec.assignable:
        raise ValidationFailed(
            [FieldProblem("input.subjectType", "这类记录不能委托第三方实施", ErrorCode.INVALID)]
        )
    return spec


async def subject_scope(
    *, session: AsyncSession, actor: Actor, subject_type: str, subject_id: int
) -> tuple[RecordScope, policy.Scope]:
    """The assignable record's scope if `actor` may read it (one it may not is reported as absent), and
    where managing its assignments applies: its region."""
    spec = _assignable(subject_type)
    row = await session.get(spec.model, subject_id)
    scope = await spec.scope(session, row) if row is not None else None
    if scope is None or not policy.visible(actor, scope):
        raise NotFound(spec.label, subject_id)
    region = await kept_row(session, Region, scope.region_id)
    assert region is not None
    managed = policy.Scope(
        region_path=region.path, region_level=region.level, subject=(spec.name, subject_id)
    )
    return scope, managed


async def _third_party(session: AsyncSession, organization_id: int) -> Organization:
    organization = await session.get(Organization, organization_id)
    if organization is None:
        raise NotFound("机构", organization_id)
    if organization.actor_type != ActorType.THIRD_PARTY:
        message = "只能委托第三方机构（中介机构、高等院校、专家等，第十七条）"
        raise ValidationFailed([FieldProblem("input.organizationId", message, ErrorCode.INVALID)])
    return organization


async def _overlapping(session: AsyncSession, row: Assignment) -> Assignment | None:
    stmt = select(Assignment).where(
        Assignment.subject_type == row.subject_type,
        Assignment.subject_id == row.subject_id,
        Assignment.organization_id == row.organization_id,
        col(Assignment.ended_at).is_(None),
        col(Assignment.starts_at) < row.ends_at,
        col(Assignment.ends_at) > row.starts_at,
    )
    return (await session.exec(stmt.limit(1))).first()


async def create_assignment(
    *, session: AsyncSession, actor: Actor, request: AssignmentRequest, now: datetime | None = None
) -> Assignment:
    """Finance of the record's region assigns it to a third party for `starts_on`..`ends_on`."""
    _, managed = await subject_scope(
        session=session, actor=actor, subject_type=request.subject_type, subject_id=request.subject_id
    )
    policy.require(actor, policy.Action.ASSIGNMENT_MANAGE, managed)
    problem = text_problem("input.note", request.note, ASSIGNMENT_NOTE_MAX_LENGTH)
    if problem is not None:
        raise ValidationFailed([problem])
    period = period_of(request.starts_on, request.ends_on)
    if period.ends_at <= (now or utcnow()):
        raise ValidationFailed([FieldProblem("input.endsOn", "委托期限已过", ErrorCode.OUT_OF_RANGE)])
    organization = await _third_party(session, request.organization_id)
    assert organization.id is not None
    row = Assignment(
        subject_type=request.subject_type,
        subject_id=request.subject_id,
        organization_id=organization.id,
        starts_at=period.starts_at,
        ends_at=period.ends_at,
        note=request.note.strip(),
        created_by_id=actor.user_id,
    )
    # Two finance users assigning the record at once: the second waits for the first's commit and then sees
    # its assignment (the record's row is the lock; SQLite has one writer anyway).
    spec = _assignable(request.subject_type)
    model_id: Any = spec.model.id
    await session.exec(select(model_id).where(model_id == request.subject_id).with_for_update())
    if await _overlapping(session, row) is not None:
        raise Conflict(
            f"{organization.name}在该期间已受托实施这项评价", code=AssignmentErrorCode.ASSIGNMENT_OVERLAPS
        )
    await audit.created(session=session, actor=actor, operation="assignmentCreate", row=row)
    await _announce(session, actor, row, "assignmentCreate")
    return row


async def _announce(session: AsyncSession, actor: Actor, row: Assignment, operation: str) -> None:
    payload = {"operation": operation, "subject_type": row.subject_type, "subject_id": row.subject_id}
    await record_event(
        session=session,
        kind=AssignmentEventKind.ASSIGNMENT_CHANGED,
        subject=row,
        actor=actor,
        payload=payload,
    )


async def managed_assignment(*, session: AsyncSession, actor: Actor, assignment_id: int) -> Assignment:
    """The assignment if `actor` may manage its record's assignments; reported as absent to one who does
    not read the record, refused to one who reads it only."""
    row = await session.get(Assignment, assignment_id)
    if row is None:
        raise NotFound(ENTITY, assignment_id)
    try:
        _, managed = await subject_scope(
            session=session, actor=actor, subject_type=row.subject_type, subject_id=row.subject_id
        )
    except (NotFound, ValidationFailed):
        raise NotFound(ENTITY, assignment_id) from None
    policy.require(actor, policy.Action.ASSIGNMENT_MANAGE, managed)
    return row


async def end_assignment(
    *, session: AsyncSession, actor: Actor, assignment_id: int, reason: str, now: datetime | None = None
) -> Assignment:
    """Finance ends an active (or not yet begun) assignment early, with the reason; its organization's
    users lose the record at once (their next authentication: every request, and before every delivery)."""
    row = await managed_assignment(session=session, actor=actor, assignment_id=assignment_id)
    reason = reason.strip()
    problem = text_problem("reason", reason, END_REASON_MAX_LENGTH)
    if problem is None and not reason:
        problem = FieldProblem("reason", "请说明提前结束委托的理由", ErrorCode.REQUIRED)
    if problem is not None:
        raise ValidationFailed([problem])
    now = now or utcnow()
    if row.ended_at is not None or row.ends_at <= now:
        raise Conflict("该委托已结束", code=AssignmentErrorCode.ASSIGNMENT_ENDED)
    async with audit.changing(session=session, actor=actor, operation="assignmentEnd", row=row):
        row.ended_at = now
        row.end_reason = reason
        row.ended_by_id = actor.user_id
        row.updated_at = now
    await _announce(session, actor, row, "assignmentEnd")
    return row
