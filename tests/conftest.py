"""Test fixtures: every test runs on SQLite and on PostgreSQL, each from a clean database state.

PostgreSQL comes from TEST_DATABASE_URL (default: the local `test` database). Locally a missing server skips
those tests with the reason; under CI=true it fails them, so CI never passes on SQLite alone.
"""

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src import migrate
from src.db import create_engine, create_sessionmaker, metadata
from src.services.identity.passwords import use_hasher
from src.settings import Settings
from tests.support import sql
from tests.support.proxy import TcpProxy

# Re-exported: tests import the counter's type from here (its fixture is below).
from tests.support.sql import StatementCounter as StatementCounter

# Every test has a deadline: a hang fails that test with the stacks of what it waited on.
pytest_plugins = ["tests.support.watchdog"]

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def require_service(name: str, error: BaseException) -> None:
    message = f"{name} is not reachable ({error!r})"
    if IN_CI:
        pytest.fail(f"{message}; CI needs it", pytrace=False)
    pytest.skip(f"{message}; start it to run these tests")


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """A real Redis (TEST_REDIS_URL), emptied before and after: a queue or a lock of one test must not
    reach another."""
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:  # redis' ConnectionError is not an OSError
        await client.aclose()
        require_service("Redis", exc)
    await client.flushdb()
    yield REDIS_URL
    await client.flushdb()
    await client.aclose()


@pytest.fixture
def redis_proxy(redis_url: str) -> Iterator[TcpProxy]:
    """A proxy in front of the test Redis that the test can cut and restore (`proxied_url(proxy)`)."""
    target = urlsplit(redis_url)
    with TcpProxy(target.hostname or "127.0.0.1", target.port or 6379) as proxy:
        yield proxy


def proxied_url(proxy: TcpProxy) -> str:
    """TEST_REDIS_URL through `proxy` (same database)."""
    return proxy.url("redis", urlsplit(REDIS_URL).path)


# Apps under test are built with this key, and tokens issued by tests are signed with it (`settings`).
TEST_SECRET_KEY = "fundperf-tests-secret-key-not-the-public-default"


def make_settings(**overrides: Any) -> Settings:
    """Settings for an app under test: the test SECRET_KEY, and `overrides`.

    REDIS_URL is off: each app counts login attempts in memory, so tests never see each other's failures.
    DEADLINE_CHECK_MINUTES is 0: no app or worker under test announces overdue deadlines in the background
    (events and notices a test did not make) unless the test asks for it.
    RESPONSE_CACHE is off: tests write rows through factories, without the events that move dataVersion, and
    count statements; the cache's own tests (tests/app/test_response_cache*.py) turn it on.
    """
    storage = Path(tempfile.gettempdir()) / f"fundperf-test-storage-{os.getpid()}"  # never the repo's var/
    defaults = {
        "REDIS_URL": None,
        "SECRET_KEY": TEST_SECRET_KEY,
        "STORAGE_DIR": storage,
        "DEADLINE_CHECK_MINUTES": 0,
        "RESPONSE_CACHE": False,
    }
    return Settings(**{**defaults, **overrides})


@pytest.fixture
def settings() -> Settings:
    """The settings of the app under test; tokens a test issues must be signed with its SECRET_KEY."""
    return make_settings()


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """argon2 at production cost takes tens of milliseconds per hash: tests use the smallest parameters
    argon2 accepts (1 pass, 8 KiB, 1 lane; memory must be at least 8 KiB per lane)."""
    use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    use_hasher(PasswordHasher())


# Each test session works in a schema of its own, so two runs against one database do not collide.
PG_SCHEMA = f"test_{os.getpid()}"


async def _create_schema(engine: AsyncEngine, schema: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        await conn.execute(text(f"CREATE SCHEMA {schema}"))


async def _drop_schema(engine: AsyncEngine, schema: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
async def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[AsyncEngine]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "test.db"
        eng = create_engine(f"sqlite+aiosqlite:///{path}")
    else:
        eng = create_engine(PG_URL, connect_args={"server_settings": {"search_path": PG_SCHEMA}})
        try:
            async with asyncio.timeout(10):
                await _create_schema(eng, PG_SCHEMA)
        except (OSError, TimeoutError) as exc:
            await eng.dispose()
            require_service("PostgreSQL", exc)
    await migrate.upgrade(eng)
    yield eng
    if request.param == "postgresql":
        await _drop_schema(eng, PG_SCHEMA)
    await eng.dispose()


async def truncate_all(engine: AsyncEngine) -> None:
    tables = [f'"{t.name}"' for t in metadata.sorted_tables]
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            # Append-only tables refuse DELETE through triggers: lift them for the reset, then restore them.
            triggers = (
                await conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
            ).all()
            for name, _ in triggers:
                await conn.execute(text(f'DROP TRIGGER "{name}"'))
            for name in reversed(tables):
                await conn.execute(text(f"DELETE FROM {name}"))
            for _, sql in triggers:
                await conn.execute(text(sql))


@pytest.fixture
async def sessionmaker(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A clean database (schema at head, no rows) for this test."""
    await truncate_all(engine)
    yield create_sessionmaker(engine)


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as s:
        yield s


@pytest.fixture
def count_statements(engine: AsyncEngine) -> Iterator[StatementCounter]:
    """Counts SQL statements sent to the database while the test runs."""
    with sql.count_statements(engine) as counter:
        yield counter


@pytest.fixture
def count_checkouts(engine: AsyncEngine) -> Iterator[sql.CheckoutCounter]:
    """Counts connection check-outs from the engine's pool while the test runs."""
    with sql.CheckoutCounter().listening(engine) as counter:
        yield counter
