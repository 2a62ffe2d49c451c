"""The Excel export of every goal of a year (issue 22, Measure): GOALS_XLSX at national scale, in rows per
second and peak memory.

    uv run python -m bench.goals_xlsx [--repeat N] [--database-url postgresql+asyncpg://...]

The data set of bench/national.py (every pooling region × fund of 31 provinces, about ten indicators a goal)
is built once in a temporary database; then, as a system administrator (who reads every goal) with drafts
included, the export's writer (src/reports/exports/goals.py: rows streamed from one statement in partitions,
openpyxl write-only to a file) is run for one fund and for every fund, each run in a fresh process (spawned),
so its peak RSS is the export's own and not the building's. Printed per size: rows, SQL statements, the file's
size, wall and CPU seconds (median of --repeat), rows per CPU second (a linear cost keeps it flat across the
sizes), the peak of Python's allocations (tracemalloc, an untimed pass of its own: it slows what it traces)
and the process's peak RSS. Timings are noisy on a shared machine: compare the CPU figures.
"""

import argparse
import asyncio
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlmodel import select

from bench.monitoring import environment
from bench.national import YEAR, build_national
from bench.read_api import BenchFailure, fresh_database
from src.db import create_engine, create_sessionmaker
from src.models import FundType, Region
from src.models.enums import ActorType, RegionLevel
from src.reports.exports.goals import write_goals_xlsx
from src.services.actors import Actor
from src.subjects.documents import ExportScope
from tests.support.sql import count_statements

ONE_FUND = "EMPLOYEE_MEDICAL"
MIB = 1024 * 1024


@dataclass(frozen=True)
class Run:
    rows: int
    statements: int
    file_bytes: int
    wall: float
    cpu: float
    traced_peak: int  # 0 when not traced
    rss_peak: int  # bytes


async def _export(url: str, schema: str | None, fund_code: str | None, path: Path, trace: bool) -> Run:
    connect = {"server_settings": {"search_path": schema}} if schema else {}
    engine = create_engine(url, echo=False, connect_args=connect)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with sessionmaker() as session:
            province = (
                await session.exec(select(Region).where(Region.level == RegionLevel.PROVINCE))
            ).first()
            fund_id = None
            if fund_code is not None:
                fund_id = (await session.exec(select(FundType.id).where(FundType.code == fund_code))).one()
        assert province is not None and province.id is not None
        actor = Actor(
            user_id=0,
            username="bench",
            full_name="基准测试",
            organization_id=0,
            organization_name="基准测试",
            actor_type=ActorType.FINANCE,
            administration=None,
            region_id=province.id,
            region_code=province.code,
            region_path=province.path,
            region_level=RegionLevel.PROVINCE,
            is_admin=True,  # reads every goal of the country
        )
        scope = ExportScope(YEAR, fund_type_id=fund_id, include_drafts=True)
        if trace:
            tracemalloc.start()
        wall, cpu = time.perf_counter(), time.process_time()
        async with sessionmaker() as session:
            with count_statements(engine) as counter:
                rows = await write_goals_xlsx(session=session, actor=actor, scope=scope, path=path)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        traced = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
    finally:
        await engine.dispose()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    return Run(rows, counter.count, 0, wall, cpu, traced, rss)


def _child(args: tuple[str, str | None, str | None, str, bool]) -> Run:
    url, schema, fund_code, path, trace = args
    run = asyncio.run(_export(url, schema, fund_code, Path(path), trace))
    return replace(run, file_bytes=Path(path).stat().st_size)


def _measure(url: str, schema: str | None, fund_code: str | None, repeat: int, work: Path) -> list[Run]:
    """`repeat` timed runs, then one traced, each in a new process."""
    context = multiprocessing.get_context("spawn")
    runs = []
    for n in range(repeat + 1):
        arguments = (url, schema, fund_code, str(work / f"export-{n}.xlsx"), n == repeat)
        with context.Pool(1) as pool:
            runs.append(pool.apply(_child, (arguments,)))
    return runs


def _line(label: str, runs: list[Run]) -> str:
    timed, traced = runs[:-1], runs[-1]
    wall = statistics.median(r.wall for r in timed)
    cpu = statistics.median(r.cpu for r in timed)
    first = timed[0]
    return (
        f"{label:<10} {first.rows:>8,} {first.statements:>5} {first.file_bytes / MIB:>8.1f} {wall:>7.2f} "
        f"{cpu:>7.2f} {first.rows / cpu:>10,.0f} {traced.traced_peak / MIB:>10.1f} "
        f"{max(r.rss_peak for r in timed) / MIB:>8.0f}"
    )


async def _build(database_url: str | None, repeat: int) -> list[str]:
    lines = []
    async with fresh_database(database_url) as (engine, url):
        sessionmaker = create_sessionmaker(engine)
        async with sessionmaker() as session:
            counts = await build_national(session, YEAR)
            await session.commit()
        schema = f"bench_{os.getpid()}" if database_url is not None else None  # fresh_database's
        lines.append(
            f"{counts.goals:,} goals, {counts.indicators:,} indicators ({YEAR}), {counts.regions:,} regions"
        )
        with tempfile.TemporaryDirectory(prefix="fundperf-goals-xlsx-") as work:
            # The child processes read the database the parent built (a file, or this schema).
            for label, fund in (("one fund", ONE_FUND), ("all funds", None)):
                runs = await asyncio.to_thread(_measure, url, schema, fund, repeat, Path(work))
                lines.append(_line(label, runs))
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.goals_xlsx", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL URL for the data set; default: temporary SQLite"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size")
    args = parser.parse_args(argv)
    try:
        described, *lines = asyncio.run(_build(args.database_url, max(1, args.repeat)))
    except BenchFailure as exc:
        sys.exit(str(exc))
    print(f"\nGOALS_XLSX export, national scale: {described}; {environment()}")
    print(f"median of {args.repeat} runs, each in a new process; drafts included, as an administrator\n")
    header = (
        f"{'export':<10} {'rows':>8} {'stmts':>5} {'MiB':>8} {'wall s':>7} {'CPU s':>7} {'rows/CPU s':>10} "
    )
    print(header + f"{'traced MiB':>10} {'RSS MiB':>8}")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
