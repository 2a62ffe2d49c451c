"""Report jobs through the real app: request, run in-process after commit, poll, download, dedupe, failures
and visibility (batches: test_batches.py)."""

import asyncio
import hashlib
import io
import shutil
import subprocess
import threading
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from docx import Document
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette

from src.app import create_app
from src.models import AuditEvent, Goal, ReportJob
from src.models.enums import ActorType, Administration, GoalStatus
from src.models.report import ReportJobStatus
from src.reports import jobs
from src.reports.jobs.requesting import _insert_or_live
from src.reports.pdf import soffice_path
from src.reports.runner import JobRunner
from src.reports.storage import LocalStorage, check_key, report_key
from src.seed.reference import load_reference_data
from src.services import audit
from src.services.actors import load_actor
from src.settings import Settings
from tests.conftest import make_settings, require_service
from tests.factories import make_budget, make_goal
from tests.schema.conftest import GraphQLClient

MED = Administration.MEDICAL_SECURITY
DEADLINE_SECONDS = 30

REQUEST = """
mutation($input: ReportRequestInput!) {
  reportRequest(input: $input) {
    __typename
    ... on ReportRequestSuccess { job { id status progressTotal } }
    ... on ValidationError { code fields { field code message } }
    ... on NotFoundError { code entity key }
    ... on PreconditionFailedError { code message }
    ... on ConflictError { code message }
  }
}
"""
JOB = """
query($id: ID!) {
  reportJob(id: $id) {
    __typename
    ... on ReportJob {
      id kind kindLabel format status statusLabel fileName sizeBytes sha256 pages error attempts
      progressDone progressTotal createdAt startedAt finishedAt downloadUrl year
      goal { id } fundType { code } region { code }
      children { id status goal { id region { code } } downloadUrl }
    }
    ... on NotFoundError { code }
  }
}
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(STORAGE_DIR=tmp_path / "storage")


@pytest.fixture
async def app(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> AsyncIterator[Starlette]:
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        await session.commit()
    app = create_app(settings, engine=engine)
    runner: JobRunner = app.state.jobs
    yield app
    await runner.aclose()  # what the app's lifespan does on shutdown
    if isinstance(app.state.jobs, JobRunner):  # a test put in its own
        await app.state.jobs.aclose()


@pytest.fixture
async def gql(
    app: Starlette, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        gql = GraphQLClient(client, sessionmaker, settings)
        await gql.login_as()  # the provincial finance department, like the schema tests' client
        yield gql


async def goal_in(
    sessionmaker: async_sessionmaker[AsyncSession],
    region_code: str = "510100",
    status: GoalStatus = GoalStatus.DRAFT,
    **options: Any,
) -> int:
    async with sessionmaker() as session:
        goal = await make_goal(session, region_code=region_code, status=status, **options)
        await session.commit()
        assert goal.id is not None
        return goal.id


async def request(gql: GraphQLClient, **input: Any) -> dict[str, Any]:
    data = await gql.data(REQUEST, {"input": {"kind": "GOAL_TABLE", **input}})
    result: dict[str, Any] = data["reportRequest"]
    return result


async def requested_job(gql: GraphQLClient, **input: Any) -> str:
    result = await request(gql, **input)
    assert result["__typename"] == "ReportRequestSuccess", result
    job_id: str = result["job"]["id"]
    return job_id


async def finished(gql: GraphQLClient, job_id: str, seconds: float = DEADLINE_SECONDS) -> dict[str, Any]:
    """Polls reportJob until the job has ended (or the deadline passes)."""
    async with asyncio.timeout(seconds):
        while True:
            job: dict[str, Any] = (await gql.data(JOB, {"id": job_id}))["reportJob"]
            if job["status"] in ("SUCCEEDED", "FAILED"):
                return job
            await asyncio.sleep(0.02)  # a poll interval, not a wait for the job


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


async def job_rows(sessionmaker: async_sessionmaker[AsyncSession]) -> list[ReportJob]:
    async with sessionmaker() as session:
        return list((await session.exec(select(ReportJob).order_by(col(ReportJob.id)))).all())


def stored_files(settings: Settings) -> list[Path]:
    root = settings.STORAGE_DIR
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


class RecordingRunner:
    """Keeps what it is given instead of running it: the test runs the jobs when it chooses, as the app's
    runner would (its renderer and storage), or with another renderer."""

    def __init__(self, real: JobRunner) -> None:
        self.real = real
        self.submitted: list[int] = []

    async def submit(self, job_ids: list[int]) -> None:
        self.submitted.extend(job_ids)

    async def run(self, renderer: jobs.Renderer | None = None) -> None:
        for job_id in self.submitted:
            await jobs.run_job(
                sessionmaker=self.real.sessionmaker,
                renderer=renderer or self.real.renderer,
                storage=self.real.storage,
                pdf=self.real.pdf,
                job_id=job_id,
            )


def hold_jobs(app: Starlette) -> RecordingRunner:
    runner = RecordingRunner(app.state.jobs)
    app.state.jobs = runner
    return runner


# --- one goal ----------------------------------------------------------------------------------------


async def test_request_run_and_download_a_goal_table(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    goal_id = await goal_in(sessionmaker, indicators=3)
    async with sessionmaker() as session:
        await make_budget(session, region_code="510100")
        await session.commit()
    user = await gql.login_as(ActorType.AGENCY, "510100", MED)

    result = await request(gql, goalId=str(goal_id))
    assert result["__typename"] == "ReportRequestSuccess"
    assert result["job"]["progressTotal"] == 1
    job = await finished(gql, result["job"]["id"])

    assert job["status"] == "SUCCEEDED" and job["statusLabel"] == "已完成", job
    assert job["kind"] == "GOAL_TABLE" and job["kindLabel"] == "绩效目标表" and job["format"] == "DOCX"
    assert job["goal"] == {"id": str(goal_id)} and job["region"] == {"code": "510100"}
    assert job["fileName"].endswith(".docx") and "成都市" in job["fileName"]
    assert job["attempts"] == 1 and (job["progressDone"], job["progressTotal"]) == (1, 1)
    assert job["error"] is None and job["pages"] is None and job["children"] == []
    times = [datetime.fromisoformat(job[k]) for k in ("createdAt", "startedAt", "finishedAt")]
    assert times == sorted(times)
    assert job["downloadUrl"] == f"/files/{job['id']}"

    response = await gql.http.get(job["downloadUrl"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    data = response.content
    assert len(data) == job["sizeBytes"] and hashlib.sha256(data).hexdigest() == job["sha256"]
    text = docx_text(data)
    assert "成都市" in text and "指标1" in text and "指标3" in text

    [stored] = stored_files(settings)
    assert stored.relative_to(settings.STORAGE_DIR).as_posix() == report_key(
        int(job["id"]), job["sha256"], "docx"
    )
    [row] = await job_rows(sessionmaker)
    assert row.requested_by_id == user.id and row.organization_id == user.organization_id
    async with sessionmaker() as session:
        audited = (
            await session.exec(select(AuditEvent).where(AuditEvent.operation == "reportRequest"))
        ).one()
    assert audited.target_type == "ReportJob" and audited.target_id == row.id


async def test_the_same_request_gets_the_same_job_until_the_goal_changes(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal_id = await goal_in(sessionmaker)
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    first = await requested_job(gql, goalId=str(goal_id))
    assert await requested_job(gql, goalId=str(goal_id)) == first  # while queued or running
    await finished(gql, first)
    assert await requested_job(gql, goalId=str(goal_id)) == first  # done: the stored document

    # Another user of the same organization sees the same: it shares the job.
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    assert await requested_job(gql, goalId=str(goal_id)) == first

    async with sessionmaker() as session:
        row_version = (await session.get_one(Goal, goal_id)).row_version
    changed = await gql.data(
        "mutation($input: GoalUpdateInput!) { goalUpdate(input: $input) { __typename } }",
        {
            "input": {
                "id": str(goal_id),
                "rowVersion": row_version,
                "title": "成都市职工医保 2026 年度目标（修订）",
            }
        },
    )
    assert changed["goalUpdate"]["__typename"] == "GoalSuccess"
    second = await requested_job(gql, goalId=str(goal_id))
    assert second != first
    job = await finished(gql, second)
    assert job["status"] == "SUCCEEDED"
    assert len(await job_rows(sessionmaker)) == 2


async def test_requests_at_the_same_moment_share_one_job(
    gql: GraphQLClient, app: Starlette, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal_id = await goal_in(sessionmaker)
    hold_jobs(app)
    results = await asyncio.gather(*(request(gql, goalId=str(goal_id)) for _ in range(4)))
    # On SQLite a writer that lost the database lock is told to retry; the others get the one job.
    done = [r for r in results if r["__typename"] == "ReportRequestSuccess"]
    assert done and all(r["code"] == "DATABASE_BUSY" for r in results if r not in done), results
    assert len({r["job"]["id"] for r in done}) == 1
    assert len([j for j in await job_rows(sessionmaker) if j.subject_id == goal_id]) == 1


async def test_a_request_that_lost_the_race_returns_the_winners_job(
    gql: GraphQLClient, app: Starlette, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # The window between "no live job for this fingerprint" and the insert: another request's job was
    # committed in it. The index refuses the second; the loser's savepoint goes and it returns the winner.
    goal_id = await goal_in(sessionmaker)
    hold_jobs(app)
    first = int(await requested_job(gql, goalId=str(goal_id)))
    async with sessionmaker() as session:
        winner = await session.get_one(ReportJob, first)
        actor = await load_actor(session=session, user_id=winner.requested_by_id)
        assert actor is not None
        loser = ReportJob(**winner.model_dump(include={"kind", "format", "subject_type", "subject_id",
                          "fund_type_id", "region_id", "requested_by_id", "organization_id",
                          "fingerprint"}))  # fmt: skip
        insert = partial(audit.created, session=session, actor=actor, operation="reportRequest", row=loser)
        got = await _insert_or_live(session, winner.fingerprint, insert, loser)
        assert got.id == first
        await session.commit()
    assert [j.id for j in await job_rows(sessionmaker)] == [first]


async def test_the_database_keeps_one_live_job_per_request(
    gql: GraphQLClient, app: Starlette, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal_id = await goal_in(sessionmaker)
    hold_jobs(app)
    first = int(await requested_job(gql, goalId=str(goal_id)))
    fields = {
        *("kind", "format", "subject_type", "subject_id"),
        *("requested_by_id", "organization_id", "fingerprint"),
    }
    async with sessionmaker() as session:
        winner = await session.get_one(ReportJob, first)
        copy = winner.model_dump(include=fields)
        session.add(ReportJob(**copy))
        with pytest.raises(IntegrityError):
            await session.commit()
    async with sessionmaker() as session:  # a failed one, or a batch's child, may share the fingerprint
        session.add(ReportJob(**copy, status=ReportJobStatus.FAILED))
        session.add(ReportJob(**copy, parent_id=first))
        await session.commit()
    assert len(await job_rows(sessionmaker)) == 3


async def test_a_user_who_may_not_read_the_goal_gets_not_found_and_no_job(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal_id = await goal_in(sessionmaker)  # a draft of 成都市's medical fund
    for actor_type, region, administration in (
        (ActorType.FINANCE, "511800", None),  # a sibling prefecture
        (ActorType.HRSS, "510100", Administration.HRSS),  # the other administration
        (ActorType.FINANCE, "510104", None),  # a county below: not the prefecture's draft
    ):
        await gql.login_as(actor_type, region, administration)
        result = await request(gql, goalId=str(goal_id))
        assert result == {
            "__typename": "NotFoundError",
            "code": "NOT_FOUND",
            "entity": "绩效目标",
            "key": str(goal_id),
        }
    unknown = await request(gql, goalId="999999")
    assert unknown["__typename"] == "NotFoundError"
    assert await job_rows(sessionmaker) == []


async def test_a_job_is_seen_only_by_who_may_read_its_goal(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    chengdu = await goal_in(sessionmaker, "510100")
    yaan = await goal_in(sessionmaker, "511800")
    await gql.login_as(ActorType.FINANCE, "510000")  # the province sees both
    chengdu_job = await requested_job(gql, goalId=str(chengdu))
    yaan_job = await requested_job(gql, goalId=str(yaan))
    await finished(gql, chengdu_job)
    await finished(gql, yaan_job)

    listing = "query($f: ReportJobFilter) { reportJobs(filter: $f) { totalCount nodes { id } } }"
    both = await gql.data(listing)
    assert [n["id"] for n in both["reportJobs"]["nodes"]] == [chengdu_job, yaan_job]

    await gql.login_as(ActorType.FINANCE, "511800")
    mine = await gql.data(listing, {"f": {"status": ["SUCCEEDED"], "kind": "GOAL_TABLE"}})
    assert mine["reportJobs"] == {"totalCount": 1, "nodes": [{"id": yaan_job}]}
    assert (await gql.data(listing, {"f": {"status": ["FAILED"]}}))["reportJobs"]["totalCount"] == 0
    hidden = await gql.data(JOB, {"id": chengdu_job})
    assert hidden["reportJob"] == {"__typename": "NotFoundError", "code": "NOT_FOUND"}
    response = await gql.http.get(f"/files/{chengdu_job}")
    assert response.status_code == 404
    assert (await gql.http.get(f"/files/{yaan_job}")).status_code == 200


# --- refusals ----------------------------------------------------------------------------------------


async def test_a_request_names_exactly_one_scope(gql: GraphQLClient) -> None:
    both = await request(gql, goalId="1", year=2026)
    assert both["__typename"] == "ValidationError"
    assert [(f["field"], f["code"]) for f in both["fields"]] == [("input.year", "INVALID")]
    neither = await request(gql, fundTypeCode="EMPLOYEE_MEDICAL")
    assert [(f["field"], f["code"]) for f in neither["fields"]] == [
        ("input.year", "REQUIRED"),
        ("input.regionCode", "REQUIRED"),
    ]
    unknown = await request(gql, fundTypeCode="NOPE", year=2026, regionCode="999999")
    assert [(f["field"], f["code"]) for f in unknown["fields"]] == [
        ("input.fundTypeCode", "NOT_FOUND"),
        ("input.regionCode", "NOT_FOUND"),
    ]
    empty = await request(gql, fundTypeCode="EMPLOYEE_MEDICAL", year=2026, regionCode="510000")
    assert [(f["field"], f["code"]) for f in empty["fields"]] == [("input.regionCode", "NOT_FOUND")]


async def test_a_pdf_job_converts_with_libreoffice(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    if soffice_path() is None or shutil.which("pdftotext") is None:
        require_service("LibreOffice (soffice) and pdftotext", FileNotFoundError("soffice"))
    goal_id = await goal_in(sessionmaker, indicators=3)
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    result = await request(gql, goalId=str(goal_id), format="PDF")
    job = await finished(gql, result["job"]["id"], seconds=120)
    assert job["status"] == "SUCCEEDED" and job["fileName"].endswith(".pdf") and job["pages"] >= 1, job
    response = await gql.http.get(job["downloadUrl"])
    assert response.headers["content-type"] == "application/pdf"
    text = await asyncio.to_thread(
        subprocess.run, ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    )
    flat = "".join(text.stdout.decode().split())
    assert "成都市" in flat and "指标1" in flat and "指标3" in flat


async def test_pdf_without_libreoffice_is_refused_with_the_reason(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    goal_id = await goal_in(sessionmaker)
    monkeypatch.setenv("PATH", "/nonexistent")  # no soffice on it
    result = await request(gql, goalId=str(goal_id), format="PDF")
    assert result["__typename"] == "PreconditionFailedError"
    assert "LibreOffice" in result["message"] and "DOCX" in result["message"]
    assert await job_rows(sessionmaker) == []


async def test_not_logged_in_is_refused(gql: GraphQLClient) -> None:
    gql.logout()
    body = await gql.query(REQUEST, {"input": {"kind": "GOAL_TABLE", "goalId": "1"}})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# --- failures and running ----------------------------------------------------------------------------


async def test_a_goal_deleted_before_the_run_fails_the_job_with_a_message(
    app: Starlette, gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal_id = await goal_in(sessionmaker)
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    runner = hold_jobs(app)
    job_id = await requested_job(gql, goalId=str(goal_id))
    assert runner.submitted == [int(job_id)]
    async with sessionmaker() as session:
        row_version = (await session.get_one(Goal, goal_id)).row_version
    deleted = await gql.data(
        "mutation($id: ID!, $v: Int!) { goalDelete(id: $id, rowVersion: $v) { __typename } }",
        {"id": str(goal_id), "v": row_version},
    )
    assert deleted["goalDelete"]["__typename"] == "GoalDeleteSuccess"  # the job does not hold it back

    await runner.run()
    job = await finished(gql, job_id)  # the requester still sees its job
    assert job["status"] == "FAILED" and job["error"] == jobs.message_subject_deleted("绩效目标")
    assert job["goal"] is None and job["attempts"] == 1 and job["downloadUrl"] is None
    assert (await gql.http.get(f"/files/{job_id}")).status_code == 404
    await gql.login_as(ActorType.AGENCY, "510100", MED)  # a colleague does not: there is no goal to read
    assert (await gql.data(JOB, {"id": job_id}))["reportJob"]["__typename"] == "NotFoundError"


async def test_a_requester_who_lost_sight_of_the_goal_gets_a_failed_job(
    app: Starlette, gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """The document is built as the requester: a goal it can no longer read is not rendered for it."""
    goal_id = await goal_in(sessionmaker, "510000", GoalStatus.ISSUED)
    await gql.login_as(ActorType.FINANCE, "510100")  # reads the province's goal because it is not a draft
    runner = hold_jobs(app)
    job_id = await requested_job(gql, goalId=str(goal_id))
    async with sessionmaker() as session:
        await session.exec(update(Goal).where(col(Goal.id) == goal_id).values(status=GoalStatus.RETURNED))
        await session.commit()
    await runner.run()
    async with sessionmaker() as session:
        job = await session.get_one(ReportJob, int(job_id))
    assert job.status == ReportJobStatus.FAILED and job.error == jobs.message_subject_unreadable("绩效目标")


async def test_a_job_runs_once_and_a_rerun_keeps_one_file(
    app: Starlette, gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    goal_id = await goal_in(sessionmaker)
    runner = hold_jobs(app)
    job_id = int(await requested_job(gql, goalId=str(goal_id)))
    await runner.run()
    await runner.run()  # submitted twice: the second finds it done and leaves it
    async with sessionmaker() as session:
        first = await session.get_one(ReportJob, job_id)
    assert first.status == ReportJobStatus.SUCCEEDED and first.attempts == 1
    # A retry (as a queue does after a lost worker): the job runs again and its earlier file goes.
    async with sessionmaker() as session:
        await session.exec(
            update(ReportJob).where(col(ReportJob.id) == job_id).values(status=ReportJobStatus.QUEUED)
        )
        await session.commit()
    await runner.run()
    async with sessionmaker() as session:
        again = await session.get_one(ReportJob, job_id)
    assert again.status == ReportJobStatus.SUCCEEDED and again.attempts == 2
    [stored] = stored_files(settings)
    assert stored.relative_to(settings.STORAGE_DIR).as_posix() == again.storage_key


async def test_shutdown_cancels_a_job_that_does_not_finish_and_marks_it_failed(
    app: Starlette, gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    release = threading.Event()
    started = asyncio.Event()
    loop = asyncio.get_running_loop()

    class Stuck:
        def render(self, kind: str, context: Mapping[str, Any]) -> bytes:
            loop.call_soon_threadsafe(started.set)
            release.wait(DEADLINE_SECONDS)
            return b""

    real: JobRunner = app.state.jobs
    app.state.jobs = JobRunner(
        sessionmaker=real.sessionmaker, renderer=Stuck(), storage=real.storage, pdf=real.pdf
    )
    goal_id = await goal_in(sessionmaker)
    job_id = int(await requested_job(gql, goalId=str(goal_id)))
    async with asyncio.timeout(DEADLINE_SECONDS):
        await started.wait()
    try:
        await app.state.jobs.aclose(grace_seconds=0.01)
    finally:
        release.set()
    async with sessionmaker() as session:
        job = await session.get_one(ReportJob, job_id)
    assert job.status == ReportJobStatus.FAILED and job.error == jobs.MESSAGE_INTERRUPTED
    await app.state.jobs.submit([job_id])  # closed: nothing more starts
    assert app.state.jobs.running == 0


# --- storage -----------------------------------------------------------------------------------------


async def test_local_storage_writes_atomically_and_refuses_paths_outside(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    key = report_key(7, "ab" * 32, "docx")
    await storage.put(key, b"first")
    await storage.put(key, b"second")
    chunks = [chunk async for chunk in await storage.open(key)]
    assert b"".join(chunks) == b"second"
    assert [p.name for p in (tmp_path / "reports" / "7").iterdir()] == [f"{'ab' * 32}.docx"]  # no temp left
    await storage.delete(key)
    await storage.delete(key)  # already gone: nothing happens
    for bad in ("../etc/passwd", "/abs", "reports//x", "reports/../x", "reports/.hidden", ""):
        with pytest.raises(ValueError):
            check_key(bad)
