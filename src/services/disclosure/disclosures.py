"""The region's finance keeps its disclosure (Art. 21): one per region and year, a draft while it chooses
the items (each with a public note) and writes the preface; only a draft is edited, and each edit records
its user (the approver must be another, workflow.py)."""

from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.models import Disclosure, DisclosureItem, Organization, Region
from src.models.disclosure import PREFACE_MAX_LENGTH, DisclosureEventKind, DisclosureStatus
from src.models.enums import ActorType, label_zh
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.disclosure.items import Choice, checked_choices
from src.services.disclosure.scope import disclosure_scope, region_scope, visible_disclosures_clause
from src.services.errors import (
    Conflict,
    DisclosureErrorCode,
    ErrorCode,
    FieldProblem,
    GoalErrorCode,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from src.services.monitoring.narrative import clean, text_problem
from src.subjects.events import record_event

ENTITY = "绩效信息公开"
YEARS = range(2000, 2101)


async def visible_disclosure(*, session: AsyncSession, actor: Actor, disclosure_id: int) -> Disclosure:
    """The disclosure if `actor` may read it; one it may not is reported as absent, like a missing one."""
    row = await session.get(Disclosure, disclosure_id)
    if row is None or not policy.visible(actor, await disclosure_scope(session, row)):
        raise NotFound(ENTITY, disclosure_id)
    return row


async def event(
    session: AsyncSession, actor: Actor, row: Disclosure, kind: DisclosureEventKind, payload: dict[str, Any]
) -> None:
    await record_event(session=session, kind=kind, subject=row, actor=actor, payload=payload)


def require_draft(row: Disclosure, operation: str) -> None:
    if row.status != DisclosureStatus.DRAFT:
        raise InvalidTransition(
            f"绩效信息公开当前状态为“{label_zh(row.status)}”（{row.status.value}），不能执行{operation}",
            current_status=row.status.value,
            operation=operation,
            code=GoalErrorCode.WRONG_STATUS,
        )


async def create_disclosure(
    *, session: AsyncSession, actor: Actor, region_code: str, year: int
) -> Disclosure:
    """The region's finance starts its disclosure of `year` (a draft, without items)."""
    if year not in YEARS:
        raise ValidationFailed([FieldProblem("input.year", "年度超出范围", ErrorCode.OUT_OF_RANGE)])
    region = (await session.exec(select(Region).where(Region.code == region_code))).first()
    if region is None:
        raise NotFound("区划", region_code)
    assert region.id is not None
    policy.require(
        actor, policy.Action.DISCLOSURE_EDIT, policy.Scope(region_path=region.path, region_level=region.level)
    )
    row = Disclosure(
        region_id=region.id, year=year, organization_id=actor.organization_id, last_edited_by=actor.user_id
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            f"{region.name}{year}年度绩效信息公开已存在", code=DisclosureErrorCode.DISCLOSURE_EXISTS
        ) from None
    await audit.created(session=session, actor=actor, operation="disclosureCreate", row=row)
    await event(
        session, actor, row, DisclosureEventKind.DISCLOSURE_STATUS_CHANGED,
        {"action": "CREATE", "toStatus": row.status.value},
    )  # fmt: skip
    return row


async def _editable(session: AsyncSession, actor: Actor, disclosure_id: int, operation: str) -> Disclosure:
    row = await visible_disclosure(session=session, actor=actor, disclosure_id=disclosure_id)
    policy.require(actor, policy.Action.DISCLOSURE_EDIT, await region_scope(session, row))
    require_draft(row, operation)
    return row


async def set_items(
    *, session: AsyncSession, actor: Actor, disclosure_id: int, row_version: int, choices: list[Choice]
) -> Disclosure:
    """The draft's items become `choices`, in their order (each checked, items.py)."""
    operation = "disclosureItemsSet"
    row = await _editable(session, actor, disclosure_id, operation)
    cleaned = [Choice(c.kind, c.record_id, clean(c.note)) for c in choices]
    found = await checked_choices(session, row, cleaned)
    async with audit.changing(session=session, actor=actor, operation=operation, row=row) as extra:
        await claim(session=session, row=row, expected_version=row_version)
        await session.exec(delete(DisclosureItem).where(col(DisclosureItem.disclosure_id) == row.id))
        for order, (choice, _) in enumerate(found):
            session.add(
                DisclosureItem(
                    disclosure_id=row.id or 0, kind=choice.kind, record_id=choice.record_id,
                    note=choice.note, sort_order=order,
                )
            )  # fmt: skip
        row.last_edited_by = actor.user_id
        extra["items"] = [[c.kind.value, c.record_id, c.note] for c, _ in found]
    await event(
        session, actor, row, DisclosureEventKind.DISCLOSURE_CHANGED,
        {"operation": operation, "items": len(found)},
    )  # fmt: skip
    return row


async def update_disclosure(
    *, session: AsyncSession, actor: Actor, disclosure_id: int, row_version: int, preface: str | None
) -> Disclosure:
    """The draft's preface (说明; None leaves it)."""
    operation = "disclosureUpdate"
    row = await _editable(session, actor, disclosure_id, operation)
    fields: list[str] = []
    if preface is not None:
        value = clean(preface)
        problem = text_problem("input.preface", value)
        if problem is None and len(value) > PREFACE_MAX_LENGTH:
            problem = FieldProblem("input.preface", f"说明至多{PREFACE_MAX_LENGTH}字", ErrorCode.OUT_OF_RANGE)
        if problem is not None:
            raise ValidationFailed([problem])
        fields.append("preface")
    async with audit.changing(session=session, actor=actor, operation=operation, row=row):
        await claim(session=session, row=row, expected_version=row_version)
        if preface is not None:
            row.preface = clean(preface)
        row.last_edited_by = actor.user_id
    await event(
        session,
        actor,
        row,
        DisclosureEventKind.DISCLOSURE_CHANGED,
        {"operation": operation, "fields": fields},
    )
    return row


async def finance_of(session: AsyncSession, region_id: int) -> Organization | None:
    stmt = select(Organization).where(
        Organization.region_id == region_id, Organization.actor_type == ActorType.FINANCE
    )
    return (await session.exec(stmt.order_by(col(Organization.id)))).first()


def disclosures_select(
    actor: Actor, *, year: int | None = None, region_code: str | None = None
) -> SelectOfScalar[Disclosure]:
    """The disclosures `actor` may read (of `year`, of the region of `region_code`, if given)."""
    stmt = select(Disclosure).where(visible_disclosures_clause(actor))
    if year is not None:
        stmt = stmt.where(Disclosure.year == year)
    if region_code is not None:
        region = select(Region.id).where(Region.code == region_code).scalar_subquery()
        stmt = stmt.where(col(Disclosure.region_id) == region)
    return stmt
