"""Column types shared by the models."""

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

E = TypeVar("E", bound=enum.Enum)

# Free text (a goal's content, reasons, indicator definitions) is TEXT in the database, unbounded there;
# this is the most one value may hold (README, Hardening). Names and codes take their column's length.
FREE_TEXT_MAX_LENGTH = 10_000

# SQLite keeps a ScaledDecimal as a BIGINT of value * 10**scale, below 2**63 (about 9.2e18): 18 digits.
_SQLITE_MAX_DIGITS = 18


class StrEnumType(TypeDecorator[E], Generic[E]):
    """Stores an enum's value as VARCHAR (no native DB enum, so values can be added without DDL)."""

    impl = sa.String(32)
    cache_ok = True

    def __init__(self, enum_cls: type[E], length: int = 32) -> None:
        super().__init__(length)
        self.enum_cls = enum_cls
        self.length = length

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return str(self.enum_cls(value).value)

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        return None if value is None else self.enum_cls(value)

    def copy(self, **kw: Any) -> "StrEnumType[E]":
        return StrEnumType(self.enum_cls, self.length)


class ScaledDecimal(TypeDecorator[Decimal]):
    """Exact decimals: NUMERIC(p, s) on PostgreSQL; a scaled INTEGER on SQLite, whose NUMERIC is a float."""

    impl = sa.Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 2) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)
        self._factor = 10**scale

    @property
    def max_digits(self) -> int:
        """Digits a value may have to be stored exactly on both databases (NUMERIC(p, s), scaled BIGINT)."""
        return min(self.precision, _SQLITE_MAX_DIGITS)

    def quantize(self, value: Decimal) -> Decimal:
        """`value` as the column stores it: with exactly `scale` places."""
        return value.quantize(self._quantum)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.BigInteger())
        return dialect.type_descriptor(sa.Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        quantized = Decimal(value).quantize(self._quantum)
        if dialect.name == "sqlite":
            return int(quantized * self._factor)
        return quantized

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        raw = Decimal(int(value)) / self._factor if dialect.name == "sqlite" else Decimal(str(value))
        return raw.quantize(self._quantum)

    def copy(self, **kw: Any) -> "ScaledDecimal":
        return ScaledDecimal(self.precision, self.scale)


def Money() -> ScaledDecimal:
    """Yuan with 2 decimal places."""
    return ScaledDecimal(18, 2)


class UTCDateTime(TypeDecorator[datetime]):
    """Every timestamp: TIMESTAMP WITH TIME ZONE on PostgreSQL; on SQLite, which keeps no offset, stored as
    naive UTC. Either way it goes in converted to UTC and comes out aware, so every path (the row just
    written, the row read back) shows the same value with +00:00."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"a timestamp must be a datetime, got {value!r}")
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous: give a timezone-aware UTC value")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def copy(self, **kw: Any) -> "UTCDateTime":
        return UTCDateTime()
