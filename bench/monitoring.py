"""Monitoring benchmark (issue 19, Measure): evaluating one month's lights and warnings at the read bench's
national scale, and the province dashboard query.

    uv run python -m bench.monitoring [--database-url URL] [--repeat N]

The national data set of the read bench (bench/national.py: every pooling region × fund of 31 provinces, about
ten indicators a goal) gets a budget per goal's region and fund, each indicator's actual for March and June
(quarterly periods: June's evaluation reads both for the run of red periods) and each budget line's June
execution, with a spread of lights. Then:

* evaluation — `evaluate_period` (the system's: every pooling region × fund whose period ends in June), at two
  sizes: the goals of the first 15 provinces in force, then of all 31. Rows per second are the actual and
  execution rows read per second of the whole evaluation (warnings and their events written included); a
  linear cost keeps that rate flat. Each run starts without warnings (they are raised once per key).
* dashboard — the `monitoring(regionCode, year: 2026, month: 6)` query through the GraphQL app (httpx on the
  ASGI app, in process, so statements can be counted) as an administrator, for a small province (宁夏, 5
  prefectures) and a large one (四川, 21): rows read per second, and statements per dashboard, which must not
  change with the province's size.

The collector is tuned as `fundperf serve` tunes it (tune_gc_for_serving), where the periodic evaluation
and the dashboard run.

`MEASURES` is the hook for further measurements on the same data set (`async (engine, sessionmaker) -> str`):
the XLSX round trip of a prefecture's entry sheets (bench/monitoring_xlsx.py).
"""

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import delete, insert, or_, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bench.monitoring_xlsx import xlsx_round_trip
from bench.national import YEAR, build_national
from bench.read_api import BenchFailure, fresh_database
from src.app import create_app, tune_gc_for_serving
from src.db import create_sessionmaker
from src.models import FundBudget, FundBudgetLine, Goal, Indicator, Organization, Region, User
from src.models.base import utcnow
from src.models.enums import (
    BUDGET_ITEM_CATEGORY,
    ActorType,
    BudgetItem,
    BudgetStatus,
    GoalStatus,
    QualitativeGrade,
)
from src.models.event import Event
from src.models.monitoring import BudgetExecution, IndicatorActual, MonitoringWarning
from src.services.identity.tokens import issue_access_token
from src.services.monitoring.evaluation import evaluate_period
from src.settings import Settings
from tests.support.sql import count_statements

MONTH = 6
MONTHS = (3, MONTH)
TODAY = date(2026, 7, 20)
SMALL_PROVINCES = 15  # of 31
CHUNK = 2000
DASHBOARD = """query($region: String!) { monitoring(regionCode: $region, year: 2026, month: 6) {
  ... on MonitoringDashboard { funds { view light openWarnings
      indicators { level3 actualValue ratio light reported }
      execution { item budget executed rate light largeDeviation }
      timeliness { expected onTime late missing status } compliance { ok problemCount }
      effectiveness { red yellow green blue unlit } } } } }"""
Measure = Callable[[AsyncEngine, async_sessionmaker[AsyncSession]], Awaitable[str]]
MEASURES: list[Measure] = [xlsx_round_trip]  # further measurements on the same data


def environment() -> str:
    return (
        f"nproc {os.cpu_count()}, {platform.machine()} ({platform.system()} {platform.release()}), "
        f"Python {platform.python_version()}"
    )


async def _insert(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> None:
    connection = await session.connection()
    for start in range(0, len(rows), CHUNK):
        await connection.execute(insert(model.__table__), rows[start : start + CHUNK])


async def build_monitoring(session: AsyncSession) -> dict[str, int]:
    """Budgets, March and June actuals, June execution for every goal of the national set; returns the
    actual and execution rows per province code."""
    rng = random.Random(19)
    org = Organization(name="基准测试经办机构", actor_type=ActorType.AGENCY, region_id=1)
    session.add(org)
    await session.flush()
    user = User(username="bench_agency", full_name="基准测试", organization_id=org.id or 0)
    session.add(user)
    await session.flush()
    # In id order: the random spread of figures is the same on both databases.
    joined = select(Goal, Region.path).join(Region, col(Region.id) == Goal.region_id).order_by(col(Goal.id))
    goals = (await session.exec(joined)).all()
    by_goal: dict[int, list[Indicator]] = {}
    for indicator in (await session.exec(select(Indicator).order_by(col(Indicator.id)))).all():
        by_goal.setdefault(indicator.goal_id, []).append(indicator)
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now, "row_version": 1}
    who = {"organization_id": org.id, "user_id": user.id}
    actuals, lines, executions = [], [], []
    rows: dict[str, int] = {}
    budgets = []
    for goal, _ in goals:
        budgets.append(
            {
                "region_id": goal.region_id,
                "fund_type_id": goal.fund_type_id,
                "year": YEAR,
                "status": BudgetStatus.APPROVED,
                **stamp,
            }
        )
    await _insert(session, FundBudget, budgets)
    stored = select(FundBudget.id, FundBudget.region_id, FundBudget.fund_type_id)
    budget_ids = {(r, f): i for i, r, f in (await session.exec(stored)).all()}
    for goal, path in goals:
        province = path.strip("/").split("/")[0]
        scope = {
            "pooling_region_id": goal.region_id,
            "region_id": goal.region_id,
            "fund_type_id": goal.fund_type_id,
            "year": YEAR,
        }
        for indicator in by_goal.get(goal.id or 0, []):
            for month in MONTHS:
                share = Decimal(rng.randint(30, 130)) / 100
                value = None if indicator.target_value is None else indicator.target_value * share
                grade = rng.choice(list(QualitativeGrade)) if indicator.target_value is None else None
                actuals.append(
                    {
                        **scope,
                        **stamp,
                        **who,
                        "goal_id": goal.id,
                        "goal_lineage_id": goal.lineage_id,
                        "indicator_lineage_id": indicator.lineage_id,
                        "month": month,
                        "value": value,
                        "grade": grade,
                        "forecast": "",
                        "cause_funding": "",
                        "cause_system": "",
                        "cause_staffing": "",
                        "cause_hardware": "",
                        "cause_other": "",
                        "remark": "",
                    }
                )
            rows[province] = rows.get(province, 0) + len(MONTHS)
        budget = budget_ids[goal.region_id, goal.fund_type_id]
        for order, item in enumerate(BudgetItem):
            amount = Decimal(1_000_000 * (order + 1))
            lines.append(
                {
                    "budget_id": budget,
                    "category": BUDGET_ITEM_CATEGORY[item],
                    "item": item,
                    "initial_amount": amount,
                    "sort_order": order,
                }
            )
            executed = amount * Decimal(rng.randint(15, 70)) / 100
            executions.append(
                {
                    **scope,
                    **stamp,
                    **who,
                    "budget_id": budget,
                    "item": item,
                    "month": MONTH,
                    "amount": executed,
                }
            )
            rows[province] += 1
    await _insert(session, FundBudgetLine, lines)
    await _insert(session, IndicatorActual, actuals)
    await _insert(session, BudgetExecution, executions)
    return rows


async def in_force(session: AsyncSession, provinces: set[str]) -> None:
    """The goals of `provinces` in force (issued), the others drafts (not evaluated)."""
    within = or_(*(col(Region.path).startswith(f"/{p}/") for p in provinces))
    regions = select(Region.id).where(within)
    connection = await session.connection()
    await connection.execute(update(Goal).values(status=GoalStatus.DRAFT))
    await connection.execute(
        update(Goal).where(col(Goal.region_id).in_(regions)).values(status=GoalStatus.ISSUED)
    )
    await session.commit()


async def clear_warnings(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as s:
        connection = await s.connection()
        await connection.execute(delete(Event))
        await connection.execute(delete(MonitoringWarning))
        await s.commit()


async def time_evaluation(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], repeat: int
) -> tuple[float, int, int, int]:
    """Median seconds, scopes evaluated, warnings raised, statements of one evaluation of June."""
    times, scopes, raised, statements = [], 0, 0, 0
    for _ in range(repeat):
        await clear_warnings(sessionmaker)
        with count_statements(engine) as counter:
            started = time.perf_counter()
            async with sessionmaker() as s:
                evaluations = await evaluate_period(session=s, year=YEAR, month=MONTH, today=TODAY)
                await s.commit()
            times.append(time.perf_counter() - started)
        scopes, raised = len(evaluations), sum(len(e.raised) for e in evaluations)
        statements = counter.count
    return statistics.median(times), scopes, raised, statements


async def time_dashboard(
    engine: AsyncEngine, client: httpx.AsyncClient, code: str, repeat: int
) -> tuple[float, int]:
    """Median seconds and statements of one dashboard of `code`."""
    times, counts = [], []
    for _ in range(repeat + 1):  # the first a warm-up
        with count_statements(engine) as counter:
            started = time.perf_counter()
            response = await client.post("/graphql", json={"query": DASHBOARD, "variables": {"region": code}})
            times.append(time.perf_counter() - started)
        body = response.json()
        if "errors" in body or not body["data"]["monitoring"].get("funds"):
            raise BenchFailure(f"dashboard of {code}: {body}")
        counts.append(counter.count)
    if len(set(counts)) != 1:
        raise BenchFailure(f"dashboard of {code}: statements vary between runs {counts}")
    return statistics.median(times[1:]), counts[0]


async def reader_token(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> str:
    async with sessionmaker() as s:
        org = Organization(name="基准测试管理员", actor_type=ActorType.FINANCE, region_id=1)
        s.add(org)
        await s.flush()
        user = User(username="bench_admin", full_name="基准测试", organization_id=org.id or 0, is_admin=True)
        s.add(user)
        await s.commit()
        return issue_access_token(user.id or 0, ttl=timedelta(hours=6), secret_key=settings.SECRET_KEY)


async def run(database_url: str | None, repeat: int) -> None:
    async with fresh_database(database_url) as (engine, url):
        sessionmaker = create_sessionmaker(engine)
        print(f"[{engine.dialect.name}] building the national data set …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        async with sessionmaker() as s:
            national = await build_national(s, YEAR)
            rows = await build_monitoring(s)
            await s.commit()
        if engine.dialect.name == "postgresql":
            async with engine.begin() as conn:
                await conn.execute(text("ANALYZE"))
        built = f"{national.goals} goals, {national.indicators} indicators, {sum(rows.values())} rows"
        print(f"  built in {time.perf_counter() - started:.0f} s: {built}", file=sys.stderr)
        provinces = sorted(rows)
        tune_gc_for_serving()  # as `fundperf serve` does: the data set's objects out of the collector's way
        print(f"\n{environment()}; database {engine.dialect.name}; median of {repeat} runs\n")
        print("Evaluating June (lights and warnings, every pooling region × fund whose period ends):")
        for chosen in (provinces[:SMALL_PROVINCES], provinces):
            async with sessionmaker() as s:
                await in_force(s, set(chosen))
            seconds, scopes, raised, statements = await time_evaluation(engine, sessionmaker, repeat)
            read = sum(rows[p] for p in chosen)
            print(
                f"  {len(chosen):2d} provinces: {scopes:5d} scopes, {read:6d} rows read, {raised:5d} warnings"
                f" raised, {statements:4d} statements, {seconds:6.2f} s → {read / seconds:8,.0f} rows/s"
            )
        settings = Settings(DATABASE_URL=url)
        token = await reader_token(sessionmaker, settings)
        app = create_app(settings, engine=engine)
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {token}"}
        print(
            "\nThe province dashboard (`monitoring(regionCode, 2026, 6)`, every fund), as an administrator:"
        )
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers=headers, timeout=600
        ) as client:
            for code in ("640000", "510000"):
                seconds, statements = await time_dashboard(engine, client, code, repeat)
                read = rows[code]
                print(
                    f"  {code}: {read:6d} rows read, {statements} statements, {seconds * 1000:7.1f} ms "
                    f"→ {read / seconds:8,.0f} rows/s"
                )
        await app.state.jobs.aclose()
        for measure in MEASURES:
            print(await measure(engine, sessionmaker))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.monitoring", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL URL; default: a temporary SQLite file"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement")
    args = parser.parse_args(argv)
    try:
        asyncio.run(run(args.database_url, max(1, args.repeat)))
    except BenchFailure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        raise SystemExit(1) from failure


if __name__ == "__main__":
    main()
