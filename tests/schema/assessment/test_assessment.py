"""The assessment through the API (Art. 22 「财政厅、人力资源社会保障厅、省医保局、省税务局应按照部门职责
开展对各市（州）…的考核，建立考核结果通报制度」): 财政厅 opens and computes the 2025 round (a draft the
province alone reads), 人社厅, 省医保局 and 省税务局 concur, 财政厅 publishes it numbered; each prefecture
then reads its own row and no other; the 考核结果通报 is requested with `reportRequest`, rendered by the
real worker through arq and Redis, downloaded and passed through the document checker; the publishing date
is a deadline row."""

from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType, Administration
from src.models.report import ReportJobStatus
from src.reports.contexts import build_context
from src.services.actors import load_actor
from tests.reports.test_jobs import docx_text, job_rows
from tests.reports.test_worker import client_for, run_worker, worker_settings
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases_assessment import provincial
from tests.support.document_checker import check_docx

PROVINCE, CHENGDU = "510000", "510100"
HRSS, MED = Administration.HRSS, Administration.MEDICAL_SECURITY
FIELDS = """id rowVersion year status statusLabel contentRevision documentNumber
  hrssConcurred medicalSecurityConcurred taxConcurred usedRules { key value }
  prefectures { rank total outcome outcomeLabel region { code name }
    facts { deadlinesDue deadlinesOnTime deadlinesScore evaluationsOwed evaluationsScore
      rectificationItems rectificationScore warningsDue warningsScore } }"""
ERRORS = "... on UserError { code message }"
SUCCESS = f"... on AssessmentRoundSuccess {{ assessmentRound {{ {FIELDS} }} }} {ERRORS}"
OPEN = f"""mutation($year: Int!) {{ assessmentRoundOpen(input: {{ year: $year }}) {{ __typename {SUCCESS}
  ... on ValidationError {{ fields {{ field code }} }} }} }}"""
STEP = """mutation($id: ID!, $rowVersion: Int!) {{ {name}(id: $id, rowVersion: $rowVersion) {{
  __typename {success} }} }}"""
ONE = f"""query($year: Int!) {{ assessmentRound(year: $year) {{ __typename
  ... on AssessmentRound {{ {FIELDS} }} }} }}"""
REQUEST = """mutation($input: ReportRequestInput!) { reportRequest(input: $input) {
  __typename ... on ReportRequestSuccess { job { id status } } ... on UserError { code message } } }"""
DEADLINES = """query($year: Int!, $region: String!) { deadlines(year: $year, regionCode: $region) {
  ... on DeadlineList { items { kind dueOn status year } } } }"""


async def step(gql: GraphQLClient, name: str, row: dict[str, Any]) -> dict[str, Any]:
    document = STEP.format(name=name, success=SUCCESS)
    answer: dict[str, Any] = (await gql.data(document, {"id": row["id"], "rowVersion": row["rowVersion"]}))[
        name
    ]
    return answer


async def published(gql: GraphQLClient) -> dict[str, Any]:
    await provincial(gql.sessionmaker)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    opened = (await gql.data(OPEN, {"year": 2025}))["assessmentRoundOpen"]
    assert opened["__typename"] == "AssessmentRoundSuccess", opened
    row = opened["assessmentRound"]
    assert (row["status"], row["contentRevision"], row["prefectures"]) == ("DRAFT", 0, [])
    computed = await step(gql, "assessmentRoundCompute", row)
    assert computed["__typename"] == "AssessmentRoundSuccess", computed
    row = computed["assessmentRound"]
    assert len(row["prefectures"]) == 21 and row["contentRevision"] == 1
    await gql.login_as(ActorType.FINANCE, CHENGDU)  # a draft: the province's alone
    assert (await gql.data(ONE, {"year": 2025}))["assessmentRound"]["__typename"] == "NotFoundError"
    for actor_type, administration in (
        (ActorType.HRSS, HRSS),
        (ActorType.MEDICAL_SECURITY, MED),
        (ActorType.TAX, None),
    ):
        await gql.login_as(actor_type, PROVINCE, administration)
        concurred = await step(gql, "assessmentRoundConcur", row)
        assert concurred["__typename"] == "AssessmentRoundSuccess", concurred
        row = concurred["assessmentRound"]
    assert row["hrssConcurred"] and row["medicalSecurityConcurred"] and row["taxConcurred"]
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    answer = await step(gql, "assessmentRoundPublish", row)
    assert answer["__typename"] == "AssessmentRoundSuccess", answer
    result: dict[str, Any] = answer["assessmentRound"]
    return result


async def test_art22_the_round_is_published_numbered_and_each_prefecture_reads_its_own_row(
    gql: GraphQLClient,
) -> None:
    row = await published(gql)
    assert (row["status"], row["statusLabel"]) == ("PUBLISHED", "已通报")
    assert row["documentNumber"].startswith("川财社〔") and row["documentNumber"].endswith("号")
    assert {r["key"]: r["value"] for r in row["usedRules"]}["ASSESSMENT_WEAK_BELOW"] == "60.00"
    ranks = [p["rank"] for p in row["prefectures"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    # Nothing rectified yet (no source): not applicable, never a zero.
    assert all(p["facts"]["rectificationScore"] is None for p in row["prefectures"])
    again = await step(gql, "assessmentRoundCompute", row)
    assert (again["__typename"], again["code"]) == ("InvalidTransitionError", "WRONG_STATUS")  # frozen
    for actor_type, administration in ((ActorType.FINANCE, None), (ActorType.AGENCY, HRSS)):
        await gql.login_as(actor_type, CHENGDU, administration)
        mine = (await gql.data(ONE, {"year": 2025}))["assessmentRound"]
        assert [p["region"]["code"] for p in mine["prefectures"]] == [CHENGDU], actor_type
    await gql.login_as(ActorType.HRSS, PROVINCE, HRSS)  # the province reads all
    assert len((await gql.data(ONE, {"year": 2025}))["assessmentRound"]["prefectures"]) == 21


async def test_art22_a_year_out_of_range_and_a_second_round_are_refused(gql: GraphQLClient) -> None:
    await provincial(gql.sessionmaker)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    wrong = (await gql.data(OPEN, {"year": 1999}))["assessmentRoundOpen"]
    assert wrong["__typename"] == "ValidationError" and wrong["fields"][0]["code"] == "OUT_OF_RANGE"
    assert (await gql.data(OPEN, {"year": 2025}))["assessmentRoundOpen"][
        "__typename"
    ] == "AssessmentRoundSuccess"
    again = (await gql.data(OPEN, {"year": 2025}))["assessmentRoundOpen"]
    assert (again["__typename"], again["code"]) == ("ConflictError", "ASSESSMENT_EXISTS")
    await gql.login_as(ActorType.FINANCE, CHENGDU)  # a prefecture does not assess
    refused = await gql.query(OPEN, {"year": 2026})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_art22_the_publishing_is_a_deadline_row_done_when_published(gql: GraphQLClient) -> None:
    row = await published(gql)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    found = (await gql.data(DEADLINES, {"year": 2026, "region": PROVINCE}))["deadlines"]["items"]
    mine = [i for i in found if i["kind"] == "ASSESSMENT_PUBLISH"]
    assert mine == [
        {"kind": "ASSESSMENT_PUBLISH", "dueOn": "2026-10-31", "status": mine[0]["status"], "year": 2025}
    ]
    assert mine[0]["status"] in ("DONE", "LATE") and row["status"] == "PUBLISHED"


async def test_art22_the_notice_through_the_worker_passes_the_checker(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
) -> None:
    settings = worker_settings(tmp_path, redis_url)
    async with client_for(engine, sessionmaker, settings) as gql:
        row = await published(gql)
        finance = await gql.login_as(ActorType.FINANCE, PROVINCE)
        request = {"input": {"kind": "ASSESSMENT_NOTICE", "subjectId": row["id"]}}
        result = (await gql.data(REQUEST, request))["reportRequest"]
        assert result["__typename"] == "ReportRequestSuccess", result
        await run_worker(settings, engine)
        [job] = await job_rows(sessionmaker)
        assert job.status == ReportJobStatus.SUCCEEDED
        response = await gql.http.get(f"/files/{job.id}")
        assert response.status_code == 200, response.text
        async with sessionmaker() as session:
            actor = await load_actor(session=session, user_id=finance.id or 0)
            assert actor is not None
            context = await build_context(
                session=session, actor=actor, kind="ASSESSMENT_NOTICE", subject_id=int(row["id"])
            )
        assert check_docx(response.content, "ASSESSMENT_NOTICE", context) == []
        text = docx_text(response.content)
        assert row["documentNumber"] in text and "考核结果的通报" in text and "成都市" in text
        # A prefecture's finance reads the notice too: it is addressed to every prefecture.
        await gql.login_as(ActorType.FINANCE, CHENGDU)
        assert (await gql.http.get(f"/files/{job.id}")).status_code == 200
