"""Running a mutation: the logged-in actor, one session, one transaction; a refusal rolls everything back.
The session is the mutation's own, not the request's shared one for reads (request_session.py).

async with write(info) as (session, actor):
    goal = await workflow.transition(session=session, actor=actor, ...)
    return GoalSuccess(goal=Goal.from_row(goal))
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import NamedTuple

from sqlalchemy.exc import OperationalError
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.schema.context import Info
from src.services import policy
from src.services.actors import Actor
from src.services.errors import CommonErrorCode, Conflict, Unauthenticated


def current_actor(info: Info) -> Actor:
    if info.context.actor is None:
        raise Unauthenticated()
    return info.context.actor


class Unit(NamedTuple):
    session: AsyncSession
    actor: Actor


@asynccontextmanager
async def write(info: Info) -> AsyncIterator[Unit]:
    """The unit of work of one mutation: commits when the block returns, rolls back when it raises."""
    actor = current_actor(info)
    policy.require_writer(actor)  # a read-only API token runs no mutation
    try:
        async with session_scope(info.context.unit_sessionmaker) as session:
            yield Unit(session, actor)
    except OperationalError as exc:
        # SQLite serializes writers; one that loses the race is told to retry, as with a stale version.
        if "locked" in str(exc.orig):
            raise Conflict("记录正被他人修改，请稍后重试", code=CommonErrorCode.DATABASE_BUSY) from exc
        raise
