"""The authenticated small request: `reportJob(id)` as a finance user with and without the actor cache, and
a goal mutation (`goalTaxConcur`), in server CPU per request.

    uv run python -m bench.auth_path [--database-url URL] [--requests N] [--mutations M] [--repeat R]
                                     [--profile]

A fresh database (temporary SQLite file, or a `bench_<pid>` schema of --database-url's PostgreSQL) holds
the reference data, a finance user, a tax user, one report job and M draft goals. Requests go straight to
the ASGI app in this process (no socket, no HTTP parsing): the figure is what the app itself spends. CPU is
`time.process_time`, so other load on the machine does not count; req/s is 1000 / CPU ms, what one process
serves with its core to itself. Runs of the two modes are interleaved, R times; the table shows medians.
--profile prints cProfile's top functions of the mutations.
"""

import argparse
import asyncio
import cProfile
import io
import pstats
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from bench.asgi import post_graphql
from bench.read_api import fresh_database
from src.app import create_app
from src.db import create_sessionmaker
from src.models import ReportJob
from src.models.enums import ActorType, GoalStatus
from src.models.report import ReportFormat
from src.seed.reference import load_reference_data
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from tests.conftest import TEST_SECRET_KEY
from tests.events.test_subscriptions import TAX_CONCUR
from tests.factories import make_goal, make_user
from tests.support.sql import count_statements

REPORT_JOB = "query($id: ID!) { reportJob(id: $id) { __typename ... on ReportJob { id status } } }"

Asgi = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


async def call(app: Asgi, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """One POST /graphql straight to the ASGI app."""
    return await post_graphql(app, token, query, variables)


async def build(engine: AsyncEngine, mutations: int) -> tuple[str, str, int, list[tuple[int, int]]]:
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        await session.commit()
    fin = await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code="510100")
    tax = await make_user(sessionmaker, actor_type=ActorType.TAX, region_code="510100")
    goals: list[tuple[int, int]] = []
    async with sessionmaker() as session:
        for i in range(mutations):
            goal = await make_goal(session, region_code="510100", year=2030 + i, status=GoalStatus.DRAFT)
            goals.append((goal.id or 0, goal.row_version))
        job = ReportJob(
            kind="GOAL_TABLE",
            format=ReportFormat.DOCX,
            subject_type="Goal",
            subject_id=goals[0][0],
            requested_by_id=fin.id or 0,
            organization_id=fin.organization_id,
            fingerprint="bench",
        )
        session.add(job)
        await session.commit()
        job_id = (await session.exec(select(ReportJob.id))).one() or 0
    fin_token = issue_access_token(fin.id or 0, secret_key=TEST_SECRET_KEY)
    tax_token = issue_access_token(tax.id or 0, secret_key=TEST_SECRET_KEY)
    return fin_token, tax_token, job_id, goals


def settings_for(url: str, cache: bool) -> Settings:
    return Settings(
        DATABASE_URL=url,
        SECRET_KEY=TEST_SECRET_KEY,
        REDIS_URL=None,
        DEADLINE_CHECK_MINUTES=0,
        ACTOR_CACHE_SIZE=10_000 if cache else 0,
    )


async def report_job_run(
    app: Asgi, engine: AsyncEngine, token: str, job_id: int, n: int
) -> tuple[float, float]:
    """CPU ms per request and statements per request over `n` requests (after one warm-up)."""
    first = await call(app, token, REPORT_JOB, {"id": str(job_id)})
    assert "errors" not in first, first
    with count_statements(engine) as counter:
        started = time.process_time()
        for _ in range(n):
            await call(app, token, REPORT_JOB, {"id": str(job_id)})
        cpu = time.process_time() - started
    return cpu * 1000 / n, counter.count / n


async def mutation_run(
    app: Asgi, engine: AsyncEngine, token: str, goals: list[tuple[int, int]], profile: cProfile.Profile | None
) -> tuple[list[float], float]:
    times: list[float] = []
    with count_statements(engine) as counter:
        for goal_id, row_version in goals:
            variables = {"input": {"id": str(goal_id), "rowVersion": row_version}}
            started = time.process_time()
            if profile is not None:
                profile.enable()
            result = await call(app, token, TAX_CONCUR, variables)
            if profile is not None:
                profile.disable()
            times.append((time.process_time() - started) * 1000)
            assert result["data"]["goalTaxConcur"]["__typename"] == "GoalSuccess", result
    return times, counter.count / len(goals)


async def main_async(args: argparse.Namespace) -> None:
    async with fresh_database(args.database_url) as (engine, url):
        fin, tax, job_id, goals = await build(engine, args.mutations * args.repeat + 1)
        apps = {cache: create_app(settings_for(url, cache), engine=engine) for cache in (False, True)}
        print(f"database: {engine.dialect.name}; reportJob answers", end=" ")
        print(
            (await call(apps[True], fin, REPORT_JOB, {"id": str(job_id)}))["data"]["reportJob"]["__typename"]
        )
        runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
        for _ in range(args.repeat):
            for cache in (False, True):
                runs[cache].append(await report_job_run(apps[cache], engine, fin, job_id, args.requests))
        print(f"\nreportJob(id) as a finance user, {args.requests} requests × {args.repeat} runs (medians)")
        print(f"{'actor cache':<14}{'CPU ms/request':>16}{'req/s (1 core)':>16}{'statements':>12}")
        for cache in (False, True):
            ms = statistics.median(r[0] for r in runs[cache])
            statements = statistics.median(r[1] for r in runs[cache])
            print(f"{'on' if cache else 'off':<14}{ms:>16.3f}{1000 / ms:>16.0f}{statements:>12.1f}")
        # The goal mutation, cached actor: one goal each (a concurrence changes it), first one a warm-up.
        app = apps[True]
        await mutation_run(app, engine, tax, goals[:1], None)
        profile = cProfile.Profile() if args.profile else None
        times, statements = await mutation_run(app, engine, tax, goals[1:], profile)
        print(f"\ngoalTaxConcur, {len(times)} mutations (actor cache on)")
        print(
            f"CPU ms median {statistics.median(times):.2f}, p90 {statistics.quantiles(times, n=10)[-1]:.2f}, "
            f"statements {statements:.1f}"
        )
        if profile is not None:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(45)
            print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--mutations", type=int, default=60, help="goal mutations per run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
