"""Column types shared by the models."""

import enum
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

E = TypeVar("E", bound=enum.Enum)
_Processor = Callable[[Any], Any]
_TIMESTAMPTZ = 1184  # PostgreSQL's type OID, the column type asyncpg names in a result

# The result processors below are each one function per value (result_processor), not TypeDecorator's
# default of a wrapper calling process_result_value: a national read converts some 200,000 values, and
# the wrapper, the dialect checks and Enum.__call__ were most of its row processing. process_result_value
# stays for anyone calling it, and gives the same values.


def _after(impl: _Processor | None, process: _Processor) -> _Processor:
    """`process` applied to what the impl type's own processor (if any) made of the value."""
    if impl is None:
        return process
    return lambda value: process(impl(value))


class _Members(dict[Any, Any]):
    """An enum's members by value (None for NULL), looked up in C; a value no member has (an alias, or
    a wrong one) goes through the enum itself, which finds the alias or raises as before."""

    def __init__(self, enum_cls: type[enum.Enum]) -> None:
        super().__init__(enum_cls._value2member_map_)
        self[None] = None
        self.enum_cls = enum_cls

    def __missing__(self, value: Any) -> Any:
        return self.enum_cls(value)


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

    def result_processor(self, dialect: Dialect, coltype: Any) -> _Processor:
        impl = self.impl_instance.result_processor(dialect, coltype)
        return _after(impl, _Members(self.enum_cls).__getitem__)

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

    def result_processor(self, dialect: Dialect, coltype: Any) -> _Processor:
        impl = self.impl_instance.result_processor(dialect, coltype)
        quantum, scale = self._quantum, self.scale
        if dialect.name == "sqlite":
            # n * 10**-scale, exactly `scale` places: what dividing by 10**scale and quantizing gives.
            def scaled(value: Any) -> Decimal | None:
                return None if value is None else Decimal(int(value)).scaleb(-scale)

            return _after(impl, scaled)

        def exact(value: Any) -> Decimal | None:
            if value is None:
                return None
            return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(quantum)

        return _after(impl, exact)

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

    def result_processor(self, dialect: Dialect, coltype: Any) -> _Processor | None:
        as_before = super().result_processor(dialect, coltype)  # the driver's parse, process_result_value
        if dialect.driver == "asyncpg" and coltype == _TIMESTAMPTZ:
            return None  # asyncpg gives every timestamptz as an aware datetime in UTC already
        if dialect.name != "sqlite" or as_before is None:
            return as_before

        def from_text(value: Any) -> datetime | None:
            # SQLite's naive text read as UTC in one parse: datetime.replace costs seven times the parse.
            if value is None:
                return None
            try:
                found = datetime.fromisoformat(value + "+00:00")
            except (TypeError, ValueError):  # text of another shape: parsed as before
                return as_before(value)
            return found if found.tzinfo is UTC else as_before(value)  # a date alone takes no offset

        return from_text

    def copy(self, **kw: Any) -> "UTCDateTime":
        return UTCDateTime()


_new_object, _set_slot = object.__new__, object.__setattr__


class Uuid(sa.Uuid[uuid.UUID]):
    """sa.Uuid, whose SQLite text (32 hex digits) becomes a UUID without uuid.UUID's parsing: the national
    read turns some 22,000 lineage ids back into UUIDs. The same value (int, is_safe unknown) as
    uuid.UUID(text); any other text goes through uuid.UUID, which parses or raises as before."""

    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: Any) -> _Processor | None:
        as_before: _Processor | None = super().result_processor(dialect, coltype)  # type: ignore[no-untyped-call]
        if as_before is None or not self.as_uuid or (dialect.supports_native_uuid and self.native_uuid):
            return as_before
        parse: _Processor = as_before
        unknown = uuid.SafeUUID.unknown

        def from_hex(value: Any) -> uuid.UUID | None:
            if type(value) is not str or len(value) != 32 or "-" in value:  # uuid.UUID drops dashes
                return parse(value)  # type: ignore[no-any-return]
            try:
                number = int(value, 16)  # what uuid.UUID(text) computes from 32 digits
            except ValueError:
                return parse(value)  # type: ignore[no-any-return]
            if not number < 1 << 128:  # unreachable with 32 digits and no sign, kept as uuid.UUID's check
                return parse(value)  # type: ignore[no-any-return]
            found: uuid.UUID = _new_object(uuid.UUID)
            _set_slot(found, "int", number)
            _set_slot(found, "is_safe", unknown)
            return found

        return from_hex
