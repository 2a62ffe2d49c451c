"""Running a mutation: the logged-in actor, one session, one transaction; a refusal rolls everything back."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.schema.context import Info
from src.services.actors import Actor
from src.services.errors import Conflict, Unauthenticated

T = TypeVar("T")


def current_actor(info: Info) -> Actor:
    if info.context.actor is None:
        raise Unauthenticated()
    return info.context.actor


async def in_transaction(info: Info, work: Callable[[AsyncSession, Actor], Awaitable[T]]) -> T:
    actor = current_actor(info)
    try:
        async with session_scope(info.context.sessionmaker) as session:
            return await work(session, actor)
    except OperationalError as exc:
        # SQLite serializes writers; one that loses the race is told to retry, as with a stale version.
        if "locked" in str(exc.orig):
            raise Conflict("记录正被他人修改，请稍后重试") from exc
        raise
