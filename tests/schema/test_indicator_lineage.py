"""Art. 14 through the API: `lineageId` names one indicator across the versions of its goal."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType, Administration, GoalStatus
from tests.factories import make_goal
from tests.schema.conftest import GraphQLClient

MED = Administration.MEDICAL_SECURITY
INDICATORS = (
    "query($id: ID!) { goal(id: $id) { ... on Goal { version indicators { id level3 lineageId } } } }"
)
ADJUST = """mutation($input: GoalAdjustmentRequestInput!) { goalAdjustmentRequest(input: $input) {
  __typename ... on GoalSuccess { goal { id version } } } }"""
CREATE = """mutation($input: IndicatorCreateInput!) { indicatorCreate(input: $input) {
  __typename ... on IndicatorSuccess { indicator { id lineageId } } } }"""


async def _indicators(gql: GraphQLClient, goal_id: str) -> dict[str, dict[str, Any]]:
    goal = (await gql.data(INDICATORS, {"id": goal_id}))["goal"]
    return {i["level3"]: i for i in goal["indicators"]}


async def test_art14_adjustment_keeps_indicator_lineage_through_the_api(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session:
        goal = await make_goal(
            session, region_code="510000", year=2027, status=GoalStatus.ISSUED, indicators=3
        )
        await session.commit()
    v1 = await _indicators(gql, str(goal.id))
    adjusted = await gql.data(
        ADJUST,
        {
            "input": {
                "id": str(goal.id),
                "rowVersion": goal.row_version,
                "whatChanged": "参保人数变化",
                "reason": "参保政策调整",
                "fundEffect": "收入减少",
                "targetEffect": "目标下调",
            }
        },
    )
    assert adjusted["goalAdjustmentRequest"]["__typename"] == "GoalSuccess", adjusted
    v2_id = adjusted["goalAdjustmentRequest"]["goal"]["id"]
    await gql.login_as(ActorType.AGENCY, "510000", MED)
    created = await gql.data(
        CREATE,
        {
            "input": {
                "goalId": v2_id,
                "level1": "OUTPUT",
                "level2": "数量",
                "level3": "新增指标",
                "kind": "QUANTITATIVE",
                "comparator": "GE",
                "weight": "5",
                "unit": "%",
                "targetValue": "90",
            }
        },
    )
    assert created["indicatorCreate"]["__typename"] == "IndicatorSuccess", created
    v2 = await _indicators(gql, v2_id)

    assert set(v2) == {*v1, "新增指标"}
    for name, indicator in v1.items():
        assert v2[name]["id"] != indicator["id"] and v2[name]["lineageId"] == indicator["lineageId"]
        uuid.UUID(indicator["lineageId"])  # the UUID as text
    fresh = v2["新增指标"]["lineageId"]
    assert fresh == created["indicatorCreate"]["indicator"]["lineageId"]
    assert fresh not in {i["lineageId"] for i in v1.values()}
