"""The deadlines of a year in a region and below it, as one asker may see them: every registered source's
items (src/domains/ registers them; this module names no domain), their status in China today, the body
that must act, and when an overdue one was announced.

In statements: the area's region, its regions and rules (context.py), each source's own (a fixed number,
whatever the regions), the bodies and the notices; none per region or item.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import DeadlineNotice, Organization, Region
from src.models.enums import ActorType, Administration
from src.services import policy
from src.services.actors import Actor
from src.services.deadlines.context import DeadlineContext
from src.services.deadlines.items import (
    FIRST_YEAR,
    LAST_YEAR,
    DeadlineItem,
    DeadlineSource,
    DeadlineStatus,
    china_today,
)
from src.services.errors import ErrorCode, FieldProblem, NotFound, ValidationFailed
from src.subjects.registry import registry

BodyKey = tuple[int, ActorType, Administration | None]


@dataclass(frozen=True)
class DeadlineRow:
    item: DeadlineItem
    status: DeadlineStatus
    organization_id: int | None  # the body on record (None: the region has no such organization yet)
    noticed_at: datetime | None  # when its being overdue was announced (the periodic task)


@dataclass(frozen=True)
class DeadlineListing:
    region: Region
    year: int
    today: date  # in China
    rows: list[DeadlineRow]


def sources() -> list[DeadlineSource]:
    return list(registry().deadline_sources.values())


def check_year(year: int, field: str = "year") -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        message = f"年度须在 {FIRST_YEAR} 至 {LAST_YEAR} 之间"
        raise ValidationFailed([FieldProblem(field, message, ErrorCode.OUT_OF_RANGE)])


async def all_items(session: AsyncSession, area: Region, year: int) -> list[DeadlineItem]:
    """Every source's items of `year` in `area` and below, for whoever asks (no visibility applied)."""
    context = await DeadlineContext.load(session=session, area=area, year=year)
    items: list[DeadlineItem] = []
    for source in sources():
        items.extend(await source.items(context))
    return items


async def bodies(session: AsyncSession, region_ids: Collection[int]) -> dict[BodyKey, int]:
    """The organizations of those regions by (region, actor type, administration): one statement."""
    if not region_ids:
        return {}
    stmt = select(Organization).where(col(Organization.region_id).in_(sorted(region_ids)))
    return {
        (o.region_id, o.actor_type, o.administration): o.id
        for o in (await session.exec(stmt)).all()
        if o.id is not None
    }


def body_of(found: dict[BodyKey, int], item: DeadlineItem) -> int | None:
    """The organization of the item's body; a body bound to no administration (finance) doing an item about
    one fund (a prefecture's finance sending a self-evaluation) is found by its actor type alone."""
    key = (item.region.id, item.actor_type, item.administration)
    return found.get(key) or found.get((item.region.id, item.actor_type, None))


async def _notices(session: AsyncSession, items: list[DeadlineItem]) -> dict[str, datetime]:
    """When each of `items` was announced overdue: one statement, by the items' regions and dates."""
    if not items:
        return {}
    stmt = select(DeadlineNotice.key, DeadlineNotice.noticed_at).where(
        col(DeadlineNotice.region_id).in_(sorted({i.region.id for i in items})),
        col(DeadlineNotice.due_on) >= min(i.due_on for i in items),
        col(DeadlineNotice.due_on) <= max(i.due_on for i in items),
    )
    return {key: at for key, at in (await session.exec(stmt)).all()}


def _order(row: DeadlineRow) -> tuple[str, str, str, date, str]:
    item = row.item
    return (item.region.code, item.actor_type.value, item.administration or "", item.due_on, item.key)


async def list_deadlines(
    *,
    session: AsyncSession,
    actor: Actor,
    year: int,
    region_code: str,
    statuses: Collection[DeadlineStatus] | None = None,
    now: datetime | None = None,
) -> DeadlineListing:
    """What is due in `year` (its monitoring periods, and what is due in it for the year before) in the
    region `region_code` and below, as `actor` may see it (policy.visibility over each item's scope), by
    region, body and date; only `statuses` when given. NotFound for an unknown region, ValidationFailed
    for a year out of range."""
    check_year(year)
    area = (await session.exec(select(Region).where(Region.code == region_code))).first()
    if area is None:
        raise NotFound("行政区划", region_code)
    today = china_today(now)
    items = [i for i in await all_items(session, area, year) if policy.visible(actor, i.scope())]
    if statuses is not None:
        items = [i for i in items if i.status(today) in statuses]
    found = await bodies(session, {i.region.id for i in items})
    noticed = await _notices(session, items)
    rows = [DeadlineRow(i, i.status(today), body_of(found, i), noticed.get(i.key)) for i in items]
    return DeadlineListing(region=area, year=year, today=today, rows=sorted(rows, key=_order))
