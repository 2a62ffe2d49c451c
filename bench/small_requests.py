"""Small-request benchmark: README's page of Chengdu's goals as Chengdu's finance bureau (fin_510100).

    uv run python -m bench.small_requests [--database-url URL] [--requests N] [--rounds R]

On the demo data (a temporary SQLite file, or a `bench_<pid>` schema of --database-url's PostgreSQL), the
app's ASGI callable is called directly in this process, one request at a time, so the CPU it uses is the
server's (no HTTP client, no sockets). The ways of serving are interleaved, round by round:

* `shared`: the request's one session (src/schema/request_session.py) and the actor cache, as served with
  the response cache off (RESPONSE_CACHE=false: the executor's cost);
* `shared, standard executor`: the same with COMPILED_EXECUTION off: graphql-core's standard execution
  instead of the plans of src/schema/compiled/;
* `shared, response cache hit`: as served by default, the page answered from the response cache;
* `shared, statements rebuilt`: the request's one session, every loader building its statement per request
  (as before loaders.built_once) and no actor cache;
* `before: per use, rebuilt`: a session per loader batch and read resolver, statements rebuilt, no actor
  cache, the standard executor: the server as it was before issue 22 (less what cannot be switched off:
  plain fields, the joined goals page, the column types' fast processors);
* `{ __typename } anonymous`: the smallest request, no credentials (as served).

It prints, for each, the CPU milliseconds per request (medians of the rounds; requests per second per process
is 1000 divided by it: the server is CPU-bound), the wall-clock requests per second one at a time, and the SQL
statements and connection check-outs per request.
"""

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

import src.app.graphql as graphql_module
import src.schema.loaders as loaders_module
from bench.asgi import post_graphql
from bench.read_api import build_dataset, fresh_database
from src.app import create_app
from src.db import create_sessionmaker
from src.models import User
from src.schema.request_session import RequestSession
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from tests.support.sql import CheckoutCounter, count_statements

READER = "fin_510100"
# README's page of Chengdu's goals, as Chengdu's finance bureau reads it (its statements are counted in
# tests/schema/test_request_session.py).
CHENGDU_PAGE = """query Goals($after: String) {
  goals(filter: {year: 2026, regionCode: "510100", includeDescendants: true, horizon: ANNUAL}, first: 20,
        after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id title statusLabel version weightTotal
      fundType { code name }
      region { code name }
      overallGoal { title startYear endYear }
      parentGoal { title region { name } }
      indicators { level1Label level2 level3 comparatorLabel targetValue targetGrade unit weight }
      budget { statusLabel revenueTotal expenditureTotal lines { itemLabel initialAmount adjustedAmount } }
    }
  }
}"""


ANONYMOUS_TYPENAME = "{ __typename }"


class PerUse:
    """RequestSession's stand-in for the comparison: every use opens a session of its own."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker

    def __call__(self) -> AbstractAsyncContextManager[AsyncSession]:
        return self.sessionmaker()

    async def close(self) -> None:
        return None


def rebuilt(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """loaders.built_once's stand-in for the comparison: every loader builds its statement anew."""
    return build()


@dataclass(frozen=True)
class Way:
    """How a way serves: the request's session, how loaders get their statements, the settings it differs
    by, and the document it is asked (the Chengdu page as fin_510100, or an anonymous one)."""

    session: Any
    build: Callable[..., Any]
    settings: dict[str, Any] = field(default_factory=dict)
    document: str = CHENGDU_PAGE
    anonymous: bool = False


NO_ACTOR_CACHE = {"ACTOR_CACHE_SIZE": 0}
STANDARD = {"COMPILED_EXECUTION": False}
MODES: dict[str, Way] = {
    "shared": Way(RequestSession, loaders_module.built_once),
    "shared, standard executor": Way(RequestSession, loaders_module.built_once, STANDARD),
    "shared, response cache hit": Way(RequestSession, loaders_module.built_once, {"RESPONSE_CACHE": True}),
    "shared, statements rebuilt": Way(RequestSession, rebuilt, NO_ACTOR_CACHE),
    "before: per use, rebuilt": Way(PerUse, rebuilt, NO_ACTOR_CACHE | STANDARD),
    "{ __typename } anonymous": Way(
        RequestSession, loaders_module.built_once, document=ANONYMOUS_TYPENAME, anonymous=True
    ),
}


@dataclass
class Mode:
    name: str
    cpu_ms: list[float] = field(default_factory=list)  # per request, one value a round
    wall_rps: list[float] = field(default_factory=list)
    statements: float = 0.0
    checkouts: float = 0.0


class Client:
    """POSTs GraphQL documents to the app's ASGI callable, as one HTTP request each."""

    def __init__(self, app: Any, token: str | None) -> None:
        self.app = app
        self.token = token

    async def post(self, document: str) -> dict[str, Any]:
        answer = await post_graphql(self.app, self.token, document)
        if "errors" in answer:
            raise SystemExit(f"the page failed: {answer['errors']}")
        return answer


@asynccontextmanager
async def reading_with(mode: str) -> AsyncIterator[None]:
    # What GraphQLApp.__call__ makes each request's session with, and how loaders get their statements.
    graphql_names, loader_names = vars(graphql_module), vars(loaders_module)
    saved = graphql_names["RequestSession"], loader_names["built_once"]
    graphql_names["RequestSession"], loader_names["built_once"] = MODES[mode].session, MODES[mode].build
    try:
        yield
    finally:
        graphql_names["RequestSession"], loader_names["built_once"] = saved


async def token_of(engine: AsyncEngine, settings: Settings, username: str) -> str:
    async with create_sessionmaker(engine)() as session:
        user = (await session.exec(select(User).where(User.username == username))).one()
    return issue_access_token(user.id or 0, ttl=timedelta(hours=6), secret_key=settings.SECRET_KEY)


async def one_round(client: Client, document: str, requests: int) -> tuple[float, float]:
    """CPU ms per request and wall-clock requests per second over `requests` sequential requests."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(requests):
        await client.post(document)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return cpu * 1000 / requests, requests / wall


async def run(args: argparse.Namespace) -> tuple[str, list[Mode], int, int]:
    async with fresh_database(args.database_url) as (engine, url):
        print("building the demo data …", file=sys.stderr, flush=True)
        await build_dataset(engine, "demo")
        settings = Settings(DATABASE_URL=url, RESPONSE_CACHE=False, DEADLINE_CHECK_MINUTES=0)
        token = await token_of(engine, settings, READER)
        # One app per way (its settings): without the app's lifespan, whose background work (the events
        # relay, deadline checks) would be counted with the requests. GraphQL requests need none of it.
        apps = {
            name: create_app(settings.model_copy(update=way.settings), engine=engine)
            for name, way in MODES.items()
        }
        clients = {name: Client(apps[name], None if way.anonymous else token) for name, way in MODES.items()}
        modes = [Mode(name) for name in MODES]
        try:
            page = (await clients["shared"].post(CHENGDU_PAGE))["data"]["goals"]["nodes"]
            goals, indicators = len(page), sum(len(g["indicators"]) for g in page)
            checkouts = CheckoutCounter()
            for mode in modes:  # counted once each, doubling as the warm-up (and filling the cache)
                await clients[mode.name].post(MODES[mode.name].document)
                async with reading_with(mode.name):
                    with count_statements(engine) as counter, checkouts.listening(engine):
                        checkouts.reset()
                        for _ in range(10):
                            await clients[mode.name].post(MODES[mode.name].document)
                    mode.statements, mode.checkouts = counter.count / 10, checkouts.count / 10
            for round_ in range(args.rounds):
                print(f"round {round_ + 1}/{args.rounds} …", file=sys.stderr, flush=True)
                for mode in modes if round_ % 2 == 0 else reversed(modes):
                    async with reading_with(mode.name):
                        cpu_ms, rps = await one_round(
                            clients[mode.name], MODES[mode.name].document, args.requests
                        )
                    mode.cpu_ms.append(cpu_ms)
                    mode.wall_rps.append(rps)
        finally:
            for app in apps.values():
                await app.state.jobs.aclose()
                if app.state.response_cache is not None:  # its dataVersion connection
                    await app.state.response_cache.aclose()
        return engine.dialect.name, modes, goals, indicators


def render(
    database: str, modes: Sequence[Mode], goals: int, indicators: int, args: argparse.Namespace
) -> str:
    lines = [
        f"Chengdu's goals page as {READER} ({goals} goals, {indicators} indicators), {database}, "
        f"{args.rounds} rounds × {args.requests} sequential requests, medians (noisy on a shared machine)",
        f"{'way':<34} | CPU ms/request | req/s per process (1000/CPU) | wall req/s | statements | check-outs",
    ]
    for m in modes:
        cpu = statistics.median(m.cpu_ms)
        lines.append(
            f"{m.name:<34} | {cpu:14.2f} | {1000 / cpu:28.0f} | {statistics.median(m.wall_rps):10.0f} "
            f"| {m.statements:10.1f} | {m.checkouts:10.1f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.small_requests", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--requests", type=int, default=200, help="requests per round and reading")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    database, modes, goals, indicators = asyncio.run(run(args))
    print(render(database, modes, goals, indicators, args))


if __name__ == "__main__":
    main()
