"""Cursor pagination (`first` / `after`) over a stable, unique sort key."""

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.schema.context import Info
from src.schema.ids import MAX_ID
from src.schema.loaders import fetch_rows
from src.services.errors import CommonErrorCode

MAX_PAGE_SIZE = 100
MAX_CURSOR_KEY = 64
DEFAULT_PAGE_SIZE = 20

T = TypeVar("T")
N = TypeVar("N")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    _count_stmt: strawberry.Private[Any]

    @strawberry.field
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="Rows matching the filter, across all pages (one extra statement).")
    async def total_count(self, info: Info) -> int:
        if self._count_stmt is None:
            return len(self.edges)
        async with info.context.sessionmaker() as session:
            return int((await session.exec(self._count_stmt)).one())


def invalid_cursor(cursor: str) -> GraphQLError:
    return GraphQLError(
        f"Invalid cursor {cursor!r}: pass an endCursor returned by this list.",
        extensions={"code": CommonErrorCode.INVALID_CURSOR.value},
    )


def id_key(raw: str) -> int:
    """An id cursor's key; out of the keys' range it is refused before it reaches SQL."""
    value = int(raw)
    if not 0 <= value <= MAX_ID:
        raise ValueError(raw)
    return value


def encode_cursor(key: Any) -> str:
    return base64.urlsafe_b64encode(f"c:{key}".encode()).decode()


def decode_cursor(cursor: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    # A cursor holds one key: an id or a code. Anything longer, or with control characters, was forged.
    if not raw.startswith("c:") or len(raw) > MAX_CURSOR_KEY + 2 or not raw.isprintable():
        raise invalid_cursor(cursor)
    return raw[2:]


def check_first(first: int) -> None:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise GraphQLError(
            f"`first` must be between 1 and {MAX_PAGE_SIZE} (got {first}); page with `after` for more.",
            extensions={"code": CommonErrorCode.INVALID_ARGUMENT.value},
        )


@dataclass(frozen=True)
class PageRequest:
    first: int
    after: str | None


async def paginate(
    info: Info,
    stmt: Any,  # a SELECT of one model
    key: Any,  # the model's unique sort column
    convert: Callable[[Any], N],
    page: PageRequest,
    key_type: Callable[[str], Any] = id_key,
    fetch: Callable[[AsyncSession, Any], Awaitable[Sequence[Any]]] | None = None,
) -> Connection[N]:
    """Keyset pagination: rows ordered by a unique `key`; the cursor holds the last key seen. `fetch` reads
    the page's statement (default: the model's rows, fetch_rows), e.g. joined with what the page shows."""
    check_first(page.first)
    count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
    paged = stmt.order_by(key)
    if page.after is not None:
        raw = decode_cursor(page.after)
        try:
            paged = paged.where(key > key_type(raw))
        except ValueError as exc:
            raise invalid_cursor(page.after) from exc
    async with info.context.sessionmaker() as session:
        if fetch is not None:
            rows: Sequence[Any] = await fetch(session, paged.limit(page.first + 1))
        else:
            model = stmt.column_descriptions[0]["entity"]
            rows = await fetch_rows(session, paged.limit(page.first + 1), model)
    has_next = len(rows) > page.first
    rows = rows[: page.first]
    edges = [Edge(cursor=encode_cursor(getattr(row, key.key)), node=convert(row)) for row in rows]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None),
        _count_stmt=count_stmt,
    )
