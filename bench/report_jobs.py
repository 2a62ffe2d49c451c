"""Report-job benchmark: from reportRequest to SUCCEEDED, in embedded mode and through arq; a batch of
every goal table of a fund and year with 1 and 2 `fundperf worker` processes (a batch is one job: the
second worker shows that it does not split); PDFs one by one and batched (a whole batch as PDF:
bench/batch_pdf.py).

    uv run python -m bench.report_jobs [--redis-url URL] [--requests N]

A temporary SQLite database gets the reference and demo data. Requests go through the real app (httpx over
ASGI, as fin_510000); each request is for another goal, so none is answered from an earlier job. Redis
database 14 of --redis-url is emptied first. Figures are medians.
"""

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from redis.asyncio import Redis
from sqlmodel import col, select

from bench.database import demo_database, sqlite_url
from src.app import create_app
from src.models import Goal, Region, User
from src.models.enums import GoalHorizon
from src.models.goal import GoalDocumentKind
from src.reports.contexts import build_context
from src.reports.pdf import convert
from src.reports.render import Renderer
from src.reports.worker import make_worker
from src.services.actors import load_actor
from src.services.identity.tokens import issue_access_token
from src.settings import Settings

REQUEST = """mutation($input: ReportRequestInput!) { reportRequest(input: $input) {
  __typename ... on ReportRequestSuccess { job { id } } } }"""
JOB = """query($id: ID!) { reportJob(id: $id) { ... on ReportJob {
  status progressDone progressTotal finishedAt } } }"""


async def until_done(client: httpx.AsyncClient, job_id: str, poll: float = 0.005) -> dict[str, Any]:
    while True:
        body = (await client.post("/graphql", json={"query": JOB, "variables": {"id": job_id}})).json()
        job: dict[str, Any] = body["data"]["reportJob"]
        if job["status"] in ("SUCCEEDED", "FAILED"):
            return job
        await asyncio.sleep(poll)


async def request(client: httpx.AsyncClient, **input: Any) -> str:
    body = (
        await client.post(
            "/graphql", json={"query": REQUEST, "variables": {"input": {"kind": "GOAL_TABLE", **input}}}
        )
    ).json()
    return str(body["data"]["reportRequest"]["job"]["id"])


async def latencies(client: httpx.AsyncClient, goal_ids: list[int]) -> tuple[list[float], list[float]]:
    """Per request: until the job's own finishedAt (the server's clock, which is this machine's), and until
    a client polling every 20 ms sees SUCCEEDED. A poll is a GraphQL request to the same server: polling
    faster takes the event loop from the job it waits for."""
    finished, seen = [], []
    for goal_id in goal_ids:
        wall, start = time.time(), time.perf_counter()
        job = await until_done(client, await request(client, goalId=str(goal_id)), poll=0.02)
        seen.append(time.perf_counter() - start)
        assert job["status"] == "SUCCEEDED", job
        finished.append(datetime.fromisoformat(job["finishedAt"]).timestamp() - wall)
    return finished, seen


def latency_row(label: str, times: tuple[list[float], list[float]]) -> str:
    return f"| request → SUCCEEDED, {label} | {ms(times[0])} (seen by a 20 ms poll: {ms(times[1])}) |"


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms"


async def main(redis_url: str, count: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="fundperf-bench-"))
    url = sqlite_url(work)
    engine, sessionmaker = await demo_database(url)
    async with sessionmaker() as session:
        user = (await session.exec(select(User).where(User.username == "fin_510000"))).one()
        province = (await session.exec(select(Region).where(Region.code == "510000"))).one()
        goals = (
            await session.exec(
                select(Goal)
                .where(Goal.horizon == GoalHorizon.ANNUAL, Goal.start_year == 2026)
                .order_by(col(Goal.id))
            )
        ).all()
    goal_ids = [g.id or 0 for g in goals]
    print(
        f"# {platform.machine()} Python {platform.python_version()}, {os.cpu_count()} CPUs; SQLite;"
        f" {len(goal_ids)} annual goals"
    )
    token = issue_access_token(user.id or 0, secret_key=Settings().SECRET_KEY)
    headers = {"Authorization": f"Bearer {token}"}

    # Render time alone (context + document), for comparison.
    renderer, render_times = Renderer(), []
    async with sessionmaker() as session:
        actor = await load_actor(session=session, user_id=user.id or 0)
        assert actor is not None
        for goal_id in goal_ids[:count]:
            start = time.perf_counter()
            context = await build_context(
                session=session, actor=actor, kind=GoalDocumentKind.GOAL_TABLE, subject_id=goal_id
            )
            await asyncio.to_thread(renderer.render, GoalDocumentKind.GOAL_TABLE, context)
            render_times.append(time.perf_counter() - start)
    print(f"| context + render of one goal table | {ms(render_times)} |")

    embedded = Settings(DATABASE_URL=url, REDIS_URL=None, STORAGE_DIR=work / "storage")
    app = create_app(embedded, engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://b", headers=headers
    ) as client:
        print(latency_row("embedded", await latencies(client, goal_ids[:count])))
    await app.state.jobs.aclose()

    async with Redis.from_url(redis_url) as redis:
        await redis.flushdb()
    queued = Settings(DATABASE_URL=url, REDIS_URL=redis_url, STORAGE_DIR=work / "storage")
    worker = make_worker(queued, engine=engine, handle_signals=False)
    running = asyncio.create_task(worker.async_run())
    app = create_app(queued, engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://b", headers=headers
    ) as client:
        print(latency_row("arq", await latencies(client, goal_ids[count : 2 * count])))
    await app.state.jobs.aclose()
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    await worker.close()

    # A batch: every annual goal table of a fund and year in the province, by 1 and by 2 worker processes.
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "STORAGE_DIR": str(work / "storage")}
    for workers, fund in ((1, "EMPLOYEE_MEDICAL"), (2, "RESIDENT_MEDICAL")):
        processes = [
            subprocess.Popen(  # noqa: ASYNC220 - started once, before the measurement
                [sys.executable, "-m", "src.cli", "worker"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(workers)
        ]
        await asyncio.sleep(3)  # the workers start (imports, Redis)
        app = create_app(queued, engine=engine)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://b", headers=headers
        ) as client:
            start = time.perf_counter()
            job = await until_done(
                client, await request(client, fundTypeCode=fund, year=2026, regionCode=province.code), 0.05
            )
            elapsed = time.perf_counter() - start
        await app.state.jobs.aclose()
        for process in processes:
            process.terminate()
            process.wait(30)
        done = job["progressDone"]
        print(
            f"| batch of {done} goal tables, {workers} worker process(es) | {elapsed:.2f} s"
            f" ({done / elapsed:.1f}/s) |"
        )

    # PDFs: five one by one (five soffice starts), then five in one call.
    document = renderer.render(GoalDocumentKind.GOAL_TABLE, context)
    profile = work / "soffice"
    start = time.perf_counter()
    for i in range(5):
        await convert({f"d{i}": document}, profile_dir=profile)
    single = time.perf_counter() - start
    start = time.perf_counter()
    await convert({f"d{i}": document for i in range(5)}, profile_dir=profile)
    batched = time.perf_counter() - start
    print(f"| 5 PDFs one by one | {single:.2f} s ({5 / single:.2f}/s) |")
    print(f"| 5 PDFs in one soffice call | {batched:.2f} s ({5 / batched:.2f}/s) |")
    await engine.dispose()


def run() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    print("| measure | median |\n|---|---|")
    asyncio.run(main(args.redis_url, args.requests))


if __name__ == "__main__":
    run()
