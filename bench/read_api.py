"""Read-API benchmark: "all goals of a year with their indicators, region and fund type".

    uv run python -m bench.read_api [--scale demo|national|both] [--database-url URL] [--repeat N]
                                    [--executor compiled|standard]
                                    [--as admin|prefecture|both] [--profile] [--loop uvloop|asyncio]

For each scale a fresh database is built (a temporary SQLite file, or a dedicated `bench_<pid>` schema in the
PostgreSQL database of --database-url, dropped at the end) and migrated to head. The query is then timed, as
an administrator (every goal) and as 成都市's finance department (its region and below, and the non-draft
goals above; a national-scale prefecture gets one made):

* through the full HTTP stack: a real uvicorn server on 127.0.0.1 (in this process, so SQL statements can be
  counted), fetched page by page (`first: 100`) with httpx until `hasNextPage` is false; and
* against a baseline: two hand-written SQL statements through the same async engine, assembled into the same
  nested shape and serialised with `json.dumps`; and
* warm: the same pages through a second app with the response cache on (src/app/response_cache/), after one
  fetch that fills it: each page is the caller's authentication (kept by the actor cache), one dataVersion
  statement (on the cache's own connection), the stored bytes.
  The first app runs with RESPONSE_CACHE off, so the GraphQL column is the executor's time.

Both paths must return exactly the same goals and indicators (the whole nested data is compared), else the
command fails. Each measurement is repeated N times after one warm-up; the table shows medians.
"""

import argparse
import asyncio
import contextlib
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from importlib import metadata as importlib_metadata
from typing import Any

import httpx
from sqlalchemy import BindParameter, TextClause, TextualSelect, bindparam, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from bench.national import YEAR, build_national
from src import migrate
from src.app import create_app, tune_gc_for_serving
from src.db import create_engine, create_sessionmaker
from src.models import Organization, Region, User
from src.models.enums import (
    ActorType,
    Comparator,
    GoalHorizon,
    GoalStatus,
    IndicatorCategory,
    IndicatorKind,
    QualitativeGrade,
    RegionLevel,
)
from src.models.types import ScaledDecimal
from src.schema.pagination import MAX_PAGE_SIZE
from src.seed.demo import load_demo_data
from src.seed.reference import load_reference_data
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from tests.support.server import ServerDidNotStart, serve_app
from tests.support.sql import count_statements

PAGE_SIZE = MAX_PAGE_SIZE  # the largest `first` the API accepts (100)

GOALS_QUERY = """
query BenchGoals($year: Int!, $first: Int!, $after: String) {
  goals(filter: {year: $year}, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id title status horizon startYear endYear
      region { code name level }
      fundType { code name }
      indicators { id level1 level2 level3 kind comparator targetValue targetGrade unit weight }
    }
  }
}
"""

# The baseline: what a hand-written endpoint would send. Same filter (period covers the year) and order
# (goals by id, indicators by sort order then id) as the API's goals list and indicators loader.
# A prefecture reader's scope (README "Who may do what"): everything of its region and below, the non-draft
# goals of the regions above it, nothing of its siblings.
PREFECTURE_SCOPE = """
    AND (g.region_id IN :own_regions OR (g.region_id IN :regions_above AND g.status != :draft))
"""
BASELINE_GOALS_TEXT = """
    SELECT g.id, g.title, g.status, g.horizon, g.start_year, g.end_year,
           r.code, r.name, r.level, f.code, f.name_zh
    FROM goal AS g
    JOIN region AS r ON r.id = g.region_id
    JOIN fund_type AS f ON f.id = g.fund_type_id
    WHERE g.start_year <= :year AND g.end_year >= :year {scope}
    ORDER BY g.id
"""
BASELINE_INDICATORS_TEXT = """
    SELECT i.goal_id, i.id, i.level1, i.level2, i.level3, i.kind, i.comparator,
           i.target_value, i.target_grade, i.unit, i.weight
    FROM indicator AS i
    JOIN goal AS g ON g.id = i.goal_id
    WHERE g.start_year <= :year AND g.end_year >= :year {scope}
    ORDER BY i.goal_id, i.sort_order, i.id
"""


def baseline_sql(*, scoped: bool) -> tuple[TextClause, TextualSelect]:
    """The goals and indicators statements, for every goal (an administrator) or a prefecture's scope."""
    scope = PREFECTURE_SCOPE if scoped else ""
    goals = text(BASELINE_GOALS_TEXT.format(scope=scope))
    indicators = text(BASELINE_INDICATORS_TEXT.format(scope=scope))
    if scoped:
        lists: tuple[BindParameter[Any], ...] = (
            bindparam("own_regions", expanding=True),
            bindparam("regions_above", expanding=True),
        )
        goals, indicators = goals.bindparams(*lists), indicators.bindparams(*lists)
    # Typed so the stored representation (a scaled integer on SQLite) comes back as the exact Decimal.
    return goals, indicators.columns(target_value=ScaledDecimal(20, 4), weight=ScaledDecimal(6, 2))


# GraphQL sends enum member names; the database holds values (they differ for RegionLevel).
_ENUM_NAMES: dict[str, dict[str, str]] = {
    cls.__name__: {m.value: m.name for m in cls}
    for cls in (
        RegionLevel,
        GoalStatus,
        GoalHorizon,
        IndicatorCategory,
        IndicatorKind,
        Comparator,
        QualitativeGrade,
    )
}
REGION_LEVEL = _ENUM_NAMES["RegionLevel"]
GOAL_STATUS = _ENUM_NAMES["GoalStatus"]
GOAL_HORIZON = _ENUM_NAMES["GoalHorizon"]
CATEGORY = _ENUM_NAMES["IndicatorCategory"]
KIND = _ENUM_NAMES["IndicatorKind"]
COMPARATOR = _ENUM_NAMES["Comparator"]
GRADE = _ENUM_NAMES["QualitativeGrade"]

Json = dict[str, Any]


class BenchFailure(Exception):
    """The two paths disagree, or the API answered with an error: the command fails with the message."""


# --- garbage collection ----------------------------------------------------------------------------


@dataclass
class GcMonitor:
    """Garbage-collection pauses (all generations) while active, via gc.callbacks."""

    active: bool = False
    collections: int = 0
    full: int = 0  # generation-2 collections
    seconds: float = 0.0
    _started: float = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if not self.active:
            return
        if phase == "start":
            self._started = time.perf_counter()
            return
        self.collections += 1
        self.full += info["generation"] == 2
        self.seconds += time.perf_counter() - self._started

    @contextlib.contextmanager
    def watching(self) -> Iterator["GcMonitor"]:
        self.collections, self.full, self.seconds, self.active = 0, 0, 0.0, True
        gc.callbacks.append(self)
        try:
            yield self
        finally:
            self.active = False
            gc.callbacks.remove(self)

    def per_run(self, runs: int) -> str:
        return (
            f"{self.seconds / runs * 1000:,.1f} ms in {self.collections / runs:.0f} collections "
            f"({self.full / runs:.1f} full)"
        )


# --- databases ---------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def fresh_database(database_url: str | None) -> AsyncIterator[tuple[AsyncEngine, str]]:
    """A migrated, empty database: a temporary SQLite file, or a dedicated schema in PostgreSQL."""
    if database_url is None:
        with tempfile.TemporaryDirectory(prefix="fundperf-bench-") as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
            engine = create_engine(url, echo=False)
            try:
                await migrate.upgrade(engine)
                yield engine, url
            finally:
                await engine.dispose()
        return

    if make_url(database_url).get_backend_name() != "postgresql":
        raise BenchFailure(
            "--database-url must be a PostgreSQL URL (SQLite runs on a temporary file by default)"
        )
    schema = f"bench_{os.getpid()}"
    engine = create_engine(
        database_url, echo=False, connect_args={"server_settings": {"search_path": schema}}
    )
    created = False
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            await conn.execute(text(f"CREATE SCHEMA {schema}"))
        created = True
        await migrate.upgrade(engine)
        yield engine, database_url
    finally:
        if created:
            async with engine.begin() as conn:
                await conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        await engine.dispose()


async def build_dataset(engine: AsyncEngine, scale: str) -> str:
    """Load the scale's data set and commit; returns a one-line description."""
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        if scale == "demo":
            reference = await load_reference_data(session=session)
            demo = await load_demo_data(session=session)
            description = (
                f"{reference.regions} regions, {demo.goals} goals and {demo.indicators} indicators "
                f"(all years), {demo.budgets} budgets"
            )
        else:
            national = await build_national(session, YEAR)
            description = (
                f"{national.region_rows} region rows → {national.regions} regions "
                f"({national.provinces} provinces, {national.prefectures} prefectures), "
                f"{national.goals} goals × {national.indicators_per_goal} = {national.indicators} indicators"
            )
        await session.commit()
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
    return description


@dataclass
class Reader:
    """Who the query runs as: its token, and for a prefecture the regions of its scope (else every goal)."""

    name: str
    token: str
    own_regions: list[int] | None = None
    regions_above: list[int] | None = None

    def baseline_params(self) -> dict[str, Any]:
        if self.own_regions is None:
            return {}
        return {
            "own_regions": self.own_regions,
            "regions_above": self.regions_above,
            "draft": GoalStatus.DRAFT.value,
        }


async def create_prefecture_reader(engine: AsyncEngine, settings: Settings) -> Reader:
    """The finance department of 成都市 (510100; else the first prefecture) to query as: the demo's
    fin_510100's, or one made for the national data set."""
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        regions = list((await session.exec(select(Region))).all())
        prefectures = sorted((r for r in regions if r.level == RegionLevel.PREFECTURE), key=lambda r: r.code)
        region = next((r for r in prefectures if r.code == "510100"), prefectures[0])
        assert region.id is not None
        org = (
            await session.exec(
                select(Organization).where(
                    Organization.actor_type == ActorType.FINANCE, Organization.region_id == region.id
                )
            )
        ).first()
        if org is None:
            org = Organization(name=f"{region.name}财政局", actor_type=ActorType.FINANCE, region_id=region.id)
            session.add(org)
            await session.flush()
        user = User(username="bench_prefecture", full_name="基准测试", organization_id=org.id or 0)
        session.add(user)
        await session.commit()
        token = issue_access_token(user.id or 0, ttl=timedelta(hours=6), secret_key=settings.SECRET_KEY)
    children: dict[int | None, list[int]] = defaultdict(list)
    parent: dict[int, int | None] = {}
    for r in regions:
        assert r.id is not None
        children[r.parent_id].append(r.id)
        parent[r.id] = r.parent_id
    own, todo = [], [region.id]
    while todo:
        own.append(current := todo.pop())
        todo += children[current]
    above, up = [], parent[region.id]
    while up is not None:
        above.append(up)
        up = parent[up]
    return Reader(f"prefecture {region.code}", token, own_regions=own, regions_above=above or [-1])


async def create_reader(engine: AsyncEngine, settings: Settings) -> Reader:
    """An administrator (who reads every region) to query as: a user of the province's finance department,
    like the demo's `admin` (in a third-party organization its actor would never be kept by the actor cache,
    and every page would read it again)."""
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        province = (
            await session.exec(
                select(Region).where(Region.level == RegionLevel.PROVINCE).order_by(col(Region.code))
            )
        ).first()
        assert province is not None and province.id is not None
        org = (
            await session.exec(
                select(Organization).where(
                    Organization.actor_type == ActorType.FINANCE, Organization.region_id == province.id
                )
            )
        ).first()
        if org is None:  # the demo data set already has one
            org = Organization(name="基准测试财政厅", actor_type=ActorType.FINANCE, region_id=province.id)
            session.add(org)
            await session.flush()
        user = User(username="bench_reader", full_name="基准测试", organization_id=org.id or 0, is_admin=True)
        session.add(user)
        await session.commit()
        token = issue_access_token(user.id or 0, ttl=timedelta(hours=6), secret_key=settings.SECRET_KEY)
    return Reader("admin", token)


# --- the HTTP path -----------------------------------------------------------------------------------


@dataclass
class Fetched:
    goals: list[Json]  # empty unless kept
    goal_count: int
    indicator_count: int
    pages: int
    response_bytes: int
    decode_seconds: float  # client-side JSON decoding, included in the measured time


async def fetch_graphql(client: httpx.AsyncClient, year: int, *, keep: bool = True) -> Fetched:
    """All goals of the year, page by page, as the client sees them.

    Timed runs do not keep the goals: a client in this process holding megabytes of parsed JSON would make
    the server's garbage collections slower than they would be with a separate client.
    """
    goals: list[Json] = []
    after: str | None = None
    pages = size = goal_count = indicator_count = 0
    decode = 0.0
    while True:
        response = await client.post(
            "/graphql",
            json={"query": GOALS_QUERY, "variables": {"year": year, "first": PAGE_SIZE, "after": after}},
        )
        if response.status_code != 200:
            raise BenchFailure(f"GraphQL HTTP {response.status_code}: {response.text[:2000]}")
        started = time.perf_counter()
        body = response.json()
        decode += time.perf_counter() - started
        size += len(response.content)
        if body.get("errors"):
            raise BenchFailure(f"GraphQL errors: {json.dumps(body['errors'], ensure_ascii=False)[:2000]}")
        connection = body["data"]["goals"]
        nodes = connection["nodes"]
        goal_count += len(nodes)
        indicator_count += sum(len(node["indicators"]) for node in nodes)
        if keep:
            goals.extend(nodes)
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            return Fetched(goals, goal_count, indicator_count, pages, size, decode)
        after = connection["pageInfo"]["endCursor"]


# --- the baseline ------------------------------------------------------------------------------------


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


async def fetch_baseline(engine: AsyncEngine, year: int, reader: Reader) -> tuple[list[Json], str]:
    """The same nested data from two hand-written statements, serialised as strawberry does (json.dumps)."""
    params = {"year": year, **reader.baseline_params()}
    goals_sql, indicators_sql = baseline_sql(scoped=reader.own_regions is not None)
    async with engine.connect() as conn:
        goal_rows = (await conn.execute(goals_sql, params)).all()
        indicator_rows = (await conn.execute(indicators_sql, params)).all()

    indicators: dict[int, list[Json]] = defaultdict(list)
    for goal_id, id_, level1, level2, level3, kind, comparator, value, grade, unit, weight in indicator_rows:
        indicators[goal_id].append(
            {
                "id": str(id_),
                "level1": CATEGORY[level1],
                "level2": level2,
                "level3": level3,
                "kind": KIND[kind],
                "comparator": COMPARATOR[comparator],
                "targetValue": _decimal(value),
                "targetGrade": None if grade is None else GRADE[grade],
                "unit": unit,
                "weight": _decimal(weight),
            }
        )
    goals: list[Json] = []
    for (
        id_,
        title,
        status,
        horizon,
        start,
        end,
        region_code,
        region_name,
        level,
        fund_code,
        fund_name,
    ) in goal_rows:
        goals.append(
            {
                "id": str(id_),
                "title": title,
                "status": GOAL_STATUS[status],
                "horizon": GOAL_HORIZON[horizon],
                "startYear": start,
                "endYear": end,
                "region": {"code": region_code, "name": region_name, "level": REGION_LEVEL[level]},
                "fundType": {"code": fund_code, "name": fund_name},
                "indicators": indicators.get(id_, []),
            }
        )
    return goals, json.dumps({"data": {"goals": {"nodes": goals}}}, separators=(",", ":"))


# --- measuring ---------------------------------------------------------------------------------------


async def timed(run: Callable[[], Awaitable[object]], repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds per run, after one warm-up run. Server and client share this process, so its
    CPU time is the work of both, and other programs on the machine barely move it."""
    await run()
    times: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        await run()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return times, cpu


def verify(graphql: list[Json], baseline: list[Json]) -> tuple[int, int]:
    """Both paths returned the same goals and indicators; returns (goals, indicators)."""
    gql_indicators = sum(len(g["indicators"]) for g in graphql)
    base_indicators = sum(len(g["indicators"]) for g in baseline)
    if (len(graphql), gql_indicators) != (len(baseline), base_indicators):
        raise BenchFailure(
            f"MISMATCH: GraphQL returned {len(graphql)} goals / {gql_indicators} indicators, "
            f"the baseline {len(baseline)} goals / {base_indicators} indicators"
        )
    for index, (a, b) in enumerate(zip(graphql, baseline, strict=True)):
        if a != b:
            raise BenchFailure(
                f"MISMATCH at goal #{index}:\n  graphql:  {json.dumps(a, ensure_ascii=False)[:1500]}\n"
                f"  baseline: {json.dumps(b, ensure_ascii=False)[:1500]}"
            )
    return len(graphql), gql_indicators


@dataclass
class Result:
    scale: str
    database: str
    reader: str
    dataset: str
    build_seconds: float
    goals: int
    indicators: int
    pages: int
    graphql_statements: int
    baseline_statements: int
    cached_times: list[float]
    cached_statements: int
    graphql_times: list[float]
    baseline_times: list[float]
    graphql_cpu: list[float]
    baseline_cpu: list[float]
    cached_cpu: list[float]
    graphql_sql_seconds: float
    baseline_sql_seconds: float
    response_bytes: int
    baseline_bytes: int
    decode_seconds: float
    graphql_gc: str
    baseline_gc: str
    heap_objects: int  # objects tracked by the collector before timing: what a full collection walks
    profile: str | None = None

    @property
    def graphql_median(self) -> float:
        return statistics.median(self.graphql_times)

    @property
    def baseline_median(self) -> float:
        return statistics.median(self.baseline_times)

    @property
    def cached_median(self) -> float:
        return statistics.median(self.cached_times)


READERS = ("admin", "prefecture")


async def bench_scale(
    scale: str,
    database_url: str | None,
    repeat: int,
    profile: bool,
    tune_gc: bool = True,
    readers: Sequence[str] = READERS,
    compiled: bool = True,
) -> list[Result]:
    results = []
    async with fresh_database(database_url) as (engine, url):
        database = engine.dialect.name
        print(f"[{scale}/{database}] building the data set …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        dataset = await build_dataset(engine, scale)
        build_seconds = time.perf_counter() - started
        print(f"[{scale}/{database}] {dataset} in {build_seconds:.1f} s", file=sys.stderr, flush=True)

        # No deadline watch (its rounds over the national data would run inside the timed fetches, and two
        # apps' watches would contend for SQLite's lock), and the event relay and webhook pollers once a
        # minute: their statements are not the read's.
        settings = Settings(
            DATABASE_URL=url,
            RESPONSE_CACHE=False,
            COMPILED_EXECUTION=compiled,
            DEADLINE_CHECK_MINUTES=0,
            EVENT_RELAY_POLL_SECONDS=60,
            WEBHOOK_POLL_SECONDS=60,
        )
        app = create_app(settings, engine=engine)
        cached_app = create_app(settings.model_copy(update={"RESPONSE_CACHE": True}), engine=engine)
        if tune_gc:
            tune_gc_for_serving()  # as `fundperf serve` does
        async with serve_app(app) as base_url, serve_app(cached_app) as cached_url:
            for name in readers:
                create = create_reader if name == "admin" else create_prefecture_reader
                reader = await create(engine, settings)
                print(f"[{scale}/{database}] as {reader.name} …", file=sys.stderr, flush=True)
                results.append(
                    await bench_reader(
                        engine,
                        base_url=base_url,
                        cached_url=cached_url,
                        reader=reader,
                        repeat=repeat,
                        profile=profile,
                        scale=scale,
                        dataset=dataset,
                        build_seconds=build_seconds,
                    )
                )
    return results


async def bench_reader(
    engine: AsyncEngine,
    *,
    base_url: str,
    cached_url: str,
    reader: Reader,
    repeat: int,
    profile: bool,
    scale: str,
    dataset: str,
    build_seconds: float,
) -> Result:
    database = engine.dialect.name
    auth = {"Authorization": f"Bearer {reader.token}"}
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=300, headers=auth) as client,
        httpx.AsyncClient(base_url=cached_url, timeout=300, headers=auth) as cached_client,
    ):
        # One counted fetch of each path (doubling as the warm-up), compared in full.
        with count_statements(engine) as counter:
            fetched = await fetch_graphql(client, YEAR)
        graphql_statements, graphql_sql = counter.count, counter.seconds
        with count_statements(engine) as counter:
            baseline, payload = await fetch_baseline(engine, YEAR, reader)
        baseline_statements, baseline_sql = counter.count, counter.seconds
        goals, indicators = verify(fetched.goals, baseline)
        pages, response_bytes, baseline_bytes = fetched.pages, fetched.response_bytes, len(payload)
        # Neither copy may stay alive while timing: a big heap makes every full collection slower.
        del fetched, baseline, payload
        gc.collect()
        heap_objects = len(gc.get_objects())

        print(
            f"[{scale}/{database}/{reader.name}] timing ({repeat} runs each) …", file=sys.stderr, flush=True
        )
        decode: list[float] = []

        async def graphql_run() -> None:
            run = await fetch_graphql(client, YEAR, keep=False)
            if (run.goal_count, run.indicator_count) != (goals, indicators):
                raise BenchFailure(
                    f"GraphQL returned {run.goal_count} goals / {run.indicator_count} "
                    f"indicators in a later run, {goals} / {indicators} at first"
                )
            decode.append(run.decode_seconds)

        gc_monitor = GcMonitor()
        with gc_monitor.watching():
            graphql_times, graphql_cpu = await timed(graphql_run, repeat)
        graphql_gc = gc_monitor.per_run(repeat + 1)
        with gc_monitor.watching():
            baseline_times, baseline_cpu = await timed(lambda: fetch_baseline(engine, YEAR, reader), repeat)
        baseline_gc = gc_monitor.per_run(repeat + 1)

        async def cached_run() -> None:
            run = await fetch_graphql(cached_client, YEAR, keep=False)
            if (run.goal_count, run.indicator_count) != (goals, indicators):
                raise BenchFailure(f"the cached pages held {run.goal_count} goals / {run.indicator_count}")

        cached_times, cached_cpu = await timed(cached_run, repeat)  # the warm-up run fills the cache
        with count_statements(engine) as counter:
            await cached_run()
        cached_statements = counter.count
        profile_text = await profile_graphql(client) if profile else None

    return Result(
        scale=scale,
        database=database,
        reader=reader.name,
        dataset=dataset,
        build_seconds=build_seconds,
        goals=goals,
        indicators=indicators,
        pages=pages,
        graphql_statements=graphql_statements,
        baseline_statements=baseline_statements,
        graphql_times=graphql_times,
        cached_times=cached_times,
        cached_statements=cached_statements,
        baseline_times=baseline_times,
        graphql_cpu=graphql_cpu,
        baseline_cpu=baseline_cpu,
        cached_cpu=cached_cpu,
        graphql_sql_seconds=graphql_sql,
        baseline_sql_seconds=baseline_sql,
        response_bytes=response_bytes,
        baseline_bytes=baseline_bytes,
        decode_seconds=statistics.median(decode),
        graphql_gc=graphql_gc,
        baseline_gc=baseline_gc,
        heap_objects=heap_objects,
        profile=profile_text,
    )


# --- profiling ---------------------------------------------------------------------------------------

# Where a function's own time goes, by the package its file belongs to (first match wins).
_BUCKETS: Sequence[tuple[str, str]] = (
    ("/graphql/", "graphql-core (validation, execution, serialisation)"),
    ("/strawberry/", "strawberry (schema glue, resolvers wrapping, DataLoader)"),
    ("/sqlmodel/", "SQLAlchemy ORM + SQLModel (statements, row → object)"),
    ("/sqlalchemy/", "SQLAlchemy ORM + SQLModel (statements, row → object)"),
    ("/pydantic", "pydantic"),
    ("/asyncpg/", "database driver (asyncpg / aiosqlite / sqlite3)"),
    ("/aiosqlite/", "database driver (asyncpg / aiosqlite / sqlite3)"),
    ("/sqlite3/", "database driver (asyncpg / aiosqlite / sqlite3)"),
    ("/uvicorn/", "HTTP server + client (uvicorn, starlette, httpx, httpcore, h11, anyio)"),
    ("/starlette/", "HTTP server + client (uvicorn, starlette, httpx, httpcore, h11, anyio)"),
    ("/httpx/", "HTTP server + client (uvicorn, starlette, httpx, httpcore, h11, anyio)"),
    ("/httpcore/", "HTTP server + client (uvicorn, starlette, httpx, httpcore, h11, anyio)"),
    ("/h11/", "HTTP server + client (uvicorn, starlette, httpx, httpcore, h11, anyio)"),
    ("/anyio/", "HTTP server + client (uvicorn, starlette, httpx, httpcore, h11, anyio)"),
    ("/json/", "json (stdlib: server encode + client decode)"),
    ("/asyncio/", "asyncio event loop and tasks"),
    ("/uvloop/", "asyncio event loop and tasks"),
    ("/selectors.py", "asyncio event loop and tasks"),
    ("/src/", "application code (src/: resolvers, from_row, loaders)"),
    ("/bench/", "benchmark client code"),
    ("/decimal.py", "decimal / enum / dataclasses / typing"),
    ("/enum.py", "decimal / enum / dataclasses / typing"),
    ("/typing.py", "decimal / enum / dataclasses / typing"),
    ("/inspect.py", "inspect (isawaitable etc.)"),
)


def _bucket(filename: str) -> str:
    for needle, name in _BUCKETS:
        if needle in filename:
            return name
    return "other Python"


def bucket_times(stats: pstats.Stats) -> dict[str, float]:
    """Own time per package; a C function's own time goes to the package of the Python code calling it."""
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, dict[Any, Any]]] = stats.stats  # type: ignore[attr-defined]
    buckets: dict[str, float] = defaultdict(float)
    for (filename, _line, name), (_cc, _nc, own, _cum, callers) in raw.items():
        if filename != "~":
            buckets[_bucket(filename)] += own
            continue
        if "poll" in name or "select" in name:
            buckets["waiting for I/O (poll)"] += own
            continue
        caller_own = {caller: values[2] for caller, values in callers.items()}
        attributed = sum(caller_own.values())
        for (caller_file, _l, _n), seconds in caller_own.items():
            buckets[_bucket(caller_file) if caller_file != "~" else "other C"] += seconds
        if own > attributed:
            buckets["other C"] += own - attributed
    return dict(buckets)


async def profile_graphql(client: httpx.AsyncClient) -> str:
    """One full GraphQL fetch under cProfile (client and in-process server share this thread)."""
    profiler = cProfile.Profile()
    gc_monitor = GcMonitor()
    with gc_monitor.watching():
        started = time.perf_counter()
        profiler.enable()
        await fetch_graphql(client, YEAR, keep=False)
        profiler.disable()
        wall = time.perf_counter() - started
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    total: float = stats.total_tt  # type: ignore[attr-defined]
    out.write(f"wall time under the profiler {wall:.3f} s; profiled time in this thread {total:.3f} s\n")
    out.write(
        f"garbage collection: {gc_monitor.per_run(1)} — cProfile charges these pauses to whichever "
        "function happened to allocate, so the figures below include them\n\n"
    )
    out.write("Own time by package (C functions charged to their Python caller):\n")
    for name, seconds in sorted(bucket_times(stats).items(), key=lambda kv: -kv[1]):
        out.write(f"  {seconds:8.3f} s  {100 * seconds / total:5.1f} %  {name}\n")
    out.write("\nTop 25 functions by cumulative time:\n")
    stats.sort_stats(pstats.SortKey.CUMULATIVE).print_stats(25)
    out.write("Top 25 functions by own time:\n")
    stats.sort_stats(pstats.SortKey.TIME).print_stats(25)
    return out.getvalue()


# --- report ------------------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def render_table(results: Sequence[Result]) -> str:
    header = (
        "scale",
        "database",
        "as",
        "goals",
        "indicators",
        "pages",
        "SQL graphql total / per page",
        "SQL baseline",
        "median GraphQL",
        "median baseline",
        "ratio",
        "median cached (warm)",
        "cached ratio",
        "SQL cached",
    )
    rows = [
        (
            r.scale,
            r.database,
            r.reader,
            f"{r.goals:,}",
            f"{r.indicators:,}",
            str(r.pages),
            f"{r.graphql_statements} / {r.graphql_statements / r.pages:.1f}",
            str(r.baseline_statements),
            _ms(r.graphql_median),
            _ms(r.baseline_median),
            f"{r.graphql_median / r.baseline_median:.1f}×",
            _ms(r.cached_median),
            f"{r.cached_median / r.baseline_median:.2f}×",
            str(r.cached_statements),
        )
        for r in results
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    left = {0, 1, 2}

    def line(cells: Sequence[str]) -> str:
        return " | ".join(
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def render_details(results: Sequence[Result]) -> str:
    lines = []
    for r in results:
        graphql_runs = ", ".join(_ms(t) for t in r.graphql_times)
        baseline_runs = ", ".join(_ms(t) for t in r.baseline_times)
        lines += [
            f"{r.scale}/{r.database} as {r.reader}: {r.dataset}; built in {r.build_seconds:.1f} s",
            f"  GraphQL runs  {graphql_runs}  (min {_ms(min(r.graphql_times))})",
            f"  baseline runs {baseline_runs}  (min {_ms(min(r.baseline_times))})",
            f"  cached runs   {', '.join(_ms(t) for t in r.cached_times)}  (min {_ms(min(r.cached_times))})",
            f"  CPU time (median): GraphQL {_ms(statistics.median(r.graphql_cpu))}, baseline "
            f"{_ms(statistics.median(r.baseline_cpu))}: "
            f"{statistics.median(r.graphql_cpu) / statistics.median(r.baseline_cpu):.1f}×; cached "
            f"{_ms(statistics.median(r.cached_cpu))}: "
            f"{statistics.median(r.cached_cpu) / statistics.median(r.baseline_cpu):.2f}×",
            "  SQL driver time (sum of statement durations in the counted run): "
            f"GraphQL {_ms(r.graphql_sql_seconds)}, baseline {_ms(r.baseline_sql_seconds)}",
            f"  payload: GraphQL {r.response_bytes:,} bytes in {r.pages} responses (client JSON decode "
            f"{_ms(r.decode_seconds)} of the GraphQL time); baseline {r.baseline_bytes:,} bytes",
            f"  GC pauses per run: GraphQL {r.graphql_gc}; baseline {r.baseline_gc}; "
            f"{r.heap_objects:,} objects tracked before timing",
        ]
    return "\n".join(lines)


def environment(loop_name: str) -> str:
    versions = ", ".join(
        f"{name} {importlib_metadata.version(name)}"
        for name in ("strawberry-graphql", "graphql-core", "starlette", "uvicorn", "sqlalchemy", "sqlmodel")
    )
    python = f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs"
    return f"{python}; loop {loop_name}; {versions}"


async def main_async(args: argparse.Namespace, loop_name: str) -> None:
    scales = ["demo", "national"] if args.scale == "both" else [args.scale]
    readers = READERS if args.as_ == "both" else (args.as_,)
    results = [
        result
        for scale in scales
        for result in await bench_scale(
            scale,
            args.database_url,
            args.repeat,
            args.profile,
            tune_gc=not args.no_gc_tuning,
            readers=readers,
            compiled=args.executor == "compiled",
        )
    ]
    print()
    print(environment(loop_name))
    print(
        f"Query: all goals of {YEAR} with indicators, region and fund type; pages of {PAGE_SIZE}; "
        f"median of {args.repeat} runs after one warm-up; {args.executor} executor"
    )
    print()
    print(render_table(results))
    print()
    print(render_details(results))
    for r in results:
        if r.profile is not None:
            print(
                f"\n=== profile of one GraphQL fetch: {r.scale}/{r.database} as {r.reader} ===\n{r.profile}"
            )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.read_api", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["demo", "national", "both"], default="both")
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL URL (postgresql+asyncpg://…); a schema bench_<pid> is created and dropped. "
        "Default: a temporary SQLite file.",
    )
    parser.add_argument(
        "--as",
        dest="as_",
        choices=[*READERS, "both"],
        default="both",
        help="query as an administrator (every goal), as a prefecture's finance department (its scope), "
        "or both",
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (after a warm-up)")
    parser.add_argument(
        "--executor",
        choices=["compiled", "standard"],
        default="compiled",
        help="the GraphQL column's execution: the plans of src/schema/compiled/ (as served), or "
        "graphql-core's standard path (COMPILED_EXECUTION=false)",
    )
    parser.add_argument("--profile", action="store_true", help="profile one GraphQL fetch with cProfile")
    parser.add_argument(
        "--loop",
        choices=["uvloop", "asyncio"],
        default="uvloop",
        help="event loop (uvloop is what `uvicorn` picks in production when installed)",
    )
    parser.add_argument(
        "--no-gc-tuning",
        action="store_true",
        help="leave the garbage collector as Python sets it "
        "(serve freezes start-up objects and raises the threshold)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None
    loop_name = "asyncio"
    if args.loop == "uvloop":
        try:
            import uvloop
        except ImportError:
            print("uvloop is not installed; using the asyncio loop", file=sys.stderr)
        else:
            loop_factory, loop_name = uvloop.new_event_loop, "uvloop"
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        try:
            runner.run(main_async(args, loop_name))
        except (BenchFailure, ServerDidNotStart) as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            raise SystemExit(1) from failure


if __name__ == "__main__":
    main()
