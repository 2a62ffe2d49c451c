"""The batch measure of bench/evaluation.py (issue 20, Measure): every 绩效自评表 of a year as batches
through real `fundperf worker` processes, 1 then 2, as DOCX, in forms per second per process.

The national data set of bench/national.py (every pooling region × fund of 31 provinces) is built in a
temporary SQLite file, or with --batch-database-url in the public schema of a PostgreSQL database (the
worker processes open it by its URL; two of them writing one SQLite file meet "database is locked" on this
machine), and every goal gets a SUBMITTED self-evaluation with one line per indicator, inserted with Core
as bench/national.py inserts goals. The batches (one per province × fund: a batch is a fund, a year and a
region with the regions below it) are requested through the real app (httpx over ASGI) by an
administrator, all at once, and timed until the last is SUCCEEDED. Before them, each run renders a warm-up
batch per worker process (arq hands it to whichever worker asks first: a template may still be loaded
once in the timed run), and the jobs are forgotten between runs so every run renders every form again.
One form's context and DOCX rendering in this process are timed first, for comparison. Beside the wall
time, the workers' CPU time per form (from /proc: what other processes on a shared machine do not change).
"""

import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from redis.asyncio import Redis
from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bench.monitoring import _insert, reader_token
from bench.national import YEAR, build_national
from bench.read_api import fresh_database
from src import migrate
from src.app import create_app
from src.db import create_engine, create_sessionmaker
from src.models import FundType, Goal, Indicator, Organization, Region, ReportJob, User
from src.models.base import utcnow
from src.models.enums import ActorType, IndicatorKind
from src.models.evaluation import SelfEvaluation, SelfEvaluationLine, SelfEvaluationStatus
from src.reports.contexts import build_context
from src.reports.render import Renderer
from src.services.actors import load_actor
from src.services.evaluation.scoring import Grade
from src.services.pooling import pooling_level
from src.settings import Settings
from src.subjects.registry import registry

REQUEST = """mutation($input: ReportRequestInput!) { reportRequest(input: $input) {
  __typename ... on ReportRequestSuccess { job { id } } ... on ValidationError { fields { message } } } }"""
JOB = """query($id: ID!) { reportJob(id: $id) { ... on ReportJob { status error progressDone } } }"""
KIND = "SELF_EVALUATION_FORM"
TEXT = "全年基金收支平稳，各项绩效目标基本完成。\n部分县区经办系统切换期间待遇发放延迟。"


def _line(
    evaluation_id: int, indicator: Indicator, rng: random.Random, stamp: dict[str, Any]
) -> dict[str, Any]:
    share = Decimal(rng.randint(60, 120)) / 100
    target = indicator.target_value
    actual = None if target is None else (target * share).quantize(Decimal(1))
    met = share >= 1
    return {
        **stamp,
        "evaluation_id": evaluation_id,
        "indicator_id": indicator.id,
        "indicator_lineage_id": indicator.lineage_id,
        "sort_order": indicator.sort_order,
        "level1": indicator.level1,
        "level2": indicator.level2,
        "level3": indicator.level3,
        "kind": indicator.kind,
        "comparator": indicator.comparator,
        "unit": indicator.unit,
        "weight": indicator.weight,
        "target_value": indicator.target_value,
        "target_grade": indicator.target_grade,
        "actual_value": actual,
        "actual_grade": indicator.target_grade if indicator.kind == IndicatorKind.QUALITATIVE else None,
        "prefilled_value": actual,
        "score": indicator.weight if met else (indicator.weight * share).quantize(Decimal("0.01")),
        "met": met,
        "deviates": not met,
        "cause": "" if met else "经办系统切换，部分待遇延迟发放",
        "measures": "" if met else "按月通报进度，加强经办管理",
    }


async def build_self_evaluations(session: AsyncSession) -> int:
    """A SUBMITTED self-evaluation with its lines for every goal of the national data set, opened by the
    finance body of the first region (the bench's administrator's); how many."""
    rng = random.Random(20)
    finance = select(Organization).where(
        Organization.actor_type == ActorType.FINANCE, Organization.region_id == 1
    )
    org = (await session.exec(finance)).one()
    funds = (await session.exec(select(FundType))).all()
    levels = {f.id: await pooling_level(session=session, fund_type_id=f.id or 0, year=YEAR) for f in funds}
    goals = (await session.exec(select(Goal).order_by(col(Goal.id)))).all()
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now, "row_version": 1}
    evaluations = []
    for goal in goals:
        budget = Decimal(rng.randint(1_000, 50_000)) * 10_000
        rate = Decimal(rng.randint(85, 100))
        evaluations.append(
            {
                **stamp,
                "region_id": goal.region_id,
                "fund_type_id": goal.fund_type_id,
                "year": YEAR,
                "goal_id": goal.id,
                "pooling_level": levels[goal.fund_type_id],
                "status": SelfEvaluationStatus.SUBMITTED,
                "conclusion": TEXT,
                "problems": "部分县区经办系统切换期间待遇发放延迟。",
                "measures": "加强经办系统切换管理，按月通报发放进度。",
                "initial_budget": budget,
                "adjusted_budget": budget,
                "executed": budget * rate / 100,
                "execution_rate": rate,
                "execution_score": Decimal(10) * rate / 100,
                "total_score": Decimal(rng.randint(6_000, 9_800)) / 100,
                "grade": rng.choice(list(Grade)).value,
                "content_revision": 1,
                "tax_concurred_revision": 1,
                "opener_organization_id": org.id,
                "submitted_at": now,
            }
        )
    await _insert(session, SelfEvaluation, evaluations)
    stored = select(SelfEvaluation.goal_id, SelfEvaluation.id)
    ids = dict((await session.exec(stored)).all())
    lines = []
    indicators = select(Indicator).order_by(col(Indicator.goal_id), col(Indicator.sort_order))
    for indicator in (await session.exec(indicators)).all():
        lines.append(_line(ids[indicator.goal_id] or 0, indicator, rng, stamp))
    await _insert(session, SelfEvaluationLine, lines)
    return len(evaluations)


async def _graphql(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer = await client.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = answer.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def _batches(client: httpx.AsyncClient, batches: list[dict[str, Any]]) -> int:
    """Requests every batch at once and waits until all have ended; the forms they rendered."""
    ids = []
    for batch in batches:
        answer = (await _graphql(client, REQUEST, {"input": {"kind": KIND, **batch}}))["reportRequest"]
        assert answer["__typename"] == "ReportRequestSuccess", answer
        ids.append(answer["job"]["id"])
    done = 0
    for job_id in ids:
        while True:
            job: dict[str, Any] = (await _graphql(client, JOB, {"id": job_id}))["reportJob"]
            if job["status"] in ("SUCCEEDED", "FAILED"):
                assert job["status"] == "SUCCEEDED", job
                done += job["progressDone"]
                break
            await asyncio.sleep(0.05)  # a poll interval
    return done


async def time_one_form(session: AsyncSession, user_id: int, count: int) -> tuple[float, float]:
    """Median seconds of one form's context and of its DOCX rendering in this process (the template
    warm: loaded by an untimed first render), over the first `count` self-evaluations."""
    actor = await load_actor(session=session, user_id=user_id)
    assert actor is not None
    ids = (await session.exec(select(SelfEvaluation.id).order_by(col(SelfEvaluation.id)).limit(count))).all()
    renderer, contexts, renders = Renderer(), [], []
    for evaluation_id in [ids[0], *ids]:
        start = time.perf_counter()
        context = await build_context(session=session, actor=actor, kind=KIND, subject_id=evaluation_id or 0)
        built = time.perf_counter()
        renderer.render(KIND, context)
        contexts.append(built - start)
        renders.append(time.perf_counter() - built)
    return statistics.median(contexts[1:]), statistics.median(renders[1:])


async def time_bulk_contexts(session: AsyncSession, user_id: int, count: int) -> float:
    """Seconds a form of the first `count` self-evaluations' contexts built at once, as a batch's chunk
    builds them (DocumentSpec.build_contexts)."""
    actor = await load_actor(session=session, user_id=user_id)
    build = registry().documents[KIND].build_contexts
    assert actor is not None and build is not None
    ids = (await session.exec(select(SelfEvaluation.id).order_by(col(SelfEvaluation.id)).limit(count))).all()
    start = time.perf_counter()
    built = await build(session=session, actor=actor, subject_ids=ids)
    assert len(built) == len(ids)
    return (time.perf_counter() - start) / len(ids)


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used so far (Linux's /proc; 0 where there is none): the
    workers' CPU per form, which the other processes of a shared machine do not change as they change
    the wall time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _forget_jobs(session: AsyncSession) -> None:
    await session.exec(delete(ReportJob).where(col(ReportJob.parent_id).is_not(None)))
    await session.exec(delete(ReportJob))
    await session.commit()


@asynccontextmanager
async def batch_database(database_url: str | None) -> AsyncIterator[tuple[AsyncEngine, str]]:
    """A migrated, empty database the worker processes open by its URL: a temporary SQLite file, or the
    public schema of a PostgreSQL database given for the bench (emptied before and after; several
    worker processes writing one SQLite file meet "database is locked")."""
    if database_url is None:
        async with fresh_database(None) as found:
            yield found
        return
    engine = create_engine(database_url)

    async def empty() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))

    await empty()
    try:
        await migrate.upgrade(engine)
        yield engine, database_url
    finally:
        await empty()
        await engine.dispose()


async def run_batches(redis_url: str, province_count: int, database_url: str | None) -> None:
    print("building the national data set and its self-evaluations …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="fundperf-bench-"))
    async with batch_database(database_url) as (engine, url):
        sessionmaker = create_sessionmaker(engine)
        settings = Settings(DATABASE_URL=url, REDIS_URL=redis_url, STORAGE_DIR=work / "storage")
        async with sessionmaker() as s:
            await build_national(s, YEAR)
            await s.commit()
        token = await reader_token(sessionmaker, settings)
        async with sessionmaker() as s:
            forms = await build_self_evaluations(s)
            await s.commit()
            provinces = (await s.exec(select(Region.code).where(col(Region.parent_id).is_(None)))).all()
            codes = (await s.exec(select(FundType.code).order_by(col(FundType.sort_order)))).all()
        chosen = sorted(provinces)[:province_count]
        batches = [{"fundTypeCode": f, "year": YEAR, "regionCode": p} for p in chosen for f in codes]
        print(f"  built in {time.perf_counter() - started:.0f} s: {forms} self-evaluations", file=sys.stderr)
        async with sessionmaker() as s:
            admin = (await s.exec(select(User.id).where(User.username == "bench_admin"))).one()
            context, render = await time_one_form(s, admin or 0, 50)
            bulk = await time_bulk_contexts(s, admin or 0, 25)
        print(
            f"One form in process (median of 50): context {context * 1000:.1f} ms,"
            f" DOCX {render * 1000:.1f} ms"
        )
        print(f"  → {1 / (context + render):.1f} forms/s without the job machinery")
        print(f"  contexts of a chunk of 25 built at once: {bulk * 1000:.1f} ms a form\n")
        print(f"Batches of every self-evaluation form of {YEAR} ({len(chosen)} provinces × {len(codes)}")
        print(
            f"funds, {len(batches)} batches requested at once), DOCX, template warm, {engine.dialect.name}:"
        )
        storage = str(work / "storage")
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "STORAGE_DIR": storage}
        for workers in (1, 2):
            async with Redis.from_url(redis_url) as redis:
                await redis.flushdb()
            processes = [
                subprocess.Popen(  # noqa: ASYNC220 - started once, before the measurement
                    [sys.executable, "-m", "src.cli", "worker"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=(work / f"worker-{workers}-{n}.log").open("wb"),
                )
                for n in range(workers)
            ]
            try:
                await asyncio.sleep(3)  # the workers start (imports, Redis)
                app = create_app(settings, engine=engine)
                async with httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app),
                    base_url="http://b",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=600,
                ) as client:
                    await _batches(client, batches[-workers:])  # warm-up: the template loaded
                    async with sessionmaker() as s:
                        await _forget_jobs(s)
                    cpu, own = sum(cpu_seconds(p.pid) for p in processes), time.process_time()
                    start = time.perf_counter()
                    done = await _batches(client, batches)
                    elapsed = time.perf_counter() - start
                    cpu = sum(cpu_seconds(p.pid) for p in processes) - cpu
                    own = time.process_time() - own
                await app.state.jobs.aclose()
            finally:
                for process in processes:
                    process.terminate()
                    process.wait(30)
            async with sessionmaker() as s:
                await _forget_jobs(s)
            print(
                f"  {workers} worker process(es): {done} forms in {elapsed:6.2f} s → {done / elapsed:6.1f}"
                f" forms/s, {done / elapsed / workers:5.1f} per process;"
                f" worker CPU {cpu * 1000 / done:.1f} ms a form (load average {os.getloadavg()[0]:.2f})"
            )
            # The bench's own share of the machine: requesting the batches and polling them.
            print(f"    this process (requests, polling): CPU {own:.1f} s")
