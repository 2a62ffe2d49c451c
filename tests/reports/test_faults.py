"""The fault cases of report jobs (issue 9, point 7), with a real Redis and real `fundperf worker` processes:
a worker killed mid-job (kill -9) leaves its job to run again elsewhere, keeping one file; a job stuck
RUNNING past its time limit is queued again, or failed after the last attempt; a batch whose worker died
goes on from where it was, its documents done kept and the one that had its last attempt failed;
the worker refuses to start without REDIS_URL."""

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.cli import ROOT
from src.models.base import utcnow
from src.models.enums import ActorType
from src.models.report import ReportJob, ReportJobStatus
from src.reports.pdf import soffice_path
from src.reports.queue import MAX_ATTEMPTS, MESSAGE_GAVE_UP, ArqSubmitter, arq_job_id, sweep
from tests.conftest import PG_SCHEMA, require_service
from tests.reports.test_jobs import MED, goal_in, job_rows, request, requested_job
from tests.reports.test_worker import UNREACHABLE, client_for, run_worker, worker_settings

# arq lets another worker take the job of a worker that died once its lease ends: the job timeout + 10 s
# after the job started. Small, so the test waits ~18 s; roomy enough for a PDF (LibreOffice takes ~2 s).
JOB_TIMEOUT_SECONDS = 8
DEADLINE_SECONDS = 120
NEEDS_PROC = pytest.mark.skipif(
    not Path("/proc/self/task").exists(), reason="finds the worker's LibreOffice processes in Linux /proc"
)


def worker_database_url(engine: AsyncEngine) -> str:
    """The test database as DATABASE_URL for a worker process: SQLite's file, or PostgreSQL with the test
    session's schema. asyncpg takes the parameters of a DSN it does not know as server settings, and
    SQLAlchemy hands the URL's query to asyncpg: `?dsn=postgresql://?search_path=<schema>` does for the
    process what the test engine's connect_args do."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        url = url.update_query_dict({"dsn": f"postgresql://?search_path={PG_SCHEMA}"})
    return url.render_as_string(hide_password=False)


def worker_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of a `fundperf worker` run in `tmp_path` (no `.env` of a checkout applies there):
    temporary files (LibreOffice's profile and work directories) stay under `tmp_path` too."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    python_path = [str(ROOT), *filter(None, [env.get("PYTHONPATH")])]
    return {
        **env,
        "PYTHONPATH": os.pathsep.join(python_path),
        "STORAGE_DIR": str(tmp_path / "storage"),
        "TMPDIR": str(tmp_path),
        # No overdue noticing: these workers are here for their report jobs alone.
        "DEADLINE_CHECK_MINUTES": "0",
        **settings,
    }


def child_processes(pid: int) -> list[int]:
    """The processes `pid` started (of any of its threads)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with suppress(FileNotFoundError, ProcessLookupError):  # a thread that just ended
            children.extend(int(child) for child in (task / "children").read_text().split())
    return children


def kill_groups(pids: list[int]) -> None:
    """SIGKILL each process's group: a worker started in a session of its own, and the LibreOffice it
    started (in a session of its own too, src/reports/pdf.py), which would outlive it."""
    for pid in pids:
        with suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)


@contextmanager
def worker_process(env: Mapping[str, str], cwd: Path, log: Path) -> Iterator["subprocess.Popen[bytes]"]:
    """`fundperf worker` as a process (its output in `log`); stopped, with what it started, at the end."""
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "src.cli", "worker"],
            env=dict(env),
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield worker
        finally:
            started = child_processes(worker.pid) if worker.poll() is None else []
            worker.terminate()  # arq stops on SIGTERM
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                kill_groups([worker.pid])
                worker.wait(timeout=30)
            kill_groups(started)


def log_text(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-4000:]


async def job_status(sessionmaker: async_sessionmaker[AsyncSession], job_id: int) -> ReportJob:
    async with sessionmaker() as session:
        return await session.get_one(ReportJob, job_id)


async def converting(
    sessionmaker: async_sessionmaker[AsyncSession], job_id: int, worker: "subprocess.Popen[bytes]", log: Path
) -> list[int]:
    """Waits until the worker has claimed the job (RUNNING) and is converting it with LibreOffice; returns
    the LibreOffice processes."""
    async with asyncio.timeout(DEADLINE_SECONDS):
        while True:
            assert worker.poll() is None, f"the worker exited:\n{log_text(log)}"
            job = await job_status(sessionmaker, job_id)
            assert job.status in (ReportJobStatus.QUEUED, ReportJobStatus.RUNNING), (job.error, log_text(log))
            soffice = child_processes(worker.pid)
            if job.status == ReportJobStatus.RUNNING and soffice:
                return soffice
            await asyncio.sleep(0.05)  # a poll interval, not a wait for the job


async def ended(sessionmaker: async_sessionmaker[AsyncSession], job_id: int, log: Path) -> ReportJob:
    async with asyncio.timeout(DEADLINE_SECONDS):
        while True:
            job = await job_status(sessionmaker, job_id)
            if job.status in (ReportJobStatus.SUCCEEDED, ReportJobStatus.FAILED):
                return job
            await asyncio.sleep(0.2)


@NEEDS_PROC
async def test_a_worker_killed_mid_job_leaves_it_to_run_again_and_one_file_is_kept(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
) -> None:
    if soffice_path() is None:  # a PDF job: LibreOffice takes long enough to be killed mid-job
        require_service("LibreOffice (soffice)", FileNotFoundError("soffice"))
    goal_id = await goal_in(sessionmaker, indicators=3)
    async with client_for(engine, sessionmaker, worker_settings(tmp_path, redis_url)) as gql:
        await gql.login_as(ActorType.AGENCY, "510100", MED)
        job_id = int((await request(gql, goalId=str(goal_id), format="PDF"))["job"]["id"])
    env = worker_env(
        tmp_path,
        DATABASE_URL=worker_database_url(engine),
        REDIS_URL=redis_url,
        REPORT_JOB_TIMEOUT_SECONDS=str(JOB_TIMEOUT_SECONDS),
    )

    first_log = tmp_path / "worker-1.log"
    with worker_process(env, tmp_path, first_log) as first:
        soffice = await converting(sessionmaker, job_id, first, first_log)
        kill_groups([first.pid])  # kill -9, first the worker: it must not see LibreOffice die
        kill_groups(soffice)
        assert first.wait(timeout=30) == -signal.SIGKILL
    job = await job_status(sessionmaker, job_id)
    assert job.status == ReportJobStatus.RUNNING and job.attempts == 1  # what the dead worker left
    reports = tmp_path / "storage" / "reports"
    assert not reports.exists() or not any(reports.rglob("*.pdf"))

    second_log = tmp_path / "worker-2.log"
    with worker_process(env, tmp_path, second_log):
        job = await ended(sessionmaker, job_id, second_log)
    assert job.status == ReportJobStatus.SUCCEEDED, (job.error, log_text(second_log))
    assert job.attempts == 2
    files = [p for p in (tmp_path / "storage").rglob("*") if p.is_file()]
    assert [p.relative_to(tmp_path / "storage").as_posix() for p in files] == [job.storage_key]
    assert files[0].parent == reports / str(job_id) and files[0].suffix == ".pdf"


async def test_a_job_stuck_running_past_its_time_limit_is_queued_again_or_failed(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
) -> None:
    await goal_in(sessionmaker, "510100")
    await goal_in(sessionmaker, "510104")
    await goal_in(sessionmaker, "510105")
    other_fund = await goal_in(sessionmaker, "510100", fund_code="WORK_INJURY")
    async with client_for(engine, sessionmaker, worker_settings(tmp_path, UNREACHABLE)) as gql:
        await gql.login_as(ActorType.FINANCE, "510100")  # nothing is enqueued: the jobs stay QUEUED
        batch = {"fundTypeCode": "EMPLOYEE_MEDICAL", "year": 2026, "regionCode": "510100"}
        parent_id = int(await requested_job(gql, **batch, includeDrafts=True))
        recent_id = int(await requested_job(gql, goalId=str(other_fund)))
    [parent, again, given_up, waiting] = [j for j in await job_rows(sessionmaker) if j.id != recent_id]
    assert parent.id == parent_id and {again.parent_id, given_up.parent_id, waiting.parent_id} == {parent_id}
    assert again.id and given_up.id and waiting.id

    # What a worker that died mid-batch left behind: the batch RUNNING for 10 minutes with two of its
    # documents (one on its first attempt, one on its last), the third still queued; another job RUNNING
    # for 30 seconds.
    now = utcnow()
    long_ago = now - timedelta(minutes=10)
    for job_id, attempts, started_at in (
        (parent_id, 1, long_ago),
        (again.id, 1, long_ago),
        (given_up.id, MAX_ATTEMPTS, long_ago),
        (recent_id, 1, now - timedelta(seconds=30)),
    ):
        async with sessionmaker() as session:
            await session.exec(
                update(ReportJob)
                .where(col(ReportJob.id) == job_id)
                .values(status=ReportJobStatus.RUNNING, attempts=attempts, started_at=started_at)
            )
            await session.commit()

    submitter = ArqSubmitter(redis_url)
    try:
        enqueued = await sweep(
            sessionmaker=sessionmaker, submitter=submitter, time_limit=timedelta(minutes=1)
        )
    finally:
        await submitter.aclose()

    assert enqueued == [parent_id]  # at once, not QUEUED_GRACE later; the batch runs its documents
    async with Redis.from_url(redis_url) as redis:
        assert await redis.zrange("arq:queue", 0, -1) == [arq_job_id(parent_id).encode()]
    queued = await job_status(sessionmaker, parent_id)
    assert queued.status == ReportJobStatus.QUEUED and queued.attempts == 1
    assert (queued.progress_done, queued.progress_total) == (1, 3)  # the one that gave up is counted
    child = await job_status(sessionmaker, again.id)
    assert child.status == ReportJobStatus.QUEUED and child.attempts == 1 and child.error is None
    failed = await job_status(sessionmaker, given_up.id)
    assert failed.status == ReportJobStatus.FAILED and failed.error == MESSAGE_GAVE_UP
    assert failed.finished_at is not None and failed.attempts == MAX_ATTEMPTS
    recent = await job_status(sessionmaker, recent_id)
    assert recent.status == ReportJobStatus.RUNNING and recent.attempts == 1  # within its time limit

    # A worker runs the batch again: the documents left, not the one that gave up; it ends FAILED, counting
    # that one, with the archive of the two made.
    await run_worker(worker_settings(tmp_path, redis_url), engine)
    for job_id in (again.id, waiting.id):
        done = await job_status(sessionmaker, job_id)
        assert done.status == ReportJobStatus.SUCCEEDED, done.error
    assert (await job_status(sessionmaker, again.id)).attempts == 2
    assert (await job_status(sessionmaker, given_up.id)).status == ReportJobStatus.FAILED
    parent = await job_status(sessionmaker, parent_id)
    assert parent.status == ReportJobStatus.FAILED and (parent.progress_done, parent.progress_total) == (3, 3)
    assert parent.error == "1 份文档未能生成，详见各子任务" and parent.attempts == 2
    assert parent.storage_key is not None and parent.file_name and parent.file_name.endswith("（3份）.zip")


def test_the_worker_refuses_to_start_without_redis_url(tmp_path: Path) -> None:
    env = worker_env(tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'worker.db'}")
    assert "REDIS_URL" not in env
    done = subprocess.run(
        [sys.executable, "-m", "src.cli", "worker"],
        env=env,
        cwd=tmp_path,  # no `.env` here to set it either
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS,
    )
    assert done.returncode != 0
    assert done.stderr.strip() == (
        "fundperf worker needs REDIS_URL (without it the server renders in-process)"
    ), done.stderr
    assert not (tmp_path / "worker.db").exists()  # it stopped before touching anything
