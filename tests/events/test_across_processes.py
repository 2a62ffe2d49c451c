"""Two `fundperf serve` processes sharing one database and one Redis: a change made through one reaches the
subscribers of the other, filtered by what each may read; a subscriber that moves to the other process
with afterEventId loses nothing."""

import asyncio
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType
from src.settings import Settings
from tests.events.test_subscriptions import MED, STATUS_CHANGED, concur, draft, token
from tests.reports.test_faults import worker_database_url, worker_env
from tests.support.ws import graphql_ws

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server_process(env: dict[str, str], log: Path) -> Iterator[str]:
    """`fundperf serve` as a process of its own; yields its base URL once /healthz answers."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "src.cli", "serve", "--no-demo", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


async def until_up(base_url: str, log: Path) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http, asyncio.timeout(STARTUP_SECONDS):
        while True:
            try:
                if (await http.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError(f"the server did not start; see {log}")


async def test_a_change_made_through_one_process_reaches_the_other(
    engine: AsyncEngine,
    reference: None,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    redis_url: str,
    tmp_path: Path,
) -> None:
    env = worker_env(
        tmp_path,
        DATABASE_URL=worker_database_url(engine),
        REDIS_URL=redis_url,
        SECRET_KEY=settings.SECRET_KEY,
        GRAPHIQL="false",
    )
    province = await token(sessionmaker, settings)
    outsider = await token(sessionmaker, settings, ActorType.MEDICAL_SECURITY, "510300", MED)
    tax = await token(sessionmaker, settings, ActorType.TAX, "510100")
    goals = [await draft(sessionmaker) for _ in range(3)]
    with server_process(env, tmp_path / "a.log") as a, server_process(env, tmp_path / "b.log") as b:
        await until_up(a, tmp_path / "a.log")
        await until_up(b, tmp_path / "b.log")
        async with graphql_ws(b, province) as on_b, graphql_ws(b, outsider) as other:
            await on_b.subscribe(STATUS_CHANGED)
            await other.subscribe(STATUS_CHANGED)
            await on_b.settled()  # both subscriptions started on b before the change on a
            await other.settled()
            await concur(a, tax, goals[0])
            event = (await on_b.next_data())["statusChanged"]
            assert (event["kind"], event["subjectId"]) == ("GOAL_TAX_OPINION", str(goals[0].id))
            assert await other.nothing_within(0.5)
        # The subscriber moves to the other process, from the last id it saw: nothing lost, nothing twice.
        await concur(b, tax, goals[1])
        async with graphql_ws(a, province) as on_a:
            await on_a.subscribe(STATUS_CHANGED, {"after": event["id"]})
            missed = (await on_a.next_data())["statusChanged"]
            await concur(b, tax, goals[2])
            live = (await on_a.next_data())["statusChanged"]
            assert [missed["subjectId"], live["subjectId"]] == [str(goals[1].id), str(goals[2].id)]
            assert await on_a.nothing_within(0.5)
