"""Issue 16's scenario, replayed: Redis cut for 30 seconds while users log in, request documents (one by
one and as a batch) and a subscriber waits, with a real server and two real `fundperf worker` processes,
Redis reached through a proxy the test cuts. After it, without restarting anything: every job SUCCEEDED
exactly once (one SUCCEEDED event, one stored file), no login failed, the subscriber heard every job end,
nothing was logged as an error, and each worker logged the outage once."""

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.app import create_app
from src.models.enums import ActorType
from src.models.event import Event
from src.models.report import ReportEventKind, ReportJob, ReportJobStatus
from tests.conftest import make_settings, proxied_url
from tests.reports.test_faults import log_text, worker_database_url, worker_env, worker_process
from tests.reports.test_jobs import REQUEST, goal_in
from tests.reports.test_resilient_worker import until
from tests.schema.conftest import reference  # noqa: F401 - the fixture, used by name below
from tests.schema.test_auth import LOGIN, add_user
from tests.support.proxy import TcpProxy
from tests.support.server import serve_app
from tests.support.ws import graphql_ws

pytestmark = pytest.mark.usefixtures("reference")

OUTAGE_SECONDS = 30
DEADLINE_SECONDS = 120
USERS = ("fin_510100", "tax_510100")
COUNTIES = ("510104", "510105", "510106", "510107", "510108", "510112", "510113", "510114", "510115")
SUCCEEDED = ReportJobStatus.SUCCEEDED
ENDED = (ReportJobStatus.SUCCEEDED, ReportJobStatus.FAILED)
JOB_ENDS = """
subscription { statusChanged(filter: {kinds: [REPORT_JOB_CHANGED]}) { subjectId payload } }
"""


class Session:
    """GraphQL over HTTP to the live server, as one logged-in user; every login is kept for the verdict."""

    def __init__(self, http: httpx.AsyncClient, username: str, logins: list[str]) -> None:
        self.http = http
        self.username = username
        self.logins = logins
        self.token = ""

    async def post(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        body = {"query": query, "variables": variables}
        response = await self.http.post("/graphql", json=body, headers=headers)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        assert "errors" not in answer, answer
        data: dict[str, Any] = answer["data"]
        return data

    async def login(self) -> None:
        result = (await self.post(LOGIN, {"username": self.username, "password": PASSWORD}))["login"]
        self.logins.append(result["__typename"])
        if result["__typename"] == "LoginSuccess":
            self.token = result["accessToken"]

    async def request(self, **input: Any) -> int:
        result = (await self.post(REQUEST, {"input": {"kind": "GOAL_TABLE", **input}}))["reportRequest"]
        assert result["__typename"] == "ReportRequestSuccess", result
        return int(result["job"]["id"])


PASSWORD = "正确的密码 correct horse"  # tests.schema.test_auth's users have it


async def jobs(sessionmaker: async_sessionmaker[AsyncSession]) -> list[ReportJob]:
    async with sessionmaker() as session:
        return list((await session.exec(select(ReportJob).order_by(col(ReportJob.id)))).all())


async def succeeded_events(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[int, int]:
    """How many times each job was announced SUCCEEDED."""
    async with sessionmaker() as session:
        events = (
            await session.exec(select(Event).where(Event.kind == ReportEventKind.REPORT_JOB_CHANGED))
        ).all()
    counts: dict[int, int] = {}
    for event in events:
        if (event.payload or {}).get("status") == "SUCCEEDED":
            counts[event.subject_id] = counts.get(event.subject_id, 0) + 1
    return counts


async def test_a_30_second_redis_outage_loses_nothing_and_needs_no_restart(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    redis_proxy: TcpProxy,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("INFO")
    url = proxied_url(redis_proxy)
    for username in USERS:
        actor = ActorType.FINANCE if username.startswith("fin") else ActorType.TAX
        await add_user(sessionmaker, username, actor_type=actor, region_code="510100")
    # One goal per single request, and the batch's: 成都市 and its counties, employee medical insurance.
    singles = [await goal_in(sessionmaker, region) for region in ("510100", *COUNTIES)]
    batch_goals = [await goal_in(sessionmaker, r, fund_code="RESIDENT_MEDICAL") for r in COUNTIES[:4]]

    settings = make_settings(REDIS_URL=url, STORAGE_DIR=tmp_path / "storage")
    env = worker_env(tmp_path, DATABASE_URL=worker_database_url(engine), REDIS_URL=url)
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    logins: list[str] = []
    async with (
        serve_app(create_app(settings, engine=engine)) as base,
        httpx.AsyncClient(base_url=base, timeout=30) as http,
    ):
        with (
            worker_process(env, tmp_path, logs[0]) as first,
            worker_process(env, tmp_path, logs[1]) as second,
        ):
            finance, tax = Session(http, USERS[0], logins), Session(http, USERS[1], logins)
            for session in (finance, tax):
                await session.login()
            requested = [await finance.request(goalId=str(singles[0]))]
            async with graphql_ws(base, finance.token) as ws:
                await ws.subscribe(JOB_ENDS)
                await ws.settled()
                heard: set[int] = set()
                listening = asyncio.create_task(_hear_ends(ws, heard))

                async def done(job_id: int) -> bool:
                    return [j.status for j in await jobs(sessionmaker) if j.id == job_id] == [SUCCEEDED]

                await until(lambda: done(requested[0]))  # the workers are up and working

                redis_proxy.cut()
                loop = asyncio.get_running_loop()
                ends = loop.time() + OUTAGE_SECONDS
                pending = iter(singles[1:])
                batch_requested = False
                while loop.time() < ends:
                    for session in (finance, tax):
                        await session.login()
                    goal_id = next(pending, None)
                    if goal_id is not None:
                        requested.append(await finance.request(goalId=str(goal_id)))
                    elif not batch_requested:
                        place = {"fundTypeCode": "RESIDENT_MEDICAL", "year": 2026, "regionCode": "510100"}
                        batch = {**place, "includeDrafts": True}  # its goals are drafts
                        requested.append(await finance.request(**batch))
                        batch_requested = True
                    await asyncio.sleep(1)
                assert batch_requested
                redis_proxy.restore()

                async def all_ended() -> bool:
                    return all(j.status in ENDED for j in await jobs(sessionmaker))

                await until(all_ended, DEADLINE_SECONDS)
                for session in (finance, tax):  # after the outage, too
                    await session.login()
                every = await jobs(sessionmaker)
                await until(lambda: _heard_all(heard, every), DEADLINE_SECONDS)
                listening.cancel()
            assert first.poll() is None and second.poll() is None, "a worker exited"  # never restarted

    every = await jobs(sessionmaker)
    documents = [j for j in every if j.year is None]
    assert len(documents) == len(singles) + len(batch_goals)
    assert {j.status for j in every} == {ReportJobStatus.SUCCEEDED}, [
        (j.id, j.status, j.error) for j in every
    ]
    assert await succeeded_events(sessionmaker) == {j.id: 1 for j in every}
    storage = tmp_path / "storage"
    stored = sorted(p.relative_to(storage).as_posix() for p in storage.rglob("*") if p.is_file())
    assert stored == sorted(j.storage_key or "" for j in every)  # the documents and the batch's ZIP
    assert set(logins) == {"LoginSuccess"} and len(logins) >= 2 * OUTAGE_SECONDS // 2

    errors = [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    assert errors == [], [r.getMessage() for r in errors]
    for log in logs:
        text = log_text(log)
        assert "Traceback" not in text and "\nERROR " not in text, text
        assert text.count("report worker: Redis is unreachable") == 1, text


async def _hear_ends(ws: Any, heard: set[int]) -> None:
    while True:
        data = await ws.next_data(timeout=DEADLINE_SECONDS)
        event = data["statusChanged"]
        payload = event["payload"] if isinstance(event["payload"], dict) else json.loads(event["payload"])
        if payload.get("status") == "SUCCEEDED":
            heard.add(int(event["subjectId"]))


def _heard_all(heard: set[int], every: list[ReportJob]) -> bool:
    return heard >= {j.id for j in every if j.id is not None}
