"""The three 两书一函 letters (Art. 22) end to end: 自贡's case with its three letters sent, each letter
requested with `reportRequest`, rendered by the real worker through arq and Redis, downloaded and passed
through the document checker; 自贡's finance downloads them too, another prefecture's finance may not read
the case."""

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType
from src.models.escalation import LEVEL_KINDS
from src.models.report import ReportJobStatus
from src.reports.contexts import build_context
from src.services.actors import load_actor
from tests.reports.test_jobs import docx_text, job_rows
from tests.reports.test_worker import client_for, run_worker, worker_settings
from tests.services.conftest import PROVINCE, YAAN, ZIGONG
from tests.support.document_checker import check_docx
from tests.support.escalation_documents import real_escalation

REQUEST = """mutation($input: ReportRequestInput!) { reportRequest(input: $input) {
  __typename ... on ReportRequestSuccess { job { id status } } ... on UserError { code message } } }"""


async def test_art22_the_three_letters_through_the_worker_pass_the_checker(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
) -> None:
    settings = worker_settings(tmp_path, redis_url)
    async with client_for(engine, sessionmaker, settings) as gql:
        case_id = await real_escalation(sessionmaker)
        finance = await gql.login_as(ActorType.FINANCE, PROVINCE)
        kinds = [kind.value for kind in LEVEL_KINDS.values()]
        for kind in kinds:
            variables = {"input": {"kind": kind, "subjectId": str(case_id)}}
            result = (await gql.data(REQUEST, variables))["reportRequest"]
            assert result["__typename"] == "ReportRequestSuccess", result
        await run_worker(settings, engine)
        jobs = await job_rows(sessionmaker)
        assert [(job.kind, job.status) for job in jobs] == [(k, ReportJobStatus.SUCCEEDED) for k in kinds]
        async with sessionmaker() as session:
            actor = await load_actor(session=session, user_id=finance.id or 0)
        assert actor is not None
        for job, kind in zip(jobs, kinds, strict=True):
            response = await gql.http.get(f"/files/{job.id}")
            assert response.status_code == 200, (kind, response.text)
            async with sessionmaker() as session:
                context = await build_context(session=session, actor=actor, kind=kind, subject_id=case_id)
            assert check_docx(response.content, kind, context) == [], kind
            text = docx_text(response.content)
            assert context["doc_number"] in text and "自贡市" in text and context["title"] in text

        await gql.login_as(ActorType.FINANCE, ZIGONG)  # the prefecture escalated reads its letters
        assert (await gql.http.get(f"/files/{jobs[0].id}")).status_code == 200
        await gql.login_as(ActorType.FINANCE, YAAN)  # another prefecture does not
        assert (await gql.http.get(f"/files/{jobs[0].id}")).status_code == 404
