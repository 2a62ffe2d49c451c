"""The provincial evaluation's two documents end to end (Art. 17, 18; FORMS §4A), with a third
party: 财政厅 entrusts the report to a 事务所 (Art. 17 「可委托…第三方具体实施」), which writes it; the agency
sends it, 财政厅 approves it and sends the summary up. Both documents are requested through
`reportRequest`, rendered by the real worker through arq and Redis, downloaded and passed
through the document checker; the report names the third party that carried it out, and the
third party may download it while it is entrusted with it."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Organization
from src.models.base import utcnow
from src.models.enums import ActorType, Administration
from src.models.report import ReportJobStatus
from src.reports.contexts import build_context
from src.reports.numbering import CHINA
from src.services.actors import load_actor
from tests.factories import make_user
from tests.reports.test_jobs import docx_text, job_rows
from tests.reports.test_worker import client_for, run_worker, worker_settings
from tests.schema.conftest import GraphQLClient
from tests.schema.provincial_evaluation.test_provincial_evaluations import (
    NARRATIVE,
    SUMMARY,
    by_input,
    call,
    ids,
    step,
)
from tests.services.conftest import CHENGDU, PROVINCE, bodies_of
from tests.services.evaluation.provincial_calls import self_evaluated
from tests.support.document_checker import check_docx

MED = Administration.MEDICAL_SECURITY
FIRM = "四川天府预算绩效评价事务所"
REQUEST = """mutation($input: ReportRequestInput!) { reportRequest(input: $input) {
  __typename ... on ReportRequestSuccess { job { id status } } ... on UserError { code message } } }"""
ASSIGN = """mutation($input: AssignmentCreateInput!) { assignmentCreate(input: $input) {
  __typename ... on AssignmentSuccess { assignment { id active } } } }"""


async def _entrusted(gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Any]:
    """成都's self-evaluation sent; 财政厅 opens the medical fund's provincial evaluation and entrusts it to
    the 事务所, whose user writes it; 省税务局 concurs."""
    await self_evaluated(sessionmaker, await bodies_of(sessionmaker, CHENGDU))
    firm = await make_user(sessionmaker, actor_type=ActorType.THIRD_PARTY, region_code=PROVINCE)
    async with sessionmaker() as session:
        organization = await session.get_one(Organization, firm.organization_id)
        organization.name = FIRM
        session.add(organization)
        await session.commit()
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    opening = {"regionCode": PROVINCE, "fundTypeCode": "EMPLOYEE_MEDICAL", "year": 2026}
    opened = await call(
        gql, by_input("provincialEvaluationOpen", "ProvincialEvaluationOpenInput"), {"input": opening}
    )
    evaluation = opened["provincialEvaluation"]
    today = utcnow().astimezone(CHINA).date()
    period = {"startsOn": str(today - timedelta(days=1)), "endsOn": str(today + timedelta(days=30))}
    assignment = {"subjectType": "ProvincialEvaluation", "subjectId": evaluation["id"]}
    assigned = await call(
        gql, ASSIGN, {"input": {**assignment, "organizationId": str(firm.organization_id), **period}}
    )
    assert assigned["__typename"] == "AssignmentSuccess" and assigned["assignment"]["active"], assigned
    gql.http.headers["Authorization"] = f"Bearer {gql.token_for(firm)}"
    edit = {"input": {**ids(evaluation), **NARRATIVE}}
    edited = await call(gql, by_input("provincialEvaluationUpdate", "ProvincialEvaluationUpdateInput"), edit)
    assert edited["__typename"] == "ProvincialEvaluationSuccess", edited
    refused = await gql.query(step("provincialEvaluationSubmit"), ids(edited["provincialEvaluation"]))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # 送财政厅 stays the agency's
    await gql.login_as(ActorType.TAX, PROVINCE)
    concur = {"input": {**ids(edited["provincialEvaluation"]), "opinion": "同意"}}
    concurred = await call(
        gql, by_input("provincialEvaluationTaxConcur", "ProvincialEvaluationTaxConcurInput"), concur
    )
    written: dict[str, Any] = concurred["provincialEvaluation"]
    return written


async def test_art17_the_provincial_report_and_the_summary_through_the_worker_pass_the_checker(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
) -> None:
    settings = worker_settings(tmp_path, redis_url)
    async with client_for(engine, sessionmaker, settings) as gql:
        evaluation = await _entrusted(gql, sessionmaker)
        await gql.login_as(ActorType.AGENCY, PROVINCE, MED)
        sent = (await call(gql, step("provincialEvaluationSubmit"), ids(evaluation)))["provincialEvaluation"]
        finance = await gql.login_as(ActorType.FINANCE, PROVINCE)
        approved = await call(gql, step("provincialEvaluationApprove"), ids(sent))
        assert approved["__typename"] == "ProvincialEvaluationSuccess", approved
        create = by_input(
            "provincialEvaluationSummaryCreate", "ProvincialEvaluationSummaryCreateInput", SUMMARY
        )
        summary = (await call(gql, create, {"input": {"regionCode": PROVINCE, "year": 2026}}))[
            "provincialEvaluationSummary"
        ]
        update = by_input(
            "provincialEvaluationSummaryUpdate", "ProvincialEvaluationSummaryUpdateInput", SUMMARY
        )
        text = {"overview": "全省完成省级评价", "problems": "个别地区逾期", "nextSteps": "强化结果应用"}
        updated = await call(gql, update, {"input": {**ids(summary), **text}})
        summary = updated["provincialEvaluationSummary"]
        summary = (await call(gql, step("provincialEvaluationSummarySend", SUMMARY), ids(summary)))[
            "provincialEvaluationSummary"
        ]
        documents = {
            "PROVINCIAL_EVALUATION_REPORT": int(sent["id"]),
            "PROVINCIAL_EVALUATION_SUMMARY": int(summary["id"]),
        }
        for kind, subject_id in documents.items():
            result = (await gql.data(REQUEST, {"input": {"kind": kind, "subjectId": str(subject_id)}}))[
                "reportRequest"
            ]
            assert result["__typename"] == "ReportRequestSuccess", result
        await run_worker(settings, engine)
        jobs = await job_rows(sessionmaker)
        assert [(job.kind, job.status) for job in jobs] == [
            (kind, ReportJobStatus.SUCCEEDED) for kind in documents
        ]
        async with sessionmaker() as session:
            actor = await load_actor(session=session, user_id=finance.id or 0)
        assert actor is not None
        texts = {}
        for job, (kind, subject_id) in zip(jobs, documents.items(), strict=True):
            response = await gql.http.get(f"/files/{job.id}")
            assert response.status_code == 200, (kind, response.text)
            async with sessionmaker() as session:
                context = await build_context(session=session, actor=actor, kind=kind, subject_id=subject_id)
            assert check_docx(response.content, kind, context) == [], kind
            texts[kind] = docx_text(response.content)
        report, summary_text = texts["PROVINCIAL_EVALUATION_REPORT"], texts["PROVINCIAL_EVALUATION_SUMMARY"]
        assert FIRM in report  # who carried it out (Art. 17)
        assert "成都市" in report and "待遇按时足额发放率" in report  # the shortfall and its region (Art. 18)
        assert summary["documentNumber"] in summary_text and "财政部" in summary_text

        # The third party downloads the report it was entrusted with, not the summary.
        firm_user = await make_user(sessionmaker, actor_type=ActorType.THIRD_PARTY, region_code=PROVINCE)
        gql.http.headers["Authorization"] = f"Bearer {gql.token_for(firm_user)}"
        report_job, summary_job = jobs
        assert (await gql.http.get(f"/files/{report_job.id}")).status_code == 200
        assert (await gql.http.get(f"/files/{summary_job.id}")).status_code == 404
