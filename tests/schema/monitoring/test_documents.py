"""The three monitoring documents end to end (Art. 13, FORMS §3): requested through `reportRequest` as a
user may request them, rendered by the real report worker through arq and Redis, downloaded, and passed
through the document checker (GB/T 9704 page, grid, fonts, whole values, lights as shaded cells with their
text, number and dates, footers): the 绩效运行监控表, the 运行监控情况报告 and the January compilation."""

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType
from src.models.report import ReportJobStatus
from src.reports.contexts import build_context
from src.services.actors import load_actor
from tests.reports.test_jobs import docx_text, job_rows
from tests.reports.test_worker import client_for, run_worker, worker_settings
from tests.support.document_checker import check_docx
from tests.support.monitoring_documents import real_monitoring_records

REQUEST = """mutation($input: ReportRequestInput!) { reportRequest(input: $input) {
  __typename ... on ReportRequestSuccess { job { id status } } ... on UserError { code message } } }"""
# The accepted 2025 year-end report of 成都's employee medical fund and 成都's January compilation of 2025.
DOCUMENTS = {
    "MONITORING_TABLE": "table_accepted",
    "MONITORING_REPORT": "report_accepted",
    "MONITORING_COMPILATION": "compilation_sent",
}


async def test_art13_the_three_documents_through_the_worker_pass_the_checker(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
) -> None:
    records = await real_monitoring_records(sessionmaker)
    settings = worker_settings(tmp_path, redis_url)
    async with client_for(engine, sessionmaker, settings) as gql:
        user = await gql.login_as(ActorType.FINANCE, "510100")  # 成都市财政局: reads all three
        for kind, name in DOCUMENTS.items():
            _, subject_id = records[name]
            result = (await gql.data(REQUEST, {"input": {"kind": kind, "subjectId": str(subject_id)}}))[
                "reportRequest"
            ]
            assert (result["__typename"], result["job"]["status"]) == ("ReportRequestSuccess", "QUEUED"), (
                result
            )
        await run_worker(settings, engine)
        jobs = await job_rows(sessionmaker)
        assert [(job.kind, job.status) for job in jobs] == [(k, ReportJobStatus.SUCCEEDED) for k in DOCUMENTS]
        async with sessionmaker() as session:
            actor = await load_actor(session=session, user_id=user.id or 0)
        assert actor is not None
        for job, (kind, name) in zip(jobs, DOCUMENTS.items(), strict=True):
            response = await gql.http.get(f"/files/{job.id}")
            assert response.status_code == 200, (kind, response.text)
            async with sessionmaker() as session:
                context = await build_context(
                    session=session, actor=actor, kind=kind, subject_id=records[name][1]
                )
            assert check_docx(response.content, kind, context) == [], kind
            text = docx_text(response.content)
            assert "成都市" in text and (
                "红灯" in text or "绿灯" in text or kind == "MONITORING_COMPILATION"
            ), kind
