"""Reading events back: catch-up after an id, for a subscriber or a system that was offline."""

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.filters import EventFilter
from src.events.visibility import visible_events_clause
from src.models.event import Event
from src.services.actors import Actor

MAX_PAGE = 500


async def events_after(
    *, session: AsyncSession, actor: Actor, after: int, first: int, event_filter: EventFilter
) -> Sequence[Event]:
    """The first `first` events after id `after` that match the filter and that `actor` may read, by id."""
    stmt = (
        select(Event)
        .where(col(Event.id) > after, event_filter.clause(), visible_events_clause(actor))
        .order_by(col(Event.id))
        .limit(min(first, MAX_PAGE))
    )
    return (await session.exec(stmt)).all()


async def data_version(*, session: AsyncSession) -> int:
    """The latest event's id: it changes whenever a status does (0 before the first event)."""
    latest = (await session.exec(select(func.max(Event.id)))).one()
    return latest or 0
