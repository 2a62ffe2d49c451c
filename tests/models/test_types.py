"""The column types' result processors (one function per value) give exactly what process_result_value
gives after the driver's own processing: same values, same scale, same time zone object."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.type_api import TypeDecorator

from src.models.enums import GoalStatus, QualitativeGrade
from src.models.types import Money, ScaledDecimal, StrEnumType, UTCDateTime


def _both(engine: AsyncEngine, column_type: TypeDecorator[Any]) -> tuple[Any, Any]:
    """The type's processor on the engine's dialect, and TypeDecorator's own (process_result_value)."""
    dialect: Dialect = engine.dialect
    impl = column_type.dialect_impl(dialect)
    # The driver's type code: PostgreSQL's NUMERIC and TIMESTAMPTZ.
    codes = {ScaledDecimal: 1700, UTCDateTime: 1184} if dialect.name == "postgresql" else {}
    coltype = codes.get(type(column_type))
    fast: Any = impl.result_processor(dialect, coltype) or (lambda value: value)
    assert isinstance(impl, TypeDecorator)
    plain: Any = TypeDecorator.result_processor(impl, dialect, coltype) or (lambda value: value)
    return fast, plain


def _raw_values(engine: AsyncEngine, column_type: TypeDecorator[Any]) -> list[Any]:
    """Values as the engine's driver hands them over."""
    sqlite = engine.dialect.name == "sqlite"
    if isinstance(column_type, StrEnumType):
        return [None, "DRAFT", "SUBMITTED"] if column_type.enum_cls is GoalStatus else [None, "ACHIEVED"]
    if isinstance(column_type, ScaledDecimal):
        if sqlite:
            return [None, 0, 1, 100, -250, 12345, 10**17 + 7]
        return [None, Decimal("0.00"), Decimal("1.00"), Decimal("-2.50"), Decimal("123.45"), Decimal("7")]
    if sqlite:
        return [None, "2026-01-01 10:00:00.123456", "2026-01-01 10:00:00", "2026-01-01", "2026-03-01T00:00"]
    return [None, datetime(2026, 1, 1, 10, 0, 0, 123456, tzinfo=UTC)]  # asyncpg: always in UTC (below)


@pytest.mark.parametrize(
    "column_type",
    [StrEnumType(GoalStatus), StrEnumType(QualitativeGrade), Money(), ScaledDecimal(18, 4), UTCDateTime()],
    ids=["status", "grade", "money", "scale4", "timestamp"],
)
def test_result_processors_give_what_process_result_value_gives(
    engine: AsyncEngine, column_type: TypeDecorator[Any]
) -> None:
    fast, plain = _both(engine, column_type)
    for raw in _raw_values(engine, column_type):
        expected, found = plain(raw), fast(raw)
        assert found == expected and repr(found) == repr(expected), raw
        if isinstance(expected, datetime):
            assert found.tzinfo is expected.tzinfo is UTC


def test_an_unknown_enum_value_is_refused_as_before(engine: AsyncEngine) -> None:
    fast, plain = _both(engine, StrEnumType(GoalStatus))
    for process in (fast, plain):
        with pytest.raises(ValueError):
            process("NO_SUCH_STATUS")


async def test_timestamps_read_back_in_utc_whatever_the_sessions_time_zone(engine: AsyncEngine) -> None:
    """asyncpg's timestamptz comes in UTC even where the session's time zone is Beijing's, which is why
    the type leaves such values as they come; a timestamp without zone is still taken as UTC."""
    postgresql = engine.dialect.name == "postgresql"
    aware = "TIMESTAMPTZ '2026-01-01 18:00:00.5+08'" if postgresql else "'2026-01-01 10:00:00.500000'"
    naive = "TIMESTAMP '2026-01-01 10:00:00.5'" if postgresql else "'2026-01-01 10:00:00.5'"
    async with engine.connect() as connection:
        if postgresql:
            await connection.execute(sa.text("SET TIME ZONE 'Asia/Shanghai'"))
        stmt = sa.text(f"SELECT {aware} AS aware, {naive} AS naive")
        row = (await connection.execute(stmt.columns(aware=UTCDateTime(), naive=UTCDateTime()))).one()
        await connection.rollback()
    for found in row:
        assert found == datetime(2026, 1, 1, 10, 0, 0, 500000, tzinfo=UTC)
        assert found.tzinfo is UTC
