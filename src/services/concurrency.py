"""Optimistic concurrency: a write names the row_version it read; exactly one concurrent writer wins."""

from typing import Any

from sqlalchemy import inspect, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import SQLModel, col
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
    model: type[SQLModel] = type(row)
    if row.row_version != expected_version:
        raise Conflict(
            f"记录已被他人修改（当前版本 {row.row_version}，提交的版本 {expected_version}），请刷新后重试",
            code=CommonErrorCode.STALE_VERSION,
            current_version=row.row_version,
        )
    changed = _unflushed_columns(row)
    stmt = (
        update(model)
        .where(col(model.id) == row.id, col(model.row_version) == expected_version, *extra_where)  # type: ignore[attr-defined]
        .values(**changed, row_version=expected_version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    for key, value in changed.items():
        set_committed_value(row, key, value)  # written by this UPDATE: the autoflush before it has nothing
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


def _unflushed_columns(row: Any) -> dict[str, Any]:
    """The column attributes of `row` changed in memory since it was loaded or last flushed."""
    state = inspect(row)
    columns = state.mapper.column_attrs
    return {key: state.dict[key] for key in state.committed_state if key in columns and key in state.dict}
