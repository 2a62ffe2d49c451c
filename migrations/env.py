"""Alembic environment: async engine, metadata from src.models."""

import asyncio
import warnings
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel.sql.sqltypes import AutoString

import src.models  # noqa: F401 - registers every table on the metadata
from src.db import create_engine, metadata
from src.models.types import ScaledDecimal, StrEnumType, UTCDateTime
from src.settings import Settings

config = context.config

# Batch mode on SQLite reflects tables and cannot reflect the expression index uq_organization_scope;
# no migration rebuilds that table, so the index is safe and the warning is noise.
warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our column types as plain SQLAlchemy types so migrations do not depend on app classes."""
    if type_ == "type" and isinstance(obj, StrEnumType):
        return f"sa.String(length={obj.impl.length})"
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})"
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, ScaledDecimal):
        return f"sa.Numeric({obj.precision}, {obj.scale}).with_variant(sa.BigInteger(), 'sqlite')"
    return False


def _configure(connection: Connection | None = None, **kwargs: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_item=render_item,
        render_as_batch=True,  # SQLite needs batch mode for ALTER
        compare_type=True,
        **kwargs,
    )


def run_migrations_offline() -> None:
    _configure(url=config.get_main_option("sqlalchemy.url") or Settings().DATABASE_URL, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or Settings().DATABASE_URL)
    async with engine.begin() as conn:
        await conn.run_sync(_run_sync)
    await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
elif (connection := config.attributes.get("connection")) is not None:
    # Called from src.migrate, which already holds a connection inside its event loop.
    _run_sync(connection)
else:
    asyncio.run(_run_async())
