"""Writing the demo's tens of thousands of monitoring rows fast: the values converted once by each column's
own type (what SQLAlchemy would send), then sent in one go — COPY on PostgreSQL, the driver's executemany on
SQLite — without SQLAlchemy's per-row statement machinery, which is most of the time at these counts.

Every column without a server default must be in the rows (no Python-side defaults run here), and every row
has the same keys.
"""

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


async def fast_insert(session: AsyncSession, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table: Table = model.__table__  # type: ignore[attr-defined]
    connection = await session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    columns: list[Sequence[Any]] = list(zip(*map(itemgetter(*names), rows), strict=True))
    for index, name in enumerate(names):
        process = table.c[name].type.bind_processor(dialect)
        if process is not None:
            columns[index] = list(map(_remembered(process), columns[index]))
    records = list(zip(*columns, strict=True))
    if dialect.name == "postgresql":
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.copy_records_to_table(table.name, records=records, columns=names)
        return
    listed, marks = ", ".join(f'"{n}"' for n in names), ", ".join("?" for _ in names)
    await connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({listed}) VALUES ({marks})', records)


def _remembered(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A column's conversion, remembered per value: the same moments, enums, ids and amounts recur."""
    seen: dict[Any, Any] = {None: None}

    def convert(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            converted = seen[value] = process(value)
            return converted

    return convert
