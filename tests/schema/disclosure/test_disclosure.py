"""The performance disclosure through the API (Art. 21 「推动社会保险基金预算重要绩效目标、
绩效评价结果等绩效信息向同级人大报送并向社会公开」): 成都's finance chooses its issued goal and
accepted self-evaluation (nothing else may be chosen), writes the preface; another user of the
finance approves it (four eyes) and the content is fixed; it is reported to the 人大 on a date and
published. End to end: the document is rendered by the real worker through arq and Redis —
requested by an internal user through reportRequest, and at publishing for the public route, which
serves it without login for the published disclosure only."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.app import create_app
from src.models.disclosure import DisclosureStatus
from src.models.enums import ActorType
from src.reports.contexts import build_context
from src.services.actors import load_actor
from src.services.deadlines.items import china_today
from src.settings import Settings
from tests.reports.test_jobs import docx_text, job_rows
from tests.reports.test_worker import run_worker, worker_settings
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import PREFECTURE
from tests.schema.mutation_cases_disclosure import YEAR, chosen, disclosure
from tests.support.pdf import needs_tools
from tests.support.pdf_checker import check_pdf

FIELDS = """id rowVersion year status statusLabel preface reportedOn publishedAt publicDownloadUrl
  region { code } items { kind recordId note }"""
RESULT = f"""__typename ... on DisclosureSuccess {{ disclosure {{ {FIELDS} }} }}
  ... on ValidationError {{ fields {{ field code message }} }} ... on UserError {{ code message }}"""
CREATE = f"mutation($input: DisclosureCreateInput!) {{ disclosureCreate(input: $input) {{ {RESULT} }} }}"
ITEMS = f"mutation($input: DisclosureItemsSetInput!) {{ disclosureItemsSet(input: $input) {{ {RESULT} }} }}"
UPDATE = f"mutation($input: DisclosureUpdateInput!) {{ disclosureUpdate(input: $input) {{ {RESULT} }} }}"
APPROVE = f"""mutation($id: ID!, $rowVersion: Int!) {{
  disclosureApprove(id: $id, rowVersion: $rowVersion) {{ {RESULT} }} }}"""
REPORT = f"""mutation($id: ID!, $rowVersion: Int!, $on: Date!) {{
  disclosureReport(id: $id, rowVersion: $rowVersion, reportedOn: $on) {{ {RESULT} }} }}"""
PUBLISH = f"""mutation($id: ID!, $rowVersion: Int!) {{
  disclosurePublish(id: $id, rowVersion: $rowVersion) {{ {RESULT} }} }}"""
REQUEST = """mutation($input: ReportRequestInput!) { reportRequest(input: $input) {
  __typename ... on ReportRequestSuccess { job { id status } } ... on UserError { code message } } }"""
LIST = "query { disclosures(year: 2025) { nodes { id status } } }"
KIND = "PERFORMANCE_DISCLOSURE"


@asynccontextmanager
async def client_for(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> AsyncIterator[GraphQLClient]:
    """tests/reports/test_worker.py's client, closing also the rate limiter the public route counts in
    (Redis), as the app's lifespan would."""
    app = create_app(settings, engine=engine)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            yield GraphQLClient(http, sessionmaker, settings)
    finally:
        await app.state.jobs.aclose()
        await app.state.rate_limiter.aclose()


async def call(gql: GraphQLClient, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = next(iter((await gql.data(document, variables)).values()))
    return answer


def ids(d: dict[str, Any]) -> dict[str, Any]:
    return {"id": d["id"], "rowVersion": d["rowVersion"]}


async def approved_by_the_api(gql: GraphQLClient) -> dict[str, Any]:
    """成都's finance creates its 2025 disclosure, chooses the goal and the self-evaluation, writes the
    preface; another user of the finance approves it."""
    records = await chosen(gql)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    created = await call(gql, CREATE, {"input": {"regionCode": PREFECTURE, "year": YEAR}})
    assert created["__typename"] == "DisclosureSuccess", created
    d = created["disclosure"]
    items = [
        {"kind": "GOAL", "recordId": records["goal"], "note": "年度重要绩效目标"},
        {"kind": "SELF_EVALUATION", "recordId": records["evaluation"], "note": "自评结果"},
    ]
    d = (await call(gql, ITEMS, {"input": {**ids(d), "items": items}}))["disclosure"]
    d = (await call(gql, UPDATE, {"input": {**ids(d), "preface": "现将绩效信息公开如下。"}}))["disclosure"]
    same = await call(gql, APPROVE, ids(d))
    assert same["__typename"] == "PreconditionFailedError" and same["code"] == "SAME_USER_APPROVES", same
    await gql.login_as(ActorType.FINANCE, PREFECTURE)  # another user of the same finance body
    approved = await call(gql, APPROVE, ids(d))
    assert approved["__typename"] == "DisclosureSuccess", approved
    return {**approved["disclosure"], **records}


async def test_art21_finance_chooses_four_eyes_approve_report_publish(gql: GraphQLClient) -> None:
    d = await approved_by_the_api(gql)
    assert d["status"] == "APPROVED" and d["statusLabel"] == "已审定"
    assert [i["kind"] for i in d["items"]] == ["GOAL", "SELF_EVALUATION"]
    frozen = await call(gql, UPDATE, {"input": {**ids(d), "preface": "改"}})
    assert frozen["__typename"] == "InvalidTransitionError", frozen  # only a draft is edited
    future = await call(gql, REPORT, {**ids(d), "on": "2999-01-01"})
    assert future["__typename"] == "ValidationError", future
    early = await call(gql, PUBLISH, ids(d))
    assert early["__typename"] == "InvalidTransitionError", early  # reported to the 人大 first
    reported = await call(gql, REPORT, {**ids(d), "on": china_today().isoformat()})
    assert reported["disclosure"]["status"] == "REPORTED", reported
    assert reported["disclosure"]["reportedOn"] == china_today().isoformat()
    # The region's other bodies read it, and the province; they take no step.
    await gql.login_as(ActorType.TAX, PREFECTURE)
    assert (await gql.data(LIST))["disclosures"]["nodes"] == [{"id": d["id"], "status": "REPORTED"}]
    refused = await gql.query(PUBLISH, ids(reported["disclosure"]))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await gql.login_as(ActorType.FINANCE, "510000")
    assert len((await gql.data(LIST))["disclosures"]["nodes"]) == 1
    await gql.login_as(ActorType.FINANCE, "511800")  # another prefecture: not its own, not above it
    assert (await gql.data(LIST))["disclosures"]["nodes"] == []


async def test_art21_only_issued_goals_and_accepted_results_of_the_region_may_be_chosen(
    gql: GraphQLClient,
) -> None:
    target = await disclosure(gql, DisclosureStatus.DRAFT)
    other = await chosen(gql, "511800")
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    items = [
        {"kind": "GOAL", "recordId": other["goal"]},  # another region's goal
        {"kind": "PROVINCIAL_EVALUATION", "recordId": target["evaluation"]},  # not a provincial one
        {"kind": "GOAL", "recordId": target["goal"], "note": "x" * 501},
    ]
    refused = await call(gql, ITEMS, {"input": {**ids(target), "items": items}})
    assert refused["__typename"] == "ValidationError", refused
    assert {(f["field"], f["code"]) for f in refused["fields"]} >= {
        ("input.items.0.recordId", "PRECONDITION_FAILED"),
        ("input.items.1.recordId", "PRECONDITION_FAILED"),
        ("input.items.2.note", "OUT_OF_RANGE"),
    }
    control = [{"kind": "GOAL", "recordId": target["goal"], "note": "a\u0007b"}]
    refused = await call(gql, ITEMS, {"input": {**ids(target), "items": control}})
    assert refused["__typename"] == "ValidationError", refused  # refused at the edge
    again = await call(gql, CREATE, {"input": {"regionCode": PREFECTURE, "year": YEAR}})
    assert again["__typename"] == "ConflictError" and again["code"] == "DISCLOSURE_EXISTS", again


async def test_art21_the_document_through_the_worker_internal_and_public(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
) -> None:
    needs_tools("pdftotext", "pdftoppm", "pdffonts")
    settings = worker_settings(tmp_path, redis_url)
    async with client_for(engine, sessionmaker, settings) as gql:
        d = await approved_by_the_api(gql)
        finance = await gql.login_as(ActorType.FINANCE, PREFECTURE)
        requested = await call(
            gql, REQUEST, {"input": {"kind": KIND, "subjectId": d["id"], "format": "DOCX"}}
        )
        assert requested["__typename"] == "ReportRequestSuccess", requested
        reported = (await call(gql, REPORT, {**ids(d), "on": china_today().isoformat()}))["disclosure"]
        assert (await gql.http.get(f"/public/files/disclosures/{d['id']}")).status_code == 404  # not yet
        published = await call(gql, PUBLISH, ids(reported))
        assert published["disclosure"]["publicDownloadUrl"] == f"/public/files/disclosures/{d['id']}"
        await run_worker(settings, engine)
        internal, public = await job_rows(sessionmaker)
        async with sessionmaker() as session:
            actor = await load_actor(session=session, user_id=finance.id or 0)
            assert actor is not None
            context = await build_context(session=session, actor=actor, kind=KIND, subject_id=int(d["id"]))
        # The internal user's DOCX, as it was approved (the number comes at publishing).
        docx = await gql.http.get(f"/files/{internal.id}")
        assert docx.status_code == 200, docx.text
        text = docx_text(docx.content)
        assert "成都市2025年度社会保险基金" in text and "年度重要绩效目标" in text
        # The public PDF, without login, of the published disclosure, numbered.
        gql.logout()
        served = await gql.http.get(published["disclosure"]["publicDownloadUrl"])
        assert served.status_code == 200 and served.headers["content-type"] == "application/pdf"
        assert context["issued"] and context["doc_number"]  # numbered at publishing
        (tmp_path / "public.pdf").write_bytes(served.content)
        assert check_pdf(tmp_path / "public.pdf", KIND, context) == []
        assert public.id != internal.id
