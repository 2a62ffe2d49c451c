"""The year's goals export (GOALS_XLSX): requested over GraphQL with a year, run by the in-process runner and
by a real arq worker, downloaded and opened with openpyxl — a sheet per fund the requester reads, Chinese
headers in a frozen row, an indicator a row for every goal of the year the requester may read (drafts only
when asked for), numbers with formats — the job its requester's alone, and a constant number of statements
whatever the number of goals."""

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType, Administration, GoalStatus
from src.reports.exports.goals import write_goals_xlsx
from src.reports.exports.goals_xlsx import COLUMNS, number_format, sheet_name
from src.services.actors import load_actor
from src.subjects.documents import ExportScope
from tests.factories import make_goal
from tests.reports.test_jobs import JOB, REQUEST, finished
from tests.reports.test_worker import client_for, run_worker, worker_settings
from tests.schema.conftest import GraphQLClient
from tests.support.sql import count_statements

HRSS = Administration.HRSS
REGIONS = Path(__file__).resolve().parents[2] / "src" / "data" / "regions_sichuan.csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDICAL = "职工基本医疗保险(含生育保险)基金"
INJURY = "工伤保险基金"
EVENTS = '{ events(after: "0", filter: {kinds: [REPORT_JOB_CHANGED]}) { events { subjectId } } }'
HRSS_FUNDS = [
    "企业职工基本养老保险基金",
    "城乡居民基本养老保险基金",
    "机关事业单位基本养老保险基金",
    INJURY,
    "失业保险基金",
]
EVERY_FUND = [*HRSS_FUNDS[:3], MEDICAL, "城乡居民基本医疗保险基金", *HRSS_FUNDS[3:]]


async def goals(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """成都市 (510100): an issued medical goal (4 indicators; its first version, superseded, 7) and an issued
    work-injury goal (2); 锦江区 (510104): a draft (3); 自贡市 (510300): an issued medical goal (5); and one
    that is not of 2026 (6)."""
    issued = GoalStatus.ISSUED
    async with sessionmaker() as session:
        first = await make_goal(session, region_code="510100", status=GoalStatus.SUPERSEDED, indicators=7)
        await make_goal(
            session, region_code="510100", status=issued, indicators=4, version=2, lineage_id=first.lineage_id
        )
        await make_goal(session, region_code="510100", status=issued, indicators=2, fund_code="WORK_INJURY")
        await make_goal(session, region_code="510104", status=GoalStatus.DRAFT, indicators=3)
        await make_goal(session, region_code="510300", status=issued, indicators=5)
        await make_goal(session, region_code="510100", status=issued, indicators=6, year=2025)
        await session.commit()


async def export(gql: GraphQLClient, **input: Any) -> dict[str, Any]:
    variables = {"input": {"kind": "GOALS_XLSX", "format": "XLSX", **input}}
    result: dict[str, Any] = (await gql.data(REQUEST, variables))["reportRequest"]
    return result


async def downloaded(gql: GraphQLClient, **input: Any) -> Workbook:
    result = await export(gql, year=2026, **input)
    assert result["__typename"] == "ReportRequestSuccess", result
    job = await finished(gql, result["job"]["id"])
    assert job["status"] == "SUCCEEDED", job
    assert job["kind"] == "GOALS_XLSX" and job["kindLabel"] == "年度绩效目标汇总表" and job["children"] == []
    assert job["fileName"].startswith("2026年度") and job["fileName"].endswith(".xlsx")
    response = await gql.http.get(job["downloadUrl"])
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


async def job_events(gql: GraphQLClient) -> set[str]:
    page = (await gql.data(EVENTS))["events"]
    return {event["subjectId"] for event in page["events"]}


def rows(book: Workbook, sheet: str) -> list[tuple[Any, ...]]:
    return list(book[sheet].iter_rows(min_row=2, values_only=True))


async def test_a_prefecture_exports_its_subtree_of_every_fund_it_reads(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await goals(sessionmaker)
    await gql.login_as(ActorType.FINANCE, "510100")
    book = await downloaded(gql)
    assert book.sheetnames == EVERY_FUND  # finance reads every fund, in the funds' order
    sheet = book[MEDICAL]
    assert [c.value for c in sheet[1]] == [title for title, _ in COLUMNS] and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width == 40
    medical = rows(book, MEDICAL)
    assert len(medical) == 4 and {row[0] for row in medical} == {"510100"}  # not 自贡市's, no draft
    assert [row[1:5] for row in medical[:1]] == [
        ("成都市", "510100 2026 EMPLOYEE_MEDICAL", "年度目标", "已正式下达")
    ]
    assert len(rows(book, INJURY)) == 2 and rows(book, HRSS_FUNDS[0]) == []
    numbers = [
        cell for line in sheet.iter_rows(min_row=2) for cell in line if isinstance(cell.value, float | int)
    ]
    assert numbers and all(cell.number_format.startswith("#,##0") for cell in numbers)
    # Drafts when asked for; a region's subtree when asked for.
    assert len(rows(await downloaded(gql, includeDrafts=True), MEDICAL)) == 7
    assert len(rows(await downloaded(gql, regionCode="510104"), MEDICAL)) == 0


async def test_an_administration_exports_only_its_funds_and_the_job_is_its_requesters(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await goals(sessionmaker)
    await gql.login_as(ActorType.HRSS, "510000", HRSS)
    book = await downloaded(gql)
    assert book.sheetnames == HRSS_FUNDS
    assert len(rows(book, INJURY)) == 2  # 成都市's, read from the province
    job_id = (await export(gql, year=2026))["job"]["id"]  # the same request for unchanged data: the same job
    assert job_id in await job_events(gql)  # its progress, announced to its requester (of every fund)
    await gql.login_as(ActorType.HRSS, "510000", HRSS)  # another user of the same department
    assert job_id not in await job_events(gql)
    assert (await gql.data(JOB, {"id": job_id}))["reportJob"] == {
        "__typename": "NotFoundError",
        "code": "NOT_FOUND",
    }
    await gql.login_as(is_admin=True)
    assert (await gql.data(JOB, {"id": job_id}))["reportJob"]["kind"] == "GOALS_XLSX"


async def test_a_request_names_a_year_and_no_subject(gql: GraphQLClient) -> None:
    refusals = {
        "input.year": await export(gql),
        "input.subjectId": await export(gql, year=2026, subjectId="1"),
        "input.format": await export(gql, year=2026, format="DOCX"),
        "input.regionCode": await export(gql, year=2026, regionCode="999999"),
        "input.fundTypeCode": await export(gql, year=2026, fundTypeCode="NONE"),
    }
    for field, result in refusals.items():
        assert result["__typename"] == "ValidationError", result
        assert field in [f["field"] for f in result["fields"]], result


async def test_the_statements_do_not_grow_with_the_goals(
    gql: GraphQLClient, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    user = await gql.login_as(ActorType.FINANCE, "510000")
    with REGIONS.open(encoding="utf-8") as lines:
        codes = [row["code"] for row in csv.DictReader(lines) if row["level"] != "province"]
    counts: list[int] = []
    for goals_now in (3, 30):
        async with sessionmaker() as session:
            for n in range(len(counts) * 3, goals_now):
                await make_goal(session, region_code=codes[n], status=GoalStatus.ISSUED, indicators=2 + n % 3)
            await session.commit()
        async with sessionmaker() as session:
            actor = await load_actor(session=session, user_id=user.id or 0)
            assert actor is not None
            with count_statements(engine) as counter:
                written = await write_goals_xlsx(
                    session=session, actor=actor, scope=ExportScope(2026), path=tmp_path / f"{goals_now}.xlsx"
                )
        counts.append(counter.count)
        assert written == len(rows(load_workbook(tmp_path / f"{goals_now}.xlsx"), MEDICAL))
    assert counts[0] == counts[1] <= 3, counts


async def test_through_arq_a_worker_writes_the_export(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
) -> None:
    await goals(sessionmaker)
    settings = worker_settings(tmp_path, redis_url)
    async with client_for(engine, sessionmaker, settings) as gql:
        await gql.login_as(ActorType.FINANCE, "510000")
        result = await export(gql, year=2026, fundTypeCode="EMPLOYEE_MEDICAL")
        assert result["job"]["status"] == "QUEUED"  # the worker writes it
        async with Redis.from_url(redis_url) as redis:
            assert await redis.zcard("arq:queue") == 1
        await run_worker(settings, engine)
        job = (await gql.data(JOB, {"id": result["job"]["id"]}))["reportJob"]
        assert job["status"] == "SUCCEEDED" and job["fileName"] == f"2026年度{MEDICAL}年度绩效目标汇总表.xlsx"
        book = load_workbook(io.BytesIO((await gql.http.get(job["downloadUrl"])).content))
    assert book.sheetnames == [MEDICAL]  # the fund asked for
    assert sorted({row[0] for row in rows(book, MEDICAL)}) == ["510100", "510300"]
    assert len(rows(book, MEDICAL)) == 9


def test_sheet_names_and_number_formats_are_what_excel_takes() -> None:
    taken: set[str] = set()
    long = "某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某基金"
    assert sheet_name(long, taken) == long[:31]
    assert sheet_name(long, taken) == long[:28] + "(2)" and len(taken) == 2
    assert sheet_name("养老/医疗[试点]?", set()) == "养老_医疗_试点__"
    assert [number_format(Decimal(v)) for v in ("100.0000", "9.5000", "0.1234")] == [
        "#,##0",
        "#,##0.0",
        "#,##0.0000",
    ]
