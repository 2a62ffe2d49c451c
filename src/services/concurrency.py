"""Optimistic concurrency: a write names the row_version it read; exactly one concurrent writer wins."""

from typing import Any

from sqlalchemy import Column, inspect, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.base import utcnow
from src.services.errors import CommonErrorCode, Conflict


async def claim(
    *, session: AsyncSession, row: Any, expected_version: int, extra_where: tuple[Any, ...] = ()
) -> None:
    """Bump `row`'s row_version if it is still `expected_version`, else raise Conflict.

    The conditional UPDATE takes the row lock: a concurrent writer blocks until this transaction ends,
    then finds the version moved on and fails. Column changes made to `row` before the claim go in the
    same UPDATE (one statement, not a second one at the flush); later ones flush in the same transaction.
    """
    table = inspect(type(row)).local_table
    if row.row_version != expected_version:
        raise Conflict(
            f"记录已被他人修改（当前版本 {row.row_version}，提交的版本 {expected_version}），请刷新后重试",
            code=CommonErrorCode.STALE_VERSION,
            current_version=row.row_version,
        )
    changed = _unflushed_columns(row)
    # A Core UPDATE of the table: the ORM bulk-update machinery would only add cost (nothing to synchronize).
    stmt = (
        update(table)
        .where(table.c.id == row.id, table.c.row_version == expected_version, *extra_where)
        .values({**changed, table.c.row_version: expected_version + 1, table.c.updated_at: utcnow()})
    )
    for column, value in changed.items():
        set_committed_value(row, column.key, value)  # written by this UPDATE, not by the flush
    await session.flush()  # what an ORM statement's autoflush did: the session's earlier changes go first
    result = await session.exec(stmt)
    if result.rowcount != 1:
        await session.refresh(row)
        raise Conflict(
            f"记录已被他人修改（当前版本 {row.row_version}），请刷新后重试",
            code=CommonErrorCode.STALE_VERSION,
            current_version=row.row_version,
        )
    # Keep the ORM copy in step without another SELECT; set_committed_value avoids a second UPDATE.
    set_committed_value(row, "row_version", expected_version + 1)


def _unflushed_columns(row: Any) -> dict[Column[Any], Any]:
    """The columns of `row` changed in memory since it was loaded or last flushed, with their new values."""
    state = inspect(row)
    columns = state.mapper.column_attrs
    return {
        columns[key].columns[0]: state.dict[key]
        for key in state.committed_state
        if key in columns and key in state.dict
    }
