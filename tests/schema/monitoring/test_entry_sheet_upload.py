"""The entry sheet through the API (Art. 13): requested as an XLSX document, downloaded pre-filled, uploaded
back to /uploads/monitoring-entries unchanged (nothing changes), with bad cells (answered by sheet, row and
column, nothing stored), and over the size and row limits (413, 400)."""

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType, Administration
from src.models.monitoring import IndicatorActual
from src.settings import Settings
from tests.conftest import make_settings
from tests.reports.test_jobs import finished
from tests.schema.conftest import GraphQLClient
from tests.schema.monitoring.conftest import Target

MED = Administration.MEDICAL_SECURITY
UPLOAD = "/uploads/monitoring-entries"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REQUEST = """mutation($input: ReportRequestInput!) { reportRequest(input: $input) { __typename
  ... on ReportRequestSuccess { job { id } } ... on ValidationError { fields { field code message } } } }"""
RECORD = """mutation($input: ActualsRecordInput!) { actualsRecord(input: $input) { __typename } }"""
LIMIT = 64 * 1024


@pytest.fixture
def settings() -> Settings:
    # A GraphQL body may be 4 KiB here, an upload 64 KiB: the sheet passes only by its own limit.
    return make_settings(MAX_BODY_BYTES=4096, MONITORING_UPLOAD_MAX_BYTES=LIMIT, MONITORING_ENTRY_MAX_ROWS=5)


async def county(gql: GraphQLClient, target: Target) -> None:
    await gql.login_as(ActorType.AGENCY, "510104", MED)
    rows = [
        {
            "indicatorId": str(target.indicators["待遇按时足额发放率"]),
            "month": 5,
            "numerator": "99",
            "denominator": "100",
        },
        {
            "indicatorId": str(target.indicators["参保人数"]),
            "month": 5,
            "value": "41.2519",
            "remark": "含灵活就业",
        },
    ]
    assert (await gql.data(RECORD, {"input": {"rows": rows}}))["actualsRecord"][
        "__typename"
    ] == "ActualsRecordSuccess"


async def download(gql: GraphQLClient, target: Target, kind: str = "MONITORING_ENTRY_SHEET") -> bytes:
    variables = {"input": {"kind": kind, "subjectId": str(target.goal_id), "format": "XLSX"}}
    job_id = (await gql.data(REQUEST, variables))["reportRequest"]["job"]["id"]
    job = await finished(gql, job_id)
    assert job["status"] == "SUCCEEDED", job
    assert job["fileName"].endswith(".xlsx") and "锦江区" in job["fileName"]
    response = await gql.http.get(job["downloadUrl"])
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    return response.content


async def upload(gql: GraphQLClient, data: bytes, reason: str = "", **headers: str) -> Any:
    return await gql.http.post(
        UPLOAD, content=data, params={"reason": reason}, headers={"content-type": XLSX, **headers}
    )


def edited(data: bytes, changes: dict[str, Any]) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    for cell, value in changes.items():
        workbook["绩效指标"][cell] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row_of(data: bytes, name: str, month: int) -> int:
    rows = list(load_workbook(io.BytesIO(data), read_only=True)["绩效指标"].iter_rows(values_only=True))
    return next(n for n, row in enumerate(rows, start=1) if row[4] == name and row[1] == month)


async def actuals(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[Any, ...]]:
    async with sessionmaker() as session:
        rows = (await session.exec(select(IndicatorActual))).all()
        return sorted((a.month, a.value, a.row_version) for a in rows)


async def test_art13_a_downloaded_sheet_uploads_back_unchanged(
    gql: GraphQLClient, target: Target, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    await county(gql, target)
    data = await download(gql, target)
    assert len(data) > settings.MAX_BODY_BYTES  # larger than /graphql takes: the upload has its own limit
    before = (await actuals(sessionmaker), (await gql.data("{ dataVersion }"))["dataVersion"])
    response = await upload(gql, data)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "actuals": {"created": 0, "corrected": 0, "unchanged": 2},
        "executions": {"created": 0, "corrected": 0, "unchanged": 0},
    }
    assert (await actuals(sessionmaker), (await gql.data("{ dataVersion }"))["dataVersion"]) == before
    # Corrected in the sheet, with the reason in the query: recorded as through actualsRecord.
    corrected = edited(data, {f"J{row_of(data, '参保人数', 5)}": 42})
    response = await upload(gql, corrected, reason="按决算数更正")
    assert response.json()["actuals"] == {"created": 0, "corrected": 1, "unchanged": 1}


async def test_art13_the_sheet_is_xlsx_only_and_the_empty_form_too(
    gql: GraphQLClient, target: Target
) -> None:
    await county(gql, target)
    docx = {"input": {"kind": "MONITORING_ENTRY_SHEET", "subjectId": str(target.goal_id), "format": "DOCX"}}
    refused = (await gql.data(REQUEST, docx))["reportRequest"]
    assert [(f["field"], f["code"]) for f in refused["fields"]] == [("input.format", "INVALID")]
    form = load_workbook(io.BytesIO(await download(gql, target, "MONITORING_ENTRY_FORM")))
    assert all(row[9].value is None for row in form["绩效指标"].iter_rows(min_row=2))  # no value filled in


async def test_art13_bad_cells_are_answered_by_sheet_row_and_column_and_nothing_is_stored(
    gql: GraphQLClient, target: Target, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await county(gql, target)
    data = await download(gql, target)
    before = await actuals(sessionmaker)
    rate, persons = row_of(data, "待遇按时足额发放率", 6), row_of(data, "技能提升补贴发放人次", 4)
    bad = edited(data, {f"K{rate}": 5, f"L{rate}": 0, f"J{persons}": 12.5, f"U{persons}": "一定能"})
    response = await upload(gql, bad)
    assert response.status_code == 400
    errors = response.json()["errors"]
    cells = {(e["sheet"], e["row"], e["column"], e["field"], e["code"]) for e in errors}
    assert cells == {
        ("绩效指标", rate, "L", "denominator", "OUT_OF_RANGE"),
        ("绩效指标", persons, "U", "likelihood", "INVALID"),
    }, errors  # the row with a bad cell is not checked further: 12.5 waits for the likelihood
    assert "须大于 0" in next(e["message"] for e in errors if e["column"] == "L")
    assert await actuals(sessionmaker) == before


async def test_art13_uploads_over_the_limits_are_refused_with_the_reason(
    gql: GraphQLClient, target: Target, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await county(gql, target)
    data = await download(gql, target)
    response = await upload(gql, data + b"\0" * LIMIT)
    assert (response.status_code, response.json()["errors"][0]["code"]) == (413, "TOO_LARGE")
    assert f"上限为 {LIMIT} 字节" in response.json()["errors"][0]["message"]
    many = edited(data, {f"J{row_of(data, '技能提升补贴发放人次', month)}": 10 for month in range(1, 5)})
    response = await upload(gql, many)  # 4 more rows filled beside the 2 entered: 6, this app takes 5
    assert (response.status_code, response.json()["errors"][0]["code"]) == (400, "TOO_MANY_ROWS")
    response = await upload(gql, b"PK\x03\x04 not really a workbook")
    assert (response.status_code, response.json()["errors"][0]["code"]) == (400, "NOT_XLSX")
    assert len(await actuals(sessionmaker)) == 2


async def test_art13_who_may_upload(gql: GraphQLClient, target: Target) -> None:
    await county(gql, target)
    data = await download(gql, target)
    changed = edited(data, {f"J{row_of(data, '技能提升补贴发放人次', 1)}": 10})
    await gql.login_as(ActorType.AGENCY, "510100", MED)  # the prefecture does not enter its counties' sum
    response = await upload(gql, changed)
    assert response.status_code == 403 and response.json()["errors"][0]["code"] == "FORBIDDEN"
    gql.logout()
    assert (await upload(gql, changed)).status_code == 401
    await gql.login_as(ActorType.AGENCY, "510104", MED)
    form = await gql.http.post(UPLOAD, files={"file": ("sheet.xlsx", changed, XLSX)})
    assert form.status_code == 415
