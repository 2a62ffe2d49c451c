"""The year's batch of 绩效自评表 (issue 20, point 6): a batch request for a fund, a year and a region renders
through the arq worker every self-evaluation there the requester may read (Art. 17: the pooling regions'),
as one ZIP with its manifest, its progress reaching its total; drafts only when asked for, and a reader who
may see fewer forms gets fewer."""

from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType
from tests.reports.test_batches import archive
from tests.reports.test_jobs import JOB, docx_text, request
from tests.reports.test_worker import client_for, run_worker, worker_settings
from tests.schema.conftest import GraphQLClient
from tests.services.conftest import PROVINCE, YAAN, ZIGONG
from tests.support.self_evaluation_documents import year_of_self_evaluations

PANZHIHUA = "510400"
FUND = "职工基本医疗保险(含生育保险)基金"
BATCH = {"kind": "SELF_EVALUATION_FORM", "fundTypeCode": "EMPLOYEE_MEDICAL", "year": 2026}


async def requested(gql: GraphQLClient, **input: Any) -> str:
    result = await request(gql, **{**BATCH, **input})
    assert result["__typename"] == "ReportRequestSuccess", result
    assert result["job"]["status"] == "QUEUED"  # the server does not render it: the worker does
    job_id: str = result["job"]["id"]
    return job_id


async def job(gql: GraphQLClient, job_id: str) -> dict[str, Any]:
    found: dict[str, Any] = (await gql.data(JOB, {"id": job_id}))["reportJob"]
    return found


async def test_art17_the_batch_of_a_year_renders_every_readable_self_evaluation_form_as_one_zip(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
) -> None:
    ids = await year_of_self_evaluations(sessionmaker, submitted=(ZIGONG, PANZHIHUA), drafts=(YAAN,))
    settings = worker_settings(tmp_path, redis_url)
    async with client_for(engine, sessionmaker, settings) as gql:
        await gql.login_as(ActorType.FINANCE, PROVINCE)
        plain_id = await requested(gql, regionCode=PROVINCE)
        drafts_id = await requested(gql, regionCode=PROVINCE, includeDrafts=True)
        await gql.login_as(ActorType.FINANCE, ZIGONG)
        own_id = await requested(gql, regionCode=PROVINCE)
        await run_worker(settings, engine)

        await gql.login_as(ActorType.FINANCE, PROVINCE)
        plain, drafts = await job(gql, plain_id), await job(gql, drafts_id)
        for batch, count in ((plain, 2), (drafts, 3)):
            assert batch["status"] == "SUCCEEDED", batch
            assert (batch["progressDone"], batch["progressTotal"]) == (count, count)
            assert batch["fileName"] == f"四川省2026年度{FUND}绩效自评表（{count}份）.zip"
        files, rows = await archive(gql, plain)
        assert [r["对象ID"] for r in rows] == [str(ids[ZIGONG]), str(ids[PANZHIHUA])]
        assert [r["区划"] for r in rows] == ["自贡市", "攀枝花市"] and {r["状态"] for r in rows} == {"已完成"}
        assert sorted(files) == sorted(r["文件名"] for r in rows)
        for row in rows:
            text = docx_text(files[row["文件名"]])
            assert row["区划"] in text and "绩效自评表" in text and "草稿" not in text
        files, rows = await archive(gql, drafts)
        assert [r["对象ID"] for r in rows] == [str(ids[r]) for r in (ZIGONG, PANZHIHUA, YAAN)]
        assert "草稿" in docx_text(files[rows[-1]["文件名"]])  # 雅安市's, as opened

        # 自贡市 reads its own self-evaluation, not 攀枝花市's nor 雅安市's: its batch holds one form.
        await gql.login_as(ActorType.FINANCE, ZIGONG)
        own = await job(gql, own_id)
        assert own["status"] == "SUCCEEDED" and (own["progressDone"], own["progressTotal"]) == (1, 1)
        files, rows = await archive(gql, own)
        assert [r["对象ID"] for r in rows] == [str(ids[ZIGONG])] and len(files) == 1
        assert (await job(gql, plain_id))["__typename"] == "NotFoundError"  # not its to see
        empty = await request(gql, **BATCH, regionCode=YAAN, includeDrafts=True)
        assert [(f["field"], f["code"]) for f in empty["fields"]] == [("input.regionCode", "NOT_FOUND")]
