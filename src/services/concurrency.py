"""Optimistic concurrency: a write names the row_version it read; exactly one concurrent writer wins."""

from typing import Any

from sqlalchemy import update
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
    then finds the version moved on and fails. Later ORM changes to `row` flush in the same transaction.
    """
    model: type[SQLModel] = type(row)
    if row.row_version != expected_version:
        raise Conflict(
            f"记录已被他人修改（当前版本 {row.row_version}，提交的版本 {expected_version}），请刷新后重试",
            code=CommonErrorCode.STALE_VERSION,
            current_version=row.row_version,
        )
    stmt = (
        update(model)
        .where(col(model.id) == row.id, col(model.row_version) == expected_version, *extra_where)  # type: ignore[attr-defined]
        .values(row_version=expected_version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
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
