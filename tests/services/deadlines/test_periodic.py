"""Where overdue deadlines are noticed (src/services/deadlines/periodic.py): with Redis in `fundperf worker`,
an arq cron job (two workers at once announce each item once); without Redis in the server, a task of its
lifespan that runs a round at start-up and then every DEADLINE_CHECK_MINUTES."""

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.app import create_app
from src.db import session_scope
from src.models import DeadlineNotice, Event
from src.models.base import utcnow
from src.reports.worker import REPORT_SLOTS, make_worker
from src.services.deadlines import china_today
from src.services.deadlines.notices import OVERDUE_EVENT, overdue_items
from src.services.deadlines.periodic import CRON_NAME, DeadlineWatch, deadline_cron
from src.settings import Settings
from tests.conftest import make_settings
from tests.reports.test_resilient_worker import running, until
from tests.reports.test_worker import worker_settings
from tests.services.deadlines.scenario import CHENGDU, bodies, goal_in_force

Sessionmaker = async_sessionmaker[AsyncSession]


async def last_years_goal(sessionmaker: Sessionmaker) -> int:
    """成都市's goal of last year, nothing entered: its periods are overdue whatever today is; how many items
    are overdue today (its entries and reports, the compilations)."""
    await bodies(sessionmaker, CHENGDU)
    async with session_scope(sessionmaker) as session:
        await goal_in_force(session, CHENGDU, year=china_today().year - 1)
    async with sessionmaker() as session:
        return len(await overdue_items(session, utcnow()))


async def counts(sessionmaker: Sessionmaker) -> tuple[int, int]:
    async with sessionmaker() as session:
        notices = (await session.exec(select(func.count()).select_from(DeadlineNotice))).one()
        events = (
            await session.exec(select(func.count()).select_from(Event).where(Event.kind == OVERDUE_EVENT))
        ).one()
    return notices, events


def test_the_worker_notices_every_interval_and_at_start() -> None:
    job = deadline_cron(make_settings(DEADLINE_CHECK_MINUTES=15))
    assert (job.name, job.minute, job.second, job.run_at_startup, job.unique) == (
        CRON_NAME,
        {0, 15, 30, 45},
        0,
        True,
        True,
    )
    assert deadline_cron(Settings()).minute == set(range(0, 60, 10))  # every 10 minutes by default


async def test_without_redis_the_server_notices_overdue_deadlines(
    engine: AsyncEngine, sessionmaker: Sessionmaker, reference: None
) -> None:
    overdue = await last_years_goal(sessionmaker)
    assert overdue >= 8  # at least the four periods' entries and reports of last year
    app = create_app(make_settings(DEADLINE_CHECK_MINUTES=10), engine=engine)
    async with app.router.lifespan_context(app):  # as `fundperf serve` starts it
        watch = app.state.deadlines
        assert isinstance(watch, DeadlineWatch) and watch.every_seconds == 600
        await until(lambda: _all_noticed(sessionmaker, overdue))
        assert (await watch.round())["deadlines"] == 0  # announced once
    assert await counts(sessionmaker) == (overdue, overdue)


async def _all_noticed(sessionmaker: Sessionmaker, overdue: int) -> bool:
    return (await counts(sessionmaker))[0] >= overdue


async def test_with_redis_the_server_leaves_it_to_the_worker_and_zero_turns_it_off(
    engine: AsyncEngine, redis_url: str, tmp_path: Path
) -> None:
    app = create_app(make_settings(REDIS_URL=redis_url, DEADLINE_CHECK_MINUTES=10), engine=engine)
    try:
        assert app.state.deadlines is None
    finally:
        await app.state.jobs.aclose()
    assert create_app(make_settings(), engine=engine).state.deadlines is None  # DEADLINE_CHECK_MINUTES=0
    off = make_worker(worker_settings(tmp_path, redis_url), engine=engine, handle_signals=False)
    assert off.cron_jobs == [] and off.max_jobs == REPORT_SLOTS


def test_the_periodic_round_has_a_slot_of_its_own_beside_the_report_jobs(tmp_path: Path) -> None:
    settings = worker_settings(tmp_path, "redis://127.0.0.1:6379/0").model_copy(
        update={"DEADLINE_CHECK_MINUTES": 10}
    )
    worker = make_worker(settings, handle_signals=False)
    assert (len(worker.cron_jobs), worker.max_jobs) == (1, REPORT_SLOTS + 1)


async def test_two_workers_announce_each_overdue_item_once(
    engine: AsyncEngine, sessionmaker: Sessionmaker, reference: None, redis_url: str, tmp_path: Path
) -> None:
    overdue = await last_years_goal(sessionmaker)
    settings = worker_settings(tmp_path, redis_url).model_copy(update={"DEADLINE_CHECK_MINUTES": 10})
    first = make_worker(settings, engine=engine, handle_signals=False)
    second = make_worker(settings, engine=engine, handle_signals=False)
    assert [job.name for job in first.cron_jobs] == [CRON_NAME]
    async with running(first), running(second):
        await until(lambda: _all_noticed(sessionmaker, overdue), seconds=timedelta(minutes=1).total_seconds())
    assert await counts(sessionmaker) == (overdue, overdue)
