"""A finance body raises a rectification item (Art. 20 「绩效评价中发现的问题要及时分类进行整改」): 财政厅 for
any region (with its feedback), a region's finance for its own; the problem, its kind, its source (a
feedback, a self-evaluation, a provincial evaluation, or 来源 text: at least one), its owner (a body of the
item's region) and its due date (raised + the region's RECTIFICATION_DAYS). The raiser edits what it set
and the owner its measures, cause and progress, while the item is OPEN or RETURNED."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.models import FundType, Organization, Region
from src.models.enums import ActorType, label_zh
from src.models.rectification import (
    SOURCE_TEXT_MAX_LENGTH,
    RectificationCategory,
    RectificationEventKind,
    RectificationItem,
    RectificationStatus,
)
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.deadlines.items import FIRST_YEAR, LAST_YEAR, china_today
from src.services.errors import (
    ErrorCode,
    FieldProblem,
    Forbidden,
    GoalErrorCode,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from src.services.monitoring import narrative
from src.services.rectification.scope import item_scope, region_scope, visible_items_clause
from src.services.rectification.sources import check_sources
from src.services.rules import rules_for
from src.services.rules.definition import RuleKey
from src.services.rules.registry import DEFINITION
from src.subjects.events import record_event

ENTITY = "整改事项"
EDITABLE = (RectificationStatus.OPEN, RectificationStatus.RETURNED)
OWNER_TEXTS = ("measures", "cause", "progress")
# The longest term a raiser may give (the rule's own upper bound).
MAX_DAYS = int(DEFINITION[RuleKey.RECTIFICATION_DAYS].maximum or 180)


@dataclass(frozen=True)
class ItemInput:
    region_code: str
    fund_code: str
    year: int
    category: RectificationCategory
    problem: str
    owner_organization_id: int
    feedback_id: int | None = None
    self_evaluation_id: int | None = None
    provincial_evaluation_id: int | None = None
    source_text: str = ""
    due_on: date | None = None  # None: raised + RECTIFICATION_DAYS


async def visible_item(*, session: AsyncSession, actor: Actor, item_id: int) -> RectificationItem:
    """The item if `actor` may read it; one it may not is reported as absent, like a missing one."""
    item = await session.get(RectificationItem, item_id)
    if item is None or not policy.visible(actor, await item_scope(session, item)):
        raise NotFound(ENTITY, item_id)
    return item


async def event(
    session: AsyncSession, actor: Actor, item: RectificationItem, kind: str, payload: dict[str, Any]
) -> None:
    await record_event(
        session=session, kind=RectificationEventKind(kind), subject=item, actor=actor, payload=payload
    )


def require_editable(item: RectificationItem, operation: str) -> None:
    if item.status not in EDITABLE:
        raise InvalidTransition(
            f"整改事项当前状态为“{label_zh(item.status)}”（{item.status.value}），不能执行{operation}",
            current_status=item.status.value, operation=operation, code=GoalErrorCode.WRONG_STATUS,
        )  # fmt: skip


def _due_problem(raised_on: date, due_on: date) -> FieldProblem | None:
    if not raised_on < due_on <= raised_on + timedelta(days=MAX_DAYS):
        return FieldProblem(
            "input.dueOn", f"整改期限须在提出之日后 1 至 {MAX_DAYS} 日内", ErrorCode.OUT_OF_RANGE
        )
    return None


async def _owner(
    session: AsyncSession, organization_id: int, region: Region, fund: FundType
) -> FieldProblem | None:
    """The owner is the item's region's finance, the fund's administration or its agency."""
    owner = await session.get(Organization, organization_id)
    bodies = {ActorType.HRSS, ActorType.MEDICAL_SECURITY, ActorType.AGENCY}
    if (
        owner is None
        or owner.region_id != region.id
        or owner.actor_type not in (ActorType.FINANCE, *bodies)
        or (owner.actor_type in bodies and owner.administration != fund.administration)
        or (
            owner.actor_type != ActorType.AGENCY
            and owner.actor_type in bodies
            and owner.actor_type.value != fund.administration.value
        )
    ):
        return FieldProblem(
            "input.ownerOrganizationId",
            f"整改责任单位须为{region.name}的财政部门、该险种的行政部门或经办机构",
            ErrorCode.INVALID,
        )
    return None


async def _region_and_fund(session: AsyncSession, data: ItemInput) -> tuple[Region, FundType]:
    region = (await session.exec(select(Region).where(Region.code == data.region_code))).first()
    fund = (await session.exec(select(FundType).where(FundType.code == data.fund_code))).first()
    problems = []
    if region is None:
        problems.append(FieldProblem("input.regionCode", "未找到该行政区划", ErrorCode.NOT_FOUND))
    if fund is None:
        problems.append(FieldProblem("input.fundCode", "未找到该险种", ErrorCode.NOT_FOUND))
    if problems:
        raise ValidationFailed(problems)
    assert region is not None and fund is not None
    return region, fund


def _texts(problem: str | None, source_text: str | None) -> tuple[dict[str, str], list[FieldProblem]]:
    cleaned, problems = narrative.check({"problem": problem})
    if "problem" in cleaned and not cleaned["problem"]:
        problems.append(FieldProblem("input.problem", "请填写发现的问题", ErrorCode.REQUIRED))
    if source_text is not None:
        source = narrative.clean(source_text)
        if len(source) > SOURCE_TEXT_MAX_LENGTH or "\n" in source or narrative.text_problem("", source):
            problems.append(
                FieldProblem(
                    "input.sourceText",
                    f"来源须为一行，最多 {SOURCE_TEXT_MAX_LENGTH} 个字符",
                    ErrorCode.INVALID,
                )
            )
        cleaned["source_text"] = source
    return cleaned, problems


async def create_item(*, session: AsyncSession, actor: Actor, data: ItemInput) -> RectificationItem:
    """A finance body raises an item (OPEN), due the region's RECTIFICATION_DAYS after today unless given."""
    region, fund = await _region_and_fund(session, data)
    assert region.id is not None and fund.id is not None
    scope = policy.Scope(
        region_path=region.path, region_level=region.level, administration=fund.administration
    )
    policy.require(actor, policy.Action.RECTIFICATION_RAISE, scope)
    cleaned, problems = _texts(data.problem, data.source_text)
    if not FIRST_YEAR <= data.year <= LAST_YEAR:
        problems.append(
            FieldProblem("input.year", f"年度须在 {FIRST_YEAR} 至 {LAST_YEAR} 之间", ErrorCode.OUT_OF_RANGE)
        )
    today = china_today()
    if data.due_on is None:
        days = int((await rules_for(session=session, region_id=region.id)).rectification_days)
        due_on = today + timedelta(days=days)
    else:
        due_on = data.due_on
        problems += [p for p in [_due_problem(today, due_on)] if p]
    problems += [p for p in [await _owner(session, data.owner_organization_id, region, fund)] if p]
    item = RectificationItem(
        region_id=region.id, fund_type_id=fund.id, year=data.year, category=data.category,
        problem=cleaned["problem"], feedback_id=data.feedback_id, self_evaluation_id=data.self_evaluation_id,
        provincial_evaluation_id=data.provincial_evaluation_id, source_text=cleaned["source_text"],
        owner_organization_id=data.owner_organization_id, raised_by_organization_id=actor.organization_id,
        raised_on=today, due_on=due_on,
    )  # fmt: skip
    problems += await check_sources(session=session, actor=actor, item=item)
    if problems:
        raise ValidationFailed(problems)
    await audit.created(session=session, actor=actor, operation="rectificationItemCreate", row=item)
    payload = {"action": "CREATE", "toStatus": item.status.value, "dueOn": due_on.isoformat()}
    await event(session, actor, item, RectificationEventKind.RECTIFICATION_ITEM_STATUS_CHANGED, payload)
    return item


def require_raiser(actor: Actor, item: RectificationItem) -> None:
    if actor.organization_id != item.raised_by_organization_id:
        raise Forbidden("只有提出该整改事项的财政部门可以执行此操作")


def require_owner(actor: Actor, item: RectificationItem) -> None:
    if actor.organization_id != item.owner_organization_id:
        raise Forbidden("只有该整改事项的责任单位可以执行此操作")


async def update_item(
    *, session: AsyncSession, actor: Actor, item_id: int, row_version: int, changes: dict[str, Any]
) -> RectificationItem:
    """`changes` by field name (None: not given): the raiser's problem, category, owner, due date and 来源
    text; the owner's measures, cause and progress (OWNER_TEXTS). Whoever edits a part must be its editor."""
    item = await visible_item(session=session, actor=actor, item_id=item_id)
    operation = "rectificationItemUpdate"
    given = {k: v for k, v in changes.items() if v is not None}
    owner_part = {k: v for k, v in given.items() if k in OWNER_TEXTS}
    raiser_part = {k: v for k, v in given.items() if k not in OWNER_TEXTS}
    scope = await region_scope(session, item)
    if raiser_part:
        policy.require(actor, policy.Action.RECTIFICATION_RAISE, scope)
        require_raiser(actor, item)
    if owner_part:
        policy.require(actor, policy.Action.RECTIFICATION_REPORT, scope)
        require_owner(actor, item)
    require_editable(item, operation)
    cleaned, problems = _texts(raiser_part.get("problem"), raiser_part.get("source_text"))
    owner_texts, owner_problems = narrative.check(owner_part)
    problems += owner_problems
    if "due_on" in raiser_part:
        problems += [p for p in [_due_problem(item.raised_on, raiser_part["due_on"])] if p]
    if "owner_organization_id" in raiser_part:
        region = await session.get_one(Region, item.region_id)
        fund = await session.get_one(FundType, item.fund_type_id)
        problems += [
            p for p in [await _owner(session, raiser_part["owner_organization_id"], region, fund)] if p
        ]
    if "source_text" in cleaned and not cleaned["source_text"] and not _has_record_source(item):
        problems.append(FieldProblem("input.sourceText", "须注明整改事项的来源", ErrorCode.REQUIRED))
    if problems:
        raise ValidationFailed(problems)
    values = {**raiser_part, **cleaned, **owner_texts}
    async with audit.changing(session=session, actor=actor, operation=operation, row=item):
        await claim(session=session, row=item, expected_version=row_version)
        for name, value in values.items():
            setattr(item, name, value)
    payload = {"operation": operation, "fields": [narrative.camel(n) for n in values]}
    await event(session, actor, item, RectificationEventKind.RECTIFICATION_ITEM_CHANGED, payload)
    return item


def _has_record_source(item: RectificationItem) -> bool:
    return any(
        i is not None for i in (item.feedback_id, item.self_evaluation_id, item.provincial_evaluation_id)
    )


@dataclass(frozen=True)
class ItemFilter:
    year: int | None = None
    region_code: str | None = None
    status: RectificationStatus | None = None
    fund_code: str | None = None
    feedback_id: int | None = None


def items_select(actor: Actor, where: ItemFilter = ItemFilter()) -> SelectOfScalar[RectificationItem]:
    """The items `actor` may read, narrowed by `where`."""
    stmt = select(RectificationItem).where(visible_items_clause(actor))
    if where.year is not None:
        stmt = stmt.where(RectificationItem.year == where.year)
    if where.region_code is not None:
        region = select(Region.id).where(Region.code == where.region_code).scalar_subquery()
        stmt = stmt.where(col(RectificationItem.region_id) == region)
    if where.fund_code is not None:
        fund = select(FundType.id).where(FundType.code == where.fund_code).scalar_subquery()
        stmt = stmt.where(col(RectificationItem.fund_type_id) == fund)
    if where.status is not None:
        stmt = stmt.where(col(RectificationItem.status) == where.status)
    if where.feedback_id is not None:
        stmt = stmt.where(col(RectificationItem.feedback_id) == where.feedback_id)
    return stmt
