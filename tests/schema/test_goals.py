from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import GoalHorizon, GoalStatus
from tests.factories import make_budget, make_goal
from tests.schema.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("reference")

GOALS = """
query($filter: GoalFilter, $first: Int = 100) {
  goals(filter: $filter, first: $first) {
    totalCount
    nodes {
      id title horizon horizonLabel status statusLabel startYear endYear version rowVersion weightTotal
      fundType { code name administration }
      region { code name }
      overallGoal { id }
      parentGoal { id }
      annualGoals { id }
      childGoals { id }
      indicators { id level1 level1Label level3 kind comparator comparatorLabel targetValue unit weight }
      budget { year revenueTotal lines { item initialAmount adjustedAmount currentAmount } }
    }
  }
}
"""


@pytest.fixture
async def goals(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessionmaker() as s:
        province_overall = await make_goal(
            s, region_code="510000", year=2026, horizon=GoalHorizon.OVERALL, status=GoalStatus.ISSUED
        )
        province = await make_goal(
            s, region_code="510000", status=GoalStatus.ISSUED, overall_goal_id=province_overall.id
        )
        chengdu = await make_goal(s, region_code="510100", parent_goal_id=province.id, indicators=3)
        yaan = await make_goal(
            s, region_code="511800", parent_goal_id=province.id, status=GoalStatus.SUBMITTED
        )
        injury = await make_goal(s, fund_code="WORK_INJURY", region_code="510000", year=2025)
        await make_budget(s, region_code="510100")
        await s.commit()
        ids = {"province_overall": province_overall, "province": province, "chengdu": chengdu, "yaan": yaan}
        ids["injury"] = injury
        return {k: int(v.id or 0) for k, v in ids.items()}


def _ids(data: dict[str, object]) -> set[int]:
    return {int(n["id"]) for n in data["goals"]["nodes"]}  # type: ignore[index]


async def test_goal_with_relations(gql: GraphQLClient, goals: dict[str, int]) -> None:
    data = await gql.data(GOALS, {"filter": {"regionCode": "510100"}})
    [goal] = data["goals"]["nodes"]
    assert goal["fundType"] == {
        "code": "EMPLOYEE_MEDICAL",
        "name": "职工基本医疗保险(含生育保险)基金",
        "administration": "MEDICAL_SECURITY",
    }
    assert goal["region"] == {"code": "510100", "name": "成都市"}
    assert goal["parentGoal"] == {"id": str(goals["province"])}
    assert goal["horizonLabel"] == "年度目标" and goal["statusLabel"] == "草稿"
    assert [i["level3"] for i in goal["indicators"]] == ["指标1", "指标2", "指标3"]
    assert Decimal(goal["weightTotal"]) == Decimal("90.00")  # the province's indicator total
    first = goal["indicators"][0]
    assert (first["comparator"], first["comparatorLabel"], first["level1Label"]) == ("GE", "≥", "产出")
    assert Decimal(first["targetValue"]) == Decimal("95.5") and first["weight"] == "30.00"
    lines = {line["item"]: line for line in goal["budget"]["lines"]}
    assert lines["CONTRIBUTION"]["adjustedAmount"] == "1234567.89"
    assert lines["CONTRIBUTION"]["currentAmount"] == "1234567.89"
    assert (
        lines["FISCAL_SUBSIDY"]["currentAmount"] == lines["FISCAL_SUBSIDY"]["initialAmount"] == "2000000.20"
    )


async def test_overall_and_decomposition_links(gql: GraphQLClient, goals: dict[str, int]) -> None:
    data = await gql.data(GOALS, {"filter": {"regionCode": "510000", "fundTypeCode": "EMPLOYEE_MEDICAL"}})
    by_id = {int(n["id"]): n for n in data["goals"]["nodes"]}
    overall = by_id[goals["province_overall"]]
    assert overall["horizon"] == "OVERALL" and (overall["startYear"], overall["endYear"]) == (2026, 2030)
    assert overall["annualGoals"] == [{"id": str(goals["province"])}] and overall["budget"] is None
    province = by_id[goals["province"]]
    assert province["overallGoal"] == {"id": str(goals["province_overall"])}
    assert {int(c["id"]) for c in province["childGoals"]} == {goals["chengdu"], goals["yaan"]}


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ({"year": 2026}, {"province_overall", "province", "chengdu", "yaan"}),
        ({"year": 2028}, {"province_overall"}),
        ({"year": 2025}, {"injury"}),
        ({"fundTypeCode": "WORK_INJURY"}, {"injury"}),
        ({"regionCode": "510000"}, {"province_overall", "province", "injury"}),
        (
            {"regionCode": "510000", "includeDescendants": True},
            {"province_overall", "province", "chengdu", "yaan", "injury"},
        ),
        ({"regionCode": "511800", "includeDescendants": True}, {"yaan"}),
        ({"status": ["SUBMITTED", "ISSUED"]}, {"province_overall", "province", "yaan"}),
        ({"horizon": "OVERALL"}, {"province_overall"}),
        ({"year": 2026, "horizon": "ANNUAL", "status": ["DRAFT"]}, {"chengdu"}),
        ({"regionCode": "000000"}, set()),
        ({"fundTypeCode": "NO_SUCH_FUND"}, set()),
    ],
)
async def test_goal_filters(
    gql: GraphQLClient, goals: dict[str, int], filter_: dict[str, object], expected: set[str]
) -> None:
    data = await gql.data(GOALS, {"filter": filter_})
    assert _ids(data) == {goals[name] for name in expected}
    assert data["goals"]["totalCount"] == len(expected)


async def test_goal_by_id_and_not_found(gql: GraphQLClient, goals: dict[str, int]) -> None:
    query = """query($id: ID!) { goal(id: $id) { __typename ... on Goal { title indicators { weight } }
               ... on NotFoundError { entity key message } } }"""
    found = (await gql.data(query, {"id": str(goals["yaan"])}))["goal"]
    assert found["__typename"] == "Goal" and len(found["indicators"]) == 4
    missing = (await gql.data(query, {"id": "999999"}))["goal"]
    assert missing == {
        "__typename": "NotFoundError",
        "entity": "绩效目标",
        "key": "999999",
        "message": "未找到绩效目标：999999",
    }
    body = await gql.query(query, {"id": "x1"})
    assert body["data"] is None and "Invalid Goal id" in body["errors"][0]["message"]


async def test_indicator_by_id(gql: GraphQLClient, goals: dict[str, int]) -> None:
    data = await gql.data(GOALS, {"filter": {"regionCode": "511800"}})
    indicator_id = data["goals"]["nodes"][0]["indicators"][0]["id"]
    query = """query($id: ID!) { indicator(id: $id) { __typename ... on Indicator { level3 goal { id } }
               ... on NotFoundError { entity } } }"""
    found = (await gql.data(query, {"id": indicator_id}))["indicator"]
    assert found == {"__typename": "Indicator", "level3": "指标1", "goal": {"id": str(goals["yaan"])}}
    assert (await gql.data(query, {"id": "424242"}))["indicator"]["__typename"] == "NotFoundError"
