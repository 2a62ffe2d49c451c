"""src/models/types.py's Uuid reads SQLite's 32 hex digits as uuid.UUID(text) would: the same UUID, and
for any other text the same value or the same error; PostgreSQL's driver gives UUIDs, left as they are."""

import uuid
from typing import Any

import pytest
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import asyncpg

from src.models.types import Uuid

ODD_TEXTS = [
    "-" + "0" * 31,  # int() takes the sign, uuid.UUID drops the dash
    "+" + "f" * 31,
    " " + "f" * 31,
    "0x" + "0" * 30,
    "z" * 32,
    "{" + "0" * 30 + "}",
    "0_" * 16,
    "F" * 32,
    "abc",
    "12345678-1234-5678-1234-567812345678",
]


def _sqlite_processor() -> Any:
    dialect = sqlite.dialect()
    return Uuid().dialect_impl(dialect).result_processor(dialect, None)


def _outcome(read: Any, value: Any) -> Any:
    try:
        found = read(value)
    except (TypeError, ValueError) as exc:
        return type(exc), str(exc)
    return type(found), found, found.is_safe if found is not None else None


def test_stored_hex_reads_as_uuid_would() -> None:
    read = _sqlite_processor()
    assert read(None) is None
    for _ in range(200):
        stored = uuid.uuid4().hex
        assert _outcome(read, stored) == _outcome(uuid.UUID, stored)


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_other_text_reads_or_fails_as_uuid_would(text: str) -> None:
    assert _outcome(_sqlite_processor(), text) == _outcome(uuid.UUID, text)


def test_postgresql_values_are_not_processed() -> None:
    dialect = asyncpg.dialect()  # type: ignore[no-untyped-call]
    assert Uuid().dialect_impl(dialect).result_processor(dialect, None) is None
