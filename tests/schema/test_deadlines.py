"""`deadlines(year, regionCode)` (Art. 13, 17, 23): per body, what is due when, and whether it was done on
time, late, or is overdue or pending in China today; only what the caller may see; in a number of
statements that does not grow with the regions."""

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.models.enums import ActorType, Administration
from src.models.monitoring import MonitoringReportStatus
from src.seed.reference import load_reference_data
from src.services.deadlines import listing
from src.services.deadlines.notices import notice_overdue
from tests.conftest import StatementCounter, truncate_all
from tests.schema.conftest import GraphQLClient
from tests.services.deadlines.scenario import (
    CHENGDU,
    MED,
    NOW,
    PROVINCE,
    ZIGONG,
    bodies,
    build,
    china,
    enter,
    goal_in_force,
    lineages,
    report,
)

DEADLINES = """query($year: Int!, $code: String!, $status: [DeadlineStatus!]) {
  deadlines(year: $year, regionCode: $code, status: $status) {
    __typename
    ... on DeadlineList {
      year today truncated region { code }
      items {
        key kind kindLabel label year period dueOn doneAt status statusLabel noticedAt
        actorType administration region { code } organization { name } fundType { code }
      }
    }
    ... on ValidationError { fields { field code message } }
    ... on NotFoundError { entity key }
  }
}"""
PREFECTURES = ["510100", "510300", "510400", "510500", "510600", "510700", "510800"]


@pytest.fixture(autouse=True)
def october_15th(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The server's today in China is the scenario's (15 October 2026)."""
    monkeypatch.setattr(listing, "china_today", lambda now=None: date(2026, 10, 15))
    yield


async def deadlines(
    gql: GraphQLClient, code: str = PROVINCE, year: int = 2026, **more: Any
) -> dict[str, Any]:
    result: dict[str, Any] = (await gql.data(DEADLINES, {"year": year, "code": code, **more}))["deadlines"]
    return result


def by_key(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in items}


async def test_art13_what_is_due_when_per_body_with_its_status(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    scenario = await build(sessionmaker)
    await notice_overdue(sessionmaker=sessionmaker, now=NOW)
    result = await deadlines(gql)  # the province's finance: every body
    assert (result["__typename"], result["year"], result["today"], result["truncated"]) == (
        "DeadlineList",
        2026,
        "2026-10-15",
        False,
    )
    items = result["items"]
    assert len(items) == 8 + 8 + 21
    chengdu = [i for i in items if i["region"]["code"] == CHENGDU]
    [march] = [i for i in chengdu if i["kind"] == "MONITORING_ENTRIES" and i["period"] == 3]
    goal = scenario.chengdu_goal
    assert march == {
        "key": f"MONITORING_ENTRIES:{goal.region_id}:{goal.fund_type_id}:2026:03",
        "kind": "MONITORING_ENTRIES",
        "kindLabel": "监控数据填报（及时性）",
        "label": "成都市职工基本医疗保险(含生育保险)基金2026年1-3月监控数据填报",
        "year": 2026,
        "period": 3,
        "dueOn": "2026-04-10",
        "doneAt": march["doneAt"],
        "status": "DONE",
        "statusLabel": "按时完成",
        "noticedAt": None,
        "actorType": "AGENCY",
        "administration": "MEDICAL_SECURITY",
        "region": {"code": CHENGDU},
        "organization": {"name": march["organization"]["name"]},
        "fundType": {"code": "EMPLOYEE_MEDICAL"},
    }
    assert march["doneAt"].startswith("2026-04-05T02:00:00")  # 10:00 in China
    statuses = {(i["kind"], i["period"]): i["status"] for i in chengdu}
    assert statuses[("MONITORING_ENTRIES", 6)] == "LATE" and statuses[("MONITORING_ENTRIES", 9)] == "OVERDUE"
    assert (
        statuses[("MONITORING_REPORT", 6)] == "OVERDUE"
        and statuses[("MONITORING_COMPILATION", None)] == "LATE"
    )
    overdue = [i for i in items if i["status"] == "OVERDUE"]
    assert overdue and all(i["noticedAt"] for i in overdue)  # announced by the periodic noticing
    [compilation] = [i for i in chengdu if i["kind"] == "MONITORING_COMPILATION"]
    assert (compilation["year"], compilation["dueOn"], compilation["fundType"]) == (2025, "2026-01-31", None)
    assert (compilation["actorType"], compilation["administration"]) == ("FINANCE", None)
    assert compilation["organization"] is not None
    # Another prefecture's compilation: its finance is not on record, so no organization.
    [yaan] = [i for i in items if i["region"]["code"] == "511800"]
    assert yaan["organization"] is None and yaan["status"] == "OVERDUE"
    # By region, then body, then date.
    assert [i["region"]["code"] for i in items] == sorted(i["region"]["code"] for i in items)


async def test_art13_each_sees_only_the_bodies_it_may(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await build(sessionmaker)
    await gql.login_as(ActorType.AGENCY, CHENGDU, MED)
    mine = (await deadlines(gql))["items"]
    assert {i["region"]["code"] for i in mine} == {CHENGDU} and len(mine) == 9
    await gql.login_as(ActorType.AGENCY, CHENGDU, Administration.HRSS)  # not its administration's fund
    assert [i["kind"] for i in (await deadlines(gql))["items"]] == ["MONITORING_COMPILATION"]
    await gql.login_as(ActorType.FINANCE, ZIGONG)
    assert (await deadlines(gql, CHENGDU))["items"] == []  # a neighbour's: nothing, no error
    assert {i["region"]["code"] for i in (await deadlines(gql))["items"]} == {ZIGONG}
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    late = await deadlines(gql, CHENGDU, status=["LATE", "OVERDUE"])
    assert sorted((i["kind"], i["period"], i["status"]) for i in late["items"]) == [
        ("MONITORING_COMPILATION", None, "LATE"),
        ("MONITORING_ENTRIES", 6, "LATE"),
        ("MONITORING_ENTRIES", 9, "OVERDUE"),
        ("MONITORING_REPORT", 6, "OVERDUE"),
    ]


async def test_a_bad_year_or_region_is_answered_not_raised(gql: GraphQLClient) -> None:
    refused = await deadlines(gql, year=1999)
    assert refused["__typename"] == "ValidationError"
    assert [(f["field"], f["code"]) for f in refused["fields"]] == [("year", "OUT_OF_RANGE")]
    missing = await deadlines(gql, "999999")
    assert missing == {"__typename": "NotFoundError", "entity": "行政区划", "key": "999999"}
    gql.logout()
    body = await gql.query(DEADLINES, {"year": 2026, "code": PROVINCE})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def _prefectures_at_work(sessionmaker: async_sessionmaker[AsyncSession], size: int) -> None:
    """`size` prefectures with their goal in force, some entries and reports."""
    for code in PREFECTURES[:size]:
        agency = (await bodies(sessionmaker, code)).agency
        async with session_scope(sessionmaker) as session:
            goal = await goal_in_force(session, code, indicators=3)
            for lineage in await lineages(session, goal):
                await enter(session, goal, lineage, 3, china(4, 2), agency)
            await report(session, goal, 3, MonitoringReportStatus.SUBMITTED, agency, china(4, 15))


async def test_statements_do_not_grow_with_the_regions(
    gql: GraphQLClient,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    count_statements: StatementCounter,
) -> None:
    counts, sizes = [], []
    for size in (2, 7):
        await truncate_all(engine)
        async with session_scope(sessionmaker) as session:
            await load_reference_data(session=session)
        await _prefectures_at_work(sessionmaker, size)
        await notice_overdue(sessionmaker=sessionmaker, now=NOW)
        await gql.login_as()
        count_statements.reset()
        items = (await deadlines(gql))["items"]
        counts.append(count_statements.count)
        sizes.append(len([i for i in items if i["kind"] != "MONITORING_COMPILATION"]))
    assert sizes == [2 * 8, 7 * 8]
    assert counts[0] == counts[1], (counts, count_statements.statements)
