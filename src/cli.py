"""fundperf: serve | worker | render | migrate | seed | export-schema."""

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from src import migrate
from src.db import create_engine, create_sessionmaker, session_scope
from src.reports.storage import Storage, storage_from_settings
from src.settings import Settings, settings_from_environment

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schema.graphql"
# What each `serve` worker process runs: builds the app from the environment's settings.
APP_FACTORY = "src.app:app_from_environment"

log = logging.getLogger("fundperf")


async def migrate_database(url: str) -> None:
    """`fundperf migrate`: the database at `url` brought to the latest revision; then goals issued before
    numbers were drawn at issue get theirs (src/services/goals/issuing.py, after migration 0015); then the
    stored regional rules the text does not allow (a deadline after the text's date, a province-only key set
    below the province) are reported, one WARNING each: reading ignores them, their region's finance resets
    them (src/services/rules/statutory.py)."""
    from src.services.goals.issuing import number_earlier_issues
    from src.services.rules.statutory import ignored_rules

    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        async with session_scope(create_sessionmaker(engine)) as session:
            numbered = await number_earlier_issues(session)
            if numbered:
                log.info("numbered %d goals issued before numbers were drawn at issue", numbered)
            for ignored in await ignored_rules(session):
                log.warning("regional rule not applied: %s", ignored.describe())
    finally:
        await engine.dispose()


async def seed_database(url: str, *, demo: bool, only_if_empty: bool, storage: Storage | None = None) -> None:
    """`fundperf seed`: the reference data, and the demo data if asked (`only_if_empty`: not over data)."""
    from src.models import Goal, Organization
    from src.seed.demo import load_demo_data
    from src.seed.reference import seed_reference_data

    engine = create_engine(url)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            counts = await seed_reference_data(session=session)  # dataVersion moves if it changed anything
            log.info("reference data: %s", counts)
            if demo:
                existing = 0
                for model in (Goal, Organization):
                    existing += (await session.exec(select(func.count()).select_from(model))).one()
                if only_if_empty and existing:
                    log.info("database already holds data: demo data set not loaded")
                else:
                    log.info("demo data: %s", await load_demo_data(session=session, storage=storage))
    finally:
        await engine.dispose()


def demo_storage(settings: Settings) -> Storage:
    """Where the demo's evidence file goes: the app's own storage (STORAGE_DIR)."""
    return storage_from_settings(settings)


def export_schema(path: Path = SCHEMA_PATH) -> str:
    """The schema of the default settings (limits do not change the schema's text)."""
    from src.schema import build_schema

    text = build_schema(Settings()).as_str() + "\n"
    path.write_text(text, encoding="utf-8")
    return text


def default_workers(settings: Settings) -> int:
    """One worker process in development; one per CPU core in production, when Redis lets them share
    events (several_workers_problem)."""
    if settings.ENVIRONMENT == "production" and settings.REDIS_URL:
        return os.cpu_count() or 1
    return 1


def several_workers_problem(settings: Settings, workers: int) -> str | None:
    """Why `workers` processes cannot serve with these settings, if they cannot.

    Without REDIS_URL each process publishes the events its own requests wrote to its own subscribers, and
    marks them published: a subscriber connected to another process would never hear of them.
    """
    if workers > 1 and not settings.REDIS_URL:
        return (
            f"--workers {workers} needs REDIS_URL: without Redis each worker process's subscribers hear only "
            "the events that process's own requests wrote"
        )
    return None


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fundperf", description="社会保险基金预算绩效管理")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser(
        "serve", help="migrate, load reference (and, into an empty database, demo) data, serve"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-demo", action="store_true", help="do not load the demo data set")
    serve.add_argument(
        "--workers",
        type=_positive,
        default=None,
        help="worker processes (default: 1; with ENVIRONMENT=production and REDIS_URL one per CPU core); "
        "more than 1 needs REDIS_URL",
    )
    worker = sub.add_parser("worker", help="render report jobs from the arq queue (needs REDIS_URL)")
    worker.add_argument("--burst", action="store_true", help="stop once the queue is empty")
    report = sub.add_parser("render", help="render a goal's (or a batch's) documents here, as a user")
    report.add_argument("--user", required=True, help="the requester: the documents show what it may read")
    report.add_argument("--goal", type=int, help="one goal's document (its id)")
    report.add_argument("--fund", help="a batch: fund type code (with --year and --region)")
    report.add_argument("--year", type=int)
    report.add_argument("--region", help="region code; the batch takes its descendants too")
    report.add_argument("--format", type=str.upper, choices=["DOCX", "PDF"], default="DOCX")
    report.add_argument(
        "--include-drafts", action="store_true", help="a batch: also the drafts the user may read"
    )
    report.add_argument("--out", type=Path, default=Path(), help="folder for the files (default: here)")
    sub.add_parser("migrate", help="upgrade the database to the latest schema")
    seed = sub.add_parser("seed", help="load reference data (idempotent)")
    seed.add_argument("--demo", action="store_true", help="also load the demo data set")
    export = sub.add_parser("export-schema", help="write schema.graphql")
    export.add_argument("--path", type=Path, default=SCHEMA_PATH)
    args = parser.parse_args(argv)
    # render reports its progress itself; the jobs' INFO lines would only break its bar.
    level = logging.WARNING if args.command == "render" else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")

    settings = settings_from_environment()
    url = settings.DATABASE_URL
    if args.command == "migrate":
        asyncio.run(migrate_database(url))
    elif args.command == "seed":
        asyncio.run(migrate_database(url))
        asyncio.run(seed_database(url, demo=args.demo, only_if_empty=False, storage=demo_storage(settings)))
    elif args.command == "export-schema":
        export_schema(args.path)
        print(f"wrote {args.path}")
    elif args.command == "render":
        from src.models.report import ReportFormat
        from src.reports.cli import Scope, render

        scope = Scope.of(goal_id=args.goal, fund_type_code=args.fund, year=args.year, region_code=args.region)
        if scope is None:
            parser.error("render: give --goal ID, or --fund CODE --year YEAR --region CODE")
        fmt = ReportFormat(args.format)
        return asyncio.run(
            render(
                settings,
                username=args.user,
                scope=scope,
                fmt=fmt,
                include_drafts=args.include_drafts,
                out=args.out,
            )
        )
    elif args.command == "worker":
        from src.reports.worker import make_worker

        make_worker(settings, burst=args.burst).run()  # arq runs it on the loop it was built with
    elif args.command == "serve":
        from src.metrics.multiprocess import prepare_multiprocess_dir

        prepare_multiprocess_dir()  # before prometheus_client is imported, here and in every worker
        from src.serve import serve as serve_workers
        from src.serve.ws_protocol import uvicorn_options

        workers = args.workers or default_workers(settings)
        if problem := several_workers_problem(settings, workers):
            parser.error(problem)
        # Once, before any worker starts; each worker then builds its app (and engine) from the settings.
        asyncio.run(migrate_database(url))
        asyncio.run(
            seed_database(url, demo=not args.no_demo, only_if_empty=True, storage=demo_storage(settings))
        )
        print(f"GraphiQL: http://{args.host}:{args.port}/graphql ({workers} workers)", flush=True)
        serve_workers(
            app=APP_FACTORY,
            workers=workers,
            host=args.host,
            port=args.port,
            options=uvicorn_options(settings),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
