"""The Starlette application: /graphql (HTTP and WebSocket), /files, /uploads, /healthz, /readyz, and the
public API apart (/public/graphql, /public/files: src/public/)."""

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from src.app.evidence import UPLOAD_PATH as EVIDENCE_UPLOAD_PATH
from src.app.evidence import evidence_routes
from src.app.files import files_route
from src.app.graphql import GraphQLApp
from src.app.middleware import BodySizeLimit
from src.app.uploads import UPLOAD_PATH, uploads_route
from src.db import create_engine, create_read_sessionmaker, create_sessionmaker
from src.events.runtime import create_events
from src.metrics.multiprocess import process_exits
from src.metrics.setup import install_metrics
from src.public.routes import PATH as PUBLIC_PATH
from src.public.routes import PublicGraphQL, public_files_route
from src.redis_client import UNAVAILABLE_OR_SLOW, redis_client
from src.reports.pdf import PdfConverter
from src.reports.queue import ArqSubmitter, queued_jobs
from src.reports.render import Renderer
from src.reports.runner import JobRunner
from src.reports.storage import storage_from_settings
from src.reports.sweeper import JobSweeper
from src.schema.events.shared_run import renderer
from src.services.deadlines.periodic import DeadlineWatch
from src.services.identity.actor_cache import ActorCache
from src.services.identity.actor_changes import ActorChanges
from src.services.identity.ratelimit import create_rate_limiter
from src.settings import Settings, settings_from_environment

logger = logging.getLogger(__name__)
READINESS_REDIS_TIMEOUT_SECONDS = 1.0


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """503 without the database; 200 "degraded" without Redis (it serves on: documents wait in the queue,
    events in the outbox, logins are limited per process), naming what is missing; 200 "ready"."""
    try:
        async with request.app.state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach the database means not ready
        logger.warning("readiness check failed: %s", exc)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    checks = {"database": "ok"}
    redis = request.app.state.redis
    if redis is not None:
        try:
            async with asyncio.timeout(READINESS_REDIS_TIMEOUT_SECONDS):
                await redis.ping()
            checks["redis"] = "ok"
        except UNAVAILABLE_OR_SLOW:  # the outage is logged once by those who use Redis
            checks["redis"] = "unreachable"
    degraded = [name for name, state in checks.items() if state != "ok"]
    if degraded:
        return JSONResponse({"status": "degraded", "degraded": degraded, **checks})
    return JSONResponse({"status": "ready", **checks})


def create_app(settings: Settings, engine: AsyncEngine | None = None) -> Starlette:
    """Builds the app from `settings`; tests pass their own engine, the CLI lets it come from settings."""
    owns_engine = engine is None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await app.state.actor_changes.start()
        await app.state.events.start()
        if isinstance(app.state.jobs, JobRunner):
            # Embedded mode: jobs a stopped server left queued run now (with Redis, the sweeper sends them).
            await app.state.jobs.submit(await queued_jobs(app.state.sessionmaker))
        if app.state.sweeper is not None:
            app.state.sweeper.start()
        if app.state.deadlines is not None:
            app.state.deadlines.start()
        yield
        if app.state.deadlines is not None:
            await app.state.deadlines.aclose()
        if app.state.sweeper is not None:
            await app.state.sweeper.aclose()
        await app.state.jobs.aclose()  # running report jobs finish (or are cancelled) before the engine goes
        await app.state.events.aclose()  # after the jobs: their last events are published
        await app.state.actor_changes.aclose()
        await app.state.rate_limiter.aclose()
        if app.state.response_cache is not None:
            await app.state.response_cache.aclose()
        if app.state.redis is not None:
            await app.state.redis.aclose()
        if owns_engine:
            await app.state.engine.dispose()
        process_exits()

    body_limit = Middleware(
        BodySizeLimit, max_bytes=settings.MAX_BODY_BYTES, exempt={UPLOAD_PATH, EVIDENCE_UPLOAD_PATH}
    )
    app = Starlette(lifespan=lifespan, middleware=[body_limit])
    app.state.engine = engine or create_engine(settings.DATABASE_URL, echo=settings.SQL_ECHO)
    app.state.sessionmaker = create_sessionmaker(app.state.engine)
    app.state.read_sessionmaker = create_read_sessionmaker(app.state.engine)
    app.state.rate_limiter = create_rate_limiter(settings)  # one per app: counts outlive requests
    # Status changes: the outbox's relay and this process's subscribers (src/events).
    app.state.events = create_events(settings, app.state.sessionmaker)
    install_metrics(app, settings)  # /metrics (src/metrics)
    # Who a credential stands for, kept per process; committed changes evict it (src/services/identity).
    app.state.actor_cache = ActorCache(size=settings.ACTOR_CACHE_SIZE, seconds=settings.ACTOR_CACHE_SECONDS)
    app.state.actor_changes = ActorChanges(app.state.actor_cache, settings.REDIS_URL)
    storage = storage_from_settings(settings)
    # Report jobs are submitted after the request that wrote them commits: with REDIS_URL to the arq queue
    # (`fundperf worker` renders them; this process's sweeper sends what Redis missed), without it to a
    # runner in this process. The job function is the same.
    app.state.redis = None
    app.state.sweeper = None
    if settings.REDIS_URL:
        app.state.redis = redis_client(settings.REDIS_URL, command_timeout=READINESS_REDIS_TIMEOUT_SECONDS)
        app.state.jobs = ArqSubmitter(settings.REDIS_URL)
        app.state.sweeper = JobSweeper(
            sessionmaker=app.state.sessionmaker,
            submitter=app.state.jobs,
            redis=redis_client(settings.REDIS_URL),
            time_limit=timedelta(seconds=settings.REPORT_JOB_TIMEOUT_SECONDS),
        )
    else:
        app.state.jobs = JobRunner(
            sessionmaker=app.state.sessionmaker,
            renderer=Renderer(),
            storage=storage,
            pdf=PdfConverter(chunk_size=settings.REPORT_BATCH_CHUNK_SIZE),
        )
    # Overdue deadlines are noticed by the worker's cron with Redis; without it (and so without a worker),
    # here.
    app.state.deadlines = (
        None
        if settings.REDIS_URL or not settings.DEADLINE_CHECK_MINUTES
        else DeadlineWatch(
            sessionmaker=app.state.sessionmaker, every_seconds=settings.DEADLINE_CHECK_MINUTES * 60.0
        )
    )
    graphql_app = GraphQLApp(app, settings)
    app.state.response_cache = graphql_app.response_cache
    if app.state.events.hub is not None:
        app.state.events.hub.render = renderer(graphql_app.schema._schema, app.state.sessionmaker, settings)  # type: ignore[attr-defined]
    app.router.routes.extend(
        [
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            files_route(settings, storage),
            uploads_route(settings),
            *evidence_routes(settings, storage),
            Route("/graphql", graphql_app),
            WebSocketRoute("/graphql", graphql_app),
            Route(PUBLIC_PATH, PublicGraphQL(app, settings), methods=["POST"]),
            public_files_route(settings, storage),
        ]
    )
    return app


def app_from_environment() -> Starlette:
    """The app of a `fundperf serve` worker process (uvicorn's factory, called in each worker): the
    settings from the environment, and the collector tuned for a long-lived server."""
    app = create_app(settings_from_environment())
    tune_gc_for_serving()
    return app


def tune_gc_for_serving() -> None:
    """For a long-lived server process: freeze start-up objects out of the collector's way and collect
    young objects less often. A page of goals allocates hundreds of thousands of short-lived objects;
    bench/read_api.py measured a third of the response time in collections before this."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
