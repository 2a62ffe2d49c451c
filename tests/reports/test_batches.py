"""Batches through the real app (issue 18): reportRequest for a fund, year and region, the in-process runner,
real LibreOffice. One soffice call per chunk of documents, counted by the runner's converter; the batch's
ZIP with every document and its manifest through /files; drafts only when asked for; a batch seen only by
who may read every document in it (攀枝花 does not see the province's: not by id, not in lists, not its
events)."""

import asyncio
import csv
import io
import zipfile
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from arq import create_pool
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette

from src.app import create_app
from src.models.enums import ActorType, GoalStatus
from src.models.report import ReportJobStatus
from src.redis_client import arq_redis_settings
from src.reports import jobs
from src.reports.jobs.archive import MANIFEST, MANIFEST_COLUMNS
from src.reports.pdf import PdfConverter, page_count, soffice_path
from src.reports.queue import FUNCTION, arq_job_id
from src.reports.render import Renderer
from src.reports.runner import JobRunner
from src.reports.storage import LocalStorage
from tests.conftest import make_settings, require_service
from tests.reports.test_jobs import (
    JOB,
    docx_text,
    finished,
    goal_in,
    hold_jobs,
    job_rows,
    request,
    requested_job,
)
from tests.reports.test_worker import UNREACHABLE, client_for, run_worker, worker_settings
from tests.schema.conftest import GraphQLClient

MEDICAL = {"fundTypeCode": "EMPLOYEE_MEDICAL", "year": 2026}
PROVINCE = {**MEDICAL, "regionCode": "510000"}
PDF_SECONDS = 180
LISTING = "{ reportJobs(first: 100) { totalCount nodes { id progressTotal } } }"
EVENTS = "{ events(first: 100) { events { subjectType subjectId payload } } }"


@asynccontextmanager
async def served(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path, **overrides: Any
) -> AsyncIterator[tuple[Starlette, GraphQLClient]]:
    """The app (its in-process runner) with `overrides` of its settings, and a client of it."""
    settings = make_settings(STORAGE_DIR=tmp_path / "storage", **overrides)
    app = create_app(settings, engine=engine)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            yield app, GraphQLClient(http, sessionmaker, settings)
    finally:
        if isinstance(app.state.jobs, JobRunner):
            await app.state.jobs.aclose()


def needs_libreoffice() -> None:
    if soffice_path() is None:
        require_service("LibreOffice (soffice)", FileNotFoundError("soffice"))


async def archive(
    gql: GraphQLClient, job: Mapping[str, Any]
) -> tuple[dict[str, bytes], list[dict[str, str]]]:
    """The batch's ZIP through /files: its files by name, and its manifest's rows."""
    response = await gql.http.get(job["downloadUrl"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    assert len(response.content) == job["sizeBytes"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as zipped:
        assert all(info.flag_bits & 0x800 for info in zipped.infolist() if not info.filename.isascii())
        files = {name: zipped.read(name) for name in zipped.namelist()}
    text = files.pop(MANIFEST).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the Chinese
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    return files, rows


async def test_a_batch_takes_drafts_only_when_asked_and_downloads_as_one_zip(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], reference: None, tmp_path: Path
) -> None:
    province = await goal_in(sessionmaker, "510000", GoalStatus.ISSUED)
    chengdu = await goal_in(sessionmaker, "510100", GoalStatus.DRAFT)
    county = await goal_in(sessionmaker, "510104", GoalStatus.SUBMITTED)
    yaan = await goal_in(sessionmaker, "511800", GoalStatus.RETURNED)  # returned: a draft again
    async with served(engine, sessionmaker, tmp_path) as (_, gql):
        await gql.login_as(ActorType.FINANCE, "510000")
        plain = await finished(gql, await requested_job(gql, **PROVINCE))
        assert [int(c["goal"]["id"]) for c in plain["children"]] == [province, county]
        drafts = await finished(gql, await requested_job(gql, **PROVINCE, includeDrafts=True))
        assert drafts["id"] != plain["id"]  # another request: another batch
        assert [int(c["goal"]["id"]) for c in drafts["children"]] == [province, chengdu, county, yaan]
        assert drafts["status"] == "SUCCEEDED" and drafts["fileName"].endswith("绩效目标表（4份）.zip")
        assert drafts["fileName"].startswith("四川省2026年度")

        files, rows = await archive(gql, drafts)
        assert list(rows[0]) == list(MANIFEST_COLUMNS)
        assert [r["对象ID"] for r in rows] == [str(g) for g in (province, chengdu, county, yaan)]
        assert [r["区划代码"] for r in rows] == ["510000", "510100", "510104", "511800"]
        assert {r["状态"] for r in rows} == {"已完成"} and {r["说明"] for r in rows} == {""}
        assert sorted(files) == sorted(r["文件名"] for r in rows)
        assert [r["任务ID"] for r in rows] == [c["id"] for c in drafts["children"]]
        for row in rows:
            assert row["文档标题"] and row["文件名"] == f"{row['文档标题']}.docx"
            assert row["区划"] in row["文档标题"] and row["区划"] in docx_text(files[row["文件名"]])

        # Nothing outside what the requester may read, drafts included: 成都市's own and its county's.
        await gql.login_as(ActorType.FINANCE, "510100")
        mine = await finished(
            gql, await requested_job(gql, **MEDICAL, regionCode="510100", includeDrafts=True)
        )
        assert [int(c["goal"]["id"]) for c in mine["children"]] == [chengdu, county]
        files, rows = await archive(gql, mine)
        assert len(files) == len(rows) == 2
        empty = await request(gql, **MEDICAL, regionCode="511800")  # 雅安市's draft is not 成都市's to read
        assert [(f["field"], f["code"]) for f in empty["fields"]] == [("input.regionCode", "NOT_FOUND")]


async def test_pdfs_of_a_batch_are_converted_one_soffice_call_per_chunk(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], reference: None, tmp_path: Path
) -> None:
    needs_libreoffice()
    regions = ["510000", "510100", "510104", "510105", "510400", "510402", "511800"]
    goals = [await goal_in(sessionmaker, r, GoalStatus.SUBMITTED, indicators=2) for r in regions]
    async with served(engine, sessionmaker, tmp_path, REPORT_BATCH_CHUNK_SIZE=3) as (app, gql):
        runner: JobRunner = app.state.jobs
        await gql.login_as(ActorType.FINANCE, "510000")
        job = await finished(gql, await requested_job(gql, **PROVINCE, format="PDF"), PDF_SECONDS)
        assert job["status"] == "SUCCEEDED", job
        # 7 documents in chunks of 3: three soffice starts, not seven.
        assert (runner.pdf.calls, runner.pdf.documents) == (3, 7)
        assert {c["status"] for c in job["children"]} == {"SUCCEEDED"}
        files, rows = await archive(gql, job)
        assert [r["对象ID"] for r in rows] == [str(g) for g in goals]
        assert len(files) == 7 and all(name.endswith(".pdf") for name in files)
        assert all(data.startswith(b"%PDF") and page_count(data) >= 1 for data in files.values())
        for child in job["children"]:  # each document is downloadable alone too
            single = await gql.http.get(child["downloadUrl"])
            assert single.status_code == 200 and single.headers["content-type"] == "application/pdf"

        # The same request on unchanged data finds the batch: nothing converted again.
        assert await requested_job(gql, **PROVINCE, format="PDF") == job["id"]
        await asyncio.sleep(0.1)
        assert runner.pdf.calls == 3


async def test_a_document_that_fails_fails_alone_and_the_zip_lists_it(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], reference: None, tmp_path: Path
) -> None:
    needs_libreoffice()
    good = [await goal_in(sessionmaker, r, GoalStatus.SUBMITTED) for r in ("510100", "510104")]
    broken = await goal_in(sessionmaker, "510107", GoalStatus.SUBMITTED)
    unrenderable = await goal_in(sessionmaker, "510108", GoalStatus.SUBMITTED)
    async with served(engine, sessionmaker, tmp_path) as (app, gql):
        runner = hold_jobs(app)
        await gql.login_as(ActorType.FINANCE, "510100")
        parent_id = await requested_job(gql, **MEDICAL, regionCode="510100", format="PDF")

        class Faulty:
            """LibreOffice cannot load 武侯区's document; 成华区's cannot be rendered at all."""

            def render(self, kind: str, context: Mapping[str, Any]) -> bytes:
                if context["region"] == "武侯区":
                    return b"PK\x03\x04 not a document"
                if context["region"] == "成华区":
                    raise RuntimeError("模板损坏")
                data: bytes = runner.real.renderer.render(kind, context)
                return data

        await runner.run(Faulty())
        parent = await finished(gql, parent_id, PDF_SECONDS)
        assert parent["status"] == "FAILED" and parent["error"] == "2 份文档未能生成，详见各子任务"
        assert (parent["progressDone"], parent["progressTotal"]) == (4, 4)
        # One call for the chunk of three rendered, one more for the document it left out, alone.
        assert runner.real.pdf.calls == 2
        status = {int(c["goal"]["id"]): c["status"] for c in parent["children"]}
        assert status == {
            good[0]: "SUCCEEDED",
            good[1]: "SUCCEEDED",
            broken: "FAILED",
            unrenderable: "FAILED",
        }
        failed = {int(c["goal"]["id"]): c for c in parent["children"] if c["status"] == "FAILED"}
        assert all(c["downloadUrl"] is None for c in failed.values())

        # The batch's file still holds what was made, and its manifest says what was not, and why.
        assert parent["downloadUrl"] == f"/files/{parent_id}"
        files, rows = await archive(gql, parent)
        assert len(files) == 2 and all(name.endswith(".pdf") for name in files)
        reasons = {int(r["对象ID"]): (r["状态"], r["文件名"], r["说明"]) for r in rows}
        assert reasons[broken][:2] == ("失败", "") and "LibreOffice" in reasons[broken][2]
        assert reasons[unrenderable] == (
            "失败",
            "",
            "生成文档时发生内部错误（已记录），请稍后重新申请或联系管理员",
        )
        assert all(reasons[g][0] == "已完成" and reasons[g][1] in files for g in good)


async def test_a_batch_is_seen_only_by_who_may_read_every_document_in_it(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], reference: None, tmp_path: Path
) -> None:
    # The province's batch holds the province's goal, 成都市's, 攀枝花市's and the province's draft.
    await goal_in(sessionmaker, "510000", GoalStatus.ISSUED)
    await goal_in(sessionmaker, "510000", GoalStatus.DRAFT, version=2)
    await goal_in(sessionmaker, "510100", GoalStatus.SUBMITTED)
    panzhihua = await goal_in(sessionmaker, "510400", GoalStatus.SUBMITTED)
    async with served(engine, sessionmaker, tmp_path) as (_, gql):
        await gql.login_as(ActorType.FINANCE, "510000")
        batch = await finished(gql, await requested_job(gql, **PROVINCE, includeDrafts=True))
        plain = await finished(gql, await requested_job(gql, **PROVINCE))
        assert (batch["progressTotal"], plain["progressTotal"]) == (4, 3)
        hidden = {batch["id"], plain["id"]}

        # 攀枝花市 (a prefecture) may read the province's goal in force and its own, not 成都市's nor the
        # province's draft: neither batch exists for it — by id, in lists, in counts, as events, as files.
        await gql.login_as(ActorType.FINANCE, "510400")
        for job_id in hidden:
            assert (await gql.data(JOB, {"id": job_id}))["reportJob"]["__typename"] == "NotFoundError"
            assert (await gql.http.get(f"/files/{job_id}")).status_code == 404
        listed = (await gql.data(LISTING))["reportJobs"]
        assert not hidden & {n["id"] for n in listed["nodes"]}
        assert all(n["progressTotal"] == 1 for n in listed["nodes"])  # documents it may read, no batch
        events = (await gql.data(EVENTS))["events"]["events"]
        assert not [e for e in events if e["subjectType"] == "ReportJob" and e["subjectId"] in hidden]

        # Its own batch of the province (the province's goal in force and its own) it sees, and so does the
        # province; 成都市 does not (攀枝花市's goal is not its to read).
        own = await finished(gql, await requested_job(gql, **PROVINCE))
        assert own["status"] == "SUCCEEDED" and own["progressTotal"] == 2 and own["downloadUrl"]
        assert int(own["children"][-1]["goal"]["id"]) == panzhihua
        await gql.login_as(ActorType.FINANCE, "510000")
        assert (await gql.data(JOB, {"id": own["id"]}))["reportJob"]["__typename"] == "ReportJob"
        await gql.login_as(ActorType.FINANCE, "510100")
        assert (await gql.data(JOB, {"id": own["id"]}))["reportJob"]["__typename"] == "NotFoundError"

        # The national departments read no drafts: the batch without them only.
        await gql.login_as(ActorType.NATIONAL, "510000")
        seen = {job_id: (await gql.data(JOB, {"id": job_id}))["reportJob"]["__typename"] for job_id in hidden}
        assert seen == {batch["id"]: "NotFoundError", plain["id"]: "ReportJob"}


class WorkerKilled(BaseException):
    """What a worker killed mid-batch (kill -9) amounts to: nothing after it runs, nothing is recorded."""


async def test_arq_trying_a_batch_again_goes_on_from_where_its_dead_run_stopped(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
) -> None:
    goals = [
        await goal_in(sessionmaker, r, GoalStatus.SUBMITTED) for r in ("510100", "510104", "510105", "510106")
    ]
    settings = make_settings(REDIS_URL=redis_url, STORAGE_DIR=tmp_path / "storage", REPORT_BATCH_CHUNK_SIZE=2)
    async with client_for(engine, sessionmaker, worker_settings(tmp_path, UNREACHABLE)) as gql:
        await gql.login_as(ActorType.FINANCE, "510100")  # Redis is away: nothing is enqueued
        parent_id = int(await requested_job(gql, **MEDICAL, regionCode="510100"))

    class DiesOnTheThird:
        def __init__(self) -> None:
            self.real = Renderer()
            self.rendered = 0

        def render(self, kind: str, context: Mapping[str, Any]) -> bytes:
            self.rendered += 1
            if self.rendered == 3:
                raise WorkerKilled
            data: bytes = self.real.render(kind, context)
            return data

    storage = LocalStorage(tmp_path / "storage")
    with pytest.raises(WorkerKilled):
        await jobs.run_job(
            sessionmaker=sessionmaker,
            renderer=DiesOnTheThird(),
            storage=storage,
            pdf=PdfConverter(chunk_size=2),
            job_id=parent_id,
        )
    before = {j.id: j for j in await job_rows(sessionmaker)}
    children = [j for j in before.values() if j.parent_id == parent_id]
    assert [j.subject_id for j in children] == goals
    # The first chunk done, the second claimed when the worker died; the batch RUNNING.
    assert [j.status for j in children] == [ReportJobStatus.SUCCEEDED] * 2 + [ReportJobStatus.RUNNING] * 2
    assert before[parent_id].status == ReportJobStatus.RUNNING and before[parent_id].progress_done == 2

    arq = await create_pool(arq_redis_settings(redis_url))
    try:  # arq's retry of the batch, once the dead worker's lease ended
        await arq.enqueue_job(FUNCTION, parent_id, _job_id=arq_job_id(parent_id), _job_try=2)
    finally:
        await arq.aclose()
    await run_worker(settings, engine)

    after = {j.id: j for j in await job_rows(sessionmaker)}
    parent = after[parent_id]
    assert parent.status == ReportJobStatus.SUCCEEDED and parent.attempts == 2, parent.error
    for child in children:
        again = after[child.id]
        assert again.status == ReportJobStatus.SUCCEEDED
        if child.status == ReportJobStatus.SUCCEEDED:  # done before: not rendered again
            assert (again.attempts, again.storage_key, again.finished_at) == (
                1,
                child.storage_key,
                child.finished_at,
            )
        else:
            assert again.attempts == 2
    stored = sorted(
        p.relative_to(tmp_path / "storage").as_posix()
        for p in (tmp_path / "storage").rglob("*")
        if p.is_file()
    )
    assert stored == sorted(j.storage_key or "" for j in after.values())  # one file each, the ZIP included
    data = (tmp_path / "storage" / (parent.storage_key or "")).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        assert len(zipped.namelist()) == 5  # four documents and the manifest
