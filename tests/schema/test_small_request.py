"""What a small authenticated request costs, in counts (bench/auth_path.py measures the time): the
`reportJob` statement is built once per actor, and a SQLite read rolls its connection back once."""

from typing import Any

import aiosqlite
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.app import create_app
from src.models.enums import ActorType
from src.reports.jobs import reads
from src.reports.jobs.scope import subject_names
from src.services.actors import load_actor
from src.services.identity.tokens import issue_access_token
from tests.conftest import make_settings
from tests.factories import make_user

REPORT_JOB = "query($id: ID!) { reportJob(id: $id) { __typename ... on ReportJob { id status } } }"


async def test_the_report_job_statement_is_built_once_per_actor(
    engine: AsyncEngine, reference: None, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    finance = await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code="510100")
    other = await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code="511800")
    secret = make_settings().SECRET_KEY
    tokens = [issue_access_token(user.id or 0, secret_key=secret) for user in (finance, other)]
    reads._one_job_row_select.cache_clear()
    app = create_app(make_settings(), engine=engine)
    answers: list[str] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        for token in tokens:
            for job_id in ("999999", "999998", "999999"):
                response = await http.post(
                    "/graphql",
                    json={"query": REPORT_JOB, "variables": {"id": job_id}},
                    headers={"Authorization": f"Bearer {token}"},
                )
                answers.append(response.json()["data"]["reportJob"]["__typename"])
    await app.state.jobs.aclose()
    assert answers == ["NotFoundError"] * 6
    built = reads._one_job_row_select.cache_info()
    assert (built.misses, built.hits) == (2, 4)  # one statement per actor, whatever the id
    async with sessionmaker() as session:
        actor = await load_actor(session=session, user_id=finance.id or 0)
    assert actor is not None
    kept = reads._one_job_row_select(actor, subject_names())
    # Its IN lists are parameters of their own: no expanding one (rendered again at each execution).
    assert "POSTCOMPILE" not in str(kept.compile(dialect=engine.dialect))


def counted_rollbacks(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    rollbacks: list[object] = []
    original = aiosqlite.Connection.rollback

    async def rollback(self: aiosqlite.Connection) -> None:
        rollbacks.append(self)
        await original(self)

    monkeypatch.setattr(aiosqlite.Connection, "rollback", rollback)
    return rollbacks


async def test_a_sqlite_read_rolls_its_connection_back_once(
    engine: AsyncEngine, reference: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("aiosqlite's rollbacks: asyncpg sends none for a connection not in a transaction")
    rollbacks = counted_rollbacks(monkeypatch)
    session = async_sessionmaker(engine, class_=AsyncSession)()
    await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    await session.close()
    assert len(rollbacks) == 1  # the session's; the pool's own was a second one


async def test_a_sqlite_connection_given_back_in_a_transaction_is_rolled_back(
    engine: AsyncEngine, reference: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's reset on return to the pool")
    rollbacks = counted_rollbacks(monkeypatch)
    async with engine.connect() as connection:
        raw: Any = (await connection.get_raw_connection()).driver_connection
        # Behind SQLAlchemy's back: it has no transaction of its own to roll back on close.
        await raw.execute("BEGIN")
        await raw.execute("UPDATE region SET name = 'x' WHERE 0")
        assert raw.in_transaction
    assert not raw.in_transaction and rollbacks == [raw]
