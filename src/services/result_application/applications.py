"""Recording how evaluation results were used (Art. 20 「将绩效评价结果作为完善社会保险基金管理相关政策、改进
管理的重要依据，逐步在资金安排中应用绩效评价结果」): one record per pooling region × fund × evaluated year,
written by the region's finance (or the province's, for any region) while a draft, then recorded (已登记).
A draft may be deleted; a recorded one stays as it was recorded."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.models import FundType, ProvincialEvaluation, Region, SelfEvaluation
from src.models.base import utcnow
from src.models.enums import RegionLevel, label_zh
from src.models.result_application import (
    ResultApplication,
    ResultApplicationEventKind,
    ResultApplicationStatus,
    ResultApplicationUse,
    UseInput,
)
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import (
    Conflict,
    GoalErrorCode,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    ResultApplicationErrorCode,
)
from src.services.result_application.scope import (
    application_scope,
    region_scope,
    visible_applications_clause,
)
from src.services.result_application.uses import checked_uses
from src.subjects.events import record_event

ENTITY = "评价结果应用"
ACTION = policy.Action.RESULT_APPLICATION_RECORD


async def visible_application(
    *, session: AsyncSession, actor: Actor, application_id: int
) -> ResultApplication:
    """The record if `actor` may read it; one it may not is reported as absent, like a missing one."""
    row = await session.get(ResultApplication, application_id)
    if row is None or not policy.visible(actor, await application_scope(session, row)):
        raise NotFound(ENTITY, application_id)
    return row


async def uses_of(session: AsyncSession, application_id: int) -> list[ResultApplicationUse]:
    stmt = (
        select(ResultApplicationUse)
        .where(ResultApplicationUse.application_id == application_id)
        .order_by(col(ResultApplicationUse.sort_order))
    )
    return list((await session.exec(stmt)).all())


def _audited(uses: Sequence[ResultApplicationUse]) -> list[dict[str, Any]]:
    return [audit.snapshot(u, exclude=frozenset({"id", "application_id"})) for u in uses]


async def _event(
    session: AsyncSession, actor: Actor, row: ResultApplication, kind: str, payload: dict[str, Any]
) -> None:
    await record_event(
        session=session, kind=ResultApplicationEventKind(kind), subject=row, actor=actor, payload=payload
    )


async def _evaluations(
    session: AsyncSession, region: Region, fund_type_id: int, year: int
) -> tuple[int | None, int | None]:
    """What the record rests on: the region's self-evaluation of the fund and year, and for the province
    its provincial evaluation (None where there is none)."""
    own = select(SelfEvaluation.id).where(
        SelfEvaluation.region_id == region.id,
        SelfEvaluation.fund_type_id == fund_type_id,
        SelfEvaluation.year == year,
    )
    self_id = (await session.exec(own)).first()
    provincial_id = None
    if region.level == RegionLevel.PROVINCE:
        stmt = select(ProvincialEvaluation.id).where(
            ProvincialEvaluation.region_id == region.id,
            ProvincialEvaluation.fund_type_id == fund_type_id,
            ProvincialEvaluation.year == year,
        )
        provincial_id = (await session.exec(stmt)).first()
    return self_id, provincial_id


async def create_application(
    *,
    session: AsyncSession,
    actor: Actor,
    region_code: str,
    fund_type_code: str,
    year: int,
    uses: Sequence[UseInput],
) -> ResultApplication:
    """Finance starts the record of a region's fund and year (a draft, read where it is written)."""
    region = (await session.exec(select(Region).where(Region.code == region_code))).first()
    if region is None or region.id is None:
        raise NotFound("统筹地区", region_code)
    fund = (await session.exec(select(FundType).where(FundType.code == fund_type_code))).first()
    if fund is None or fund.id is None:
        raise NotFound("险种", fund_type_code)
    scope = policy.Scope(
        region_path=region.path, region_level=region.level, administration=fund.administration
    )
    policy.require(actor, ACTION, scope)
    self_id, provincial_id = await _evaluations(session, region, fund.id, year)
    row = ResultApplication(
        region_id=region.id,
        author_region_id=actor.region_id,
        fund_type_id=fund.id,
        year=year,
        self_evaluation_id=self_id,
        provincial_evaluation_id=provincial_id,
        organization_id=actor.organization_id,
    )
    rows = await checked_uses(session=session, actor=actor, target=row, uses=uses)
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            f"{region.name}{year}年度{fund.name_zh}的评价结果应用已存在",
            code=ResultApplicationErrorCode.RESULT_APPLICATION_EXISTS,
        ) from None
    for use in rows:
        use.application_id = row.id or 0
        session.add(use)
    await session.flush()
    operation = "resultApplicationCreate"
    await audit.created(
        session=session, actor=actor, operation=operation, row=row, extra={"uses": _audited(rows)}
    )
    payload = {"action": "CREATE", "toStatus": row.status.value}
    await _event(session, actor, row, ResultApplicationEventKind.RESULT_APPLICATION_STATUS_CHANGED, payload)
    return row


async def _draft_to_change(
    session: AsyncSession, actor: Actor, application_id: int, operation: str
) -> ResultApplication:
    row = await visible_application(session=session, actor=actor, application_id=application_id)
    policy.require(actor, ACTION, await region_scope(session, row))
    if row.status != ResultApplicationStatus.DRAFT:
        raise InvalidTransition(
            f"评价结果应用当前状态为“{label_zh(row.status)}”（{row.status.value}），不能执行{operation}",
            current_status=row.status.value,
            operation=operation,
            code=GoalErrorCode.WRONG_STATUS,
        )
    return row


async def update_application(
    *,
    session: AsyncSession,
    actor: Actor,
    application_id: int,
    row_version: int,
    uses: Sequence[UseInput],
) -> ResultApplication:
    """Finance replaces a draft's uses with `uses`."""
    operation = "resultApplicationUpdate"
    row = await _draft_to_change(session, actor, application_id, operation)
    rows = await checked_uses(session=session, actor=actor, target=row, uses=uses)
    before = _audited(await uses_of(session, application_id))
    async with audit.changing(session=session, actor=actor, operation=operation, row=row) as extra:
        await claim(session=session, row=row, expected_version=row_version)
        await session.exec(
            delete(ResultApplicationUse).where(col(ResultApplicationUse.application_id) == row.id)
        )
        session.add_all(rows)
        extra["uses"] = _audited(rows)
        extra["replaced_uses"] = before  # the trail keeps the uses the edit replaced
    payload = {"operation": operation, "fields": ["uses"]}
    await _event(session, actor, row, ResultApplicationEventKind.RESULT_APPLICATION_CHANGED, payload)
    return row


async def record_application(
    *, session: AsyncSession, actor: Actor, application_id: int, row_version: int
) -> ResultApplication:
    """Finance records the draft (已登记): from then the regions above read it, and it no longer changes."""
    operation = "resultApplicationRecord"
    row = await _draft_to_change(session, actor, application_id, operation)
    if not await uses_of(session, application_id):
        raise PreconditionFailed(
            "请至少填写一项评价结果应用情况后再登记", code=ResultApplicationErrorCode.NO_USES
        )
    async with audit.changing(session=session, actor=actor, operation=operation, row=row):
        await claim(session=session, row=row, expected_version=row_version)
        row.status = ResultApplicationStatus.RECORDED
        row.recorded_at = utcnow()
    payload = {"action": "RECORD", "toStatus": row.status.value}
    await _event(session, actor, row, ResultApplicationEventKind.RESULT_APPLICATION_STATUS_CHANGED, payload)
    return row


async def delete_application(
    *, session: AsyncSession, actor: Actor, application_id: int, row_version: int
) -> int:
    """Finance deletes a draft (with its uses); the event goes first, carrying the draft's scope."""
    operation = "resultApplicationDelete"
    row = await _draft_to_change(session, actor, application_id, operation)
    await claim(session=session, row=row, expected_version=row_version)
    payload = {"operation": operation}
    await _event(session, actor, row, ResultApplicationEventKind.RESULT_APPLICATION_DELETED, payload)
    await session.exec(delete(ResultApplicationUse).where(col(ResultApplicationUse.application_id) == row.id))
    await audit.deleted(session=session, actor=actor, operation=operation, row=row)
    return application_id


def applications_select(
    actor: Actor,
    *,
    year: int | None = None,
    region_code: str | None = None,
    fund_type_code: str | None = None,
) -> SelectOfScalar[ResultApplication]:
    """The records `actor` may read (of `year`, the region of `region_code`, the fund, if given)."""
    stmt = select(ResultApplication).where(visible_applications_clause(actor))
    if year is not None:
        stmt = stmt.where(ResultApplication.year == year)
    if region_code is not None:
        region = select(Region.id).where(Region.code == region_code).scalar_subquery()
        stmt = stmt.where(col(ResultApplication.region_id) == region)
    if fund_type_code is not None:
        fund = select(FundType.id).where(FundType.code == fund_type_code).scalar_subquery()
        stmt = stmt.where(col(ResultApplication.fund_type_id) == fund)
    return stmt
