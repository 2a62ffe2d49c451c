"""What each actor may read (DOMAIN.md §4): own region and below, issued goals above, nothing beside."""

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal
from src.models.enums import ActorType, Administration, GoalStatus
from tests.factories import make_budget, make_goal
from tests.schema.conftest import GraphQLClient

MED, HRSS = Administration.MEDICAL_SECURITY, Administration.HRSS
GOALS = """{ goals(first: 100) { totalCount
  nodes { id region { code } fundType { code } status childGoals { id } } } }"""
LOOKUP = "query($id: ID!) { goal(id: $id) { __typename } }"


@pytest.fixture
async def goals(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessionmaker() as s:
        province = await make_goal(s, region_code="510000", status=GoalStatus.ISSUED)
        province_draft = await make_goal(s, region_code="510000", year=2027)
        chengdu = await make_goal(s, region_code="510100", parent_goal_id=province.id)  # a draft
        yaan = await make_goal(s, region_code="511800", parent_goal_id=province.id)  # a draft
        yaan_issued = await make_goal(s, region_code="511800", year=2025, status=GoalStatus.ISSUED)
        injury = await make_goal(s, fund_code="WORK_INJURY", region_code="510000", status=GoalStatus.ISSUED)
        await make_budget(s, region_code="510100")
        await make_budget(s, region_code="511800")
        await s.commit()
        named = {
            "province": province,
            "province_draft": province_draft,
            "chengdu": chengdu,
            "yaan": yaan,
            "yaan_issued": yaan_issued,
            "injury": injury,
        }
        return {k: int(v.id or 0) for k, v in named.items()}


ALL = {"province", "province_draft", "chengdu", "yaan", "yaan_issued", "injury"}


@pytest.mark.parametrize(
    ("actor", "region", "administration", "visible"),
    [
        (
            ActorType.FINANCE,
            "510000",
            None,
            {"province", "province_draft", "chengdu", "yaan", "yaan_issued", "injury"},
        ),
        (ActorType.FINANCE, "510100", None, {"province", "chengdu", "injury"}),
        (ActorType.AGENCY, "510100", MED, {"province", "chengdu"}),  # medical funds only
        (ActorType.HRSS, "510000", HRSS, {"injury"}),  # an HRSS user never sees medical funds
        (ActorType.TAX, "510104", None, {"province", "injury"}),  # a county: issued goals above it only
        (ActorType.MEDICAL_SECURITY, "511800", MED, {"province", "yaan", "yaan_issued"}),
        # The national departments review what was submitted to them, nationwide; never a draft.
        (ActorType.NATIONAL, "510000", None, {"province", "yaan_issued", "injury"}),
        # A third-party evaluator sees only what an evaluation assigns to it: nothing yet.
        (ActorType.THIRD_PARTY, "510000", None, set()),
    ],
)
async def test_goal_visibility(
    gql: GraphQLClient,
    goals: dict[str, int],
    actor: ActorType,
    region: str,
    administration: Administration | None,
    visible: set[str],
) -> None:
    await gql.login_as(actor, region, administration)
    data = await gql.data(GOALS)
    assert {int(n["id"]) for n in data["goals"]["nodes"]} == {goals[k] for k in visible}
    assert data["goals"]["totalCount"] == len(visible)
    for name, goal_id in goals.items():
        found = (await gql.data(LOOKUP, {"id": str(goal_id)}))["goal"]["__typename"]
        assert found == ("Goal" if name in visible else "NotFoundError"), name
    # Decomposed children are filtered the same way: Chengdu never sees Ya'an's draft.
    province = next((n for n in data["goals"]["nodes"] if int(n["id"]) == goals["province"]), None)
    if province is not None:
        children = {int(c["id"]) for c in province["childGoals"]}
        assert children == {goals[k] for k in ("chengdu", "yaan") if k in visible}


async def test_budget_visibility(gql: GraphQLClient, goals: dict[str, int]) -> None:
    query = "{ budgets(first: 100) { nodes { region { code } } } }"
    await gql.login_as(ActorType.FINANCE, "510100")
    assert [n["region"]["code"] for n in (await gql.data(query))["budgets"]["nodes"]] == ["510100"]
    await gql.login_as(ActorType.HRSS, "510000", HRSS)
    assert (await gql.data(query))["budgets"]["nodes"] == []  # medical budgets are not HRSS business


async def test_reading_requires_login(gql: GraphQLClient) -> None:
    gql.logout()
    body = await gql.query("{ regions(first: 1) { totalCount } }")
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    gql.http.headers["Authorization"] = "Bearer not-a-token"
    body = await gql.query("{ fundTypes { code } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_administrators_read_everything(gql: GraphQLClient, goals: dict[str, int]) -> None:
    await gql.login_as(ActorType.TAX, "510104", is_admin=True)  # a county's admin still sees all
    data = await gql.data(GOALS)
    assert {int(n["id"]) for n in data["goals"]["nodes"]} == set(goals.values())


async def test_mutations_report_an_invisible_goal_as_absent(
    gql: GraphQLClient, goals: dict[str, int], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Chengdu's agency cannot tell Ya'an's draft from a goal that does not exist, by query or mutation."""
    update = """mutation($id: ID!) { goalUpdate(input: {id: $id, rowVersion: 1, title: "改"}) {
      __typename ... on NotFoundError { entity code } } }"""
    submit = "mutation($id: ID!) { goalSubmit(id: $id, rowVersion: 1) { __typename } }"
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    for query in (update, submit):
        hidden = await gql.query(query, {"id": str(goals["yaan"])})
        missing = await gql.query(query, {"id": "999999"})
        assert hidden == missing  # the same answer, not FORBIDDEN for one and NotFound for the other
        assert next(iter(hidden["data"].values()))["__typename"] == "NotFoundError"
    async with sessionmaker() as s:
        row = await s.get(Goal, goals["yaan"])
        assert row is not None and row.title != "改" and row.row_version == 1
