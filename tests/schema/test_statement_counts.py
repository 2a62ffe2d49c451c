"""The number of SQL statements per query does not grow with the number of rows (no N+1)."""

import re
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import ApiToken, Organization, User
from src.models.enums import ActorType, BudgetStatus, GoalHorizon, GoalStatus
from src.seed.reference import load_reference_data
from src.services.identity.tokens import sha256
from tests.conftest import truncate_all
from tests.events.test_subscriptions import TAX_CONCUR
from tests.factories import make_budget, make_goal, make_user, region_id
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import CASES
from tests.support.sql import StatementCounter

PREFECTURES = ["510100", "510300", "510400", "510500", "510600", "510700", "510800", "510900", "511000"]
FUNDS = ["EMPLOYEE_MEDICAL", "RESIDENT_MEDICAL", "RESIDENT_PENSION"]

GOALS = """{
  goals(filter: {year: 2026}, first: 100) {
    totalCount
    nodes {
      id title status
      region { code name parent { code } ancestors { code } }
      fundType { code name pooling(year: 2026) { poolingLevel } }
      indicators { id level3 weight targetValue goal { id } }
      overallGoal { id indicators { id } }
      parentGoal { id region { code } }
      childGoals { id }
      annualGoals { id }
      budget { id lines { item currentAmount } revenueTotal region { code } }
    }
  }
}"""

BUDGETS = """{ budgets(first: 100) { nodes { id region { name children { code } } fundType { code }
               lines { item initialAmount } expenditureTotal } } }"""

# Art. 14: which approved budgets rest on a superseded goal version, with that version, for a whole page.
REAPPROVAL = """{ budgets(first: 100) { nodes { id status needsReapproval
                  approvedGoal { id version status region { code } } } }
                  stale: budgets(filter: {goalSuperseded: true}, first: 100) { totalCount nodes { id } } }"""

ORGANIZATIONS = """{ organizations(first: 100) { nodes { name region { code parent { name } }
                     users { username } } } }"""

REGIONS = """query($first: Int!) { regions(level: PREFECTURE, first: $first) { nodes { code children { code }
               descendants(level: COUNTY) { code } ancestors { code } parent { code } } } }"""


async def _goals(s: AsyncSession, size: int) -> None:
    for fund in FUNDS[: max(1, size // 3)]:
        province_overall = await make_goal(
            s, fund_code=fund, region_code="510000", horizon=GoalHorizon.OVERALL
        )
        province = await make_goal(
            s, fund_code=fund, region_code="510000", overall_goal_id=province_overall.id, indicators=size
        )
        await make_budget(s, fund_code=fund, region_code="510000")
        for code in PREFECTURES[:size]:
            await make_goal(s, fund_code=fund, region_code=code, parent_goal_id=province.id, indicators=size)
            await make_budget(s, fund_code=fund, region_code=code)


async def _approved_budgets(s: AsyncSession, size: int) -> None:
    """Budgets approved on version 1 of their goal, superseded by version 2 in every other region."""
    for fund in FUNDS[: max(1, size // 3)]:
        for i, code in enumerate(PREFECTURES[:size]):
            superseded = i % 2 == 0
            first = await make_goal(
                s,
                fund_code=fund,
                region_code=code,
                status=GoalStatus.SUPERSEDED if superseded else GoalStatus.ISSUED,
                indicators=1,
            )
            if superseded:
                await make_goal(
                    s,
                    fund_code=fund,
                    region_code=code,
                    status=GoalStatus.ISSUED,
                    indicators=1,
                    version=2,
                    lineage_id=first.lineage_id,
                    previous_version_id=first.id,
                )
            await make_budget(
                s, fund_code=fund, region_code=code, status=BudgetStatus.APPROVED, approved_goal_id=first.id
            )
        await make_budget(s, fund_code=fund, region_code="510000")


async def _organizations(s: AsyncSession, size: int) -> None:
    for code in PREFECTURES[:size]:
        for actor in (ActorType.FINANCE, ActorType.TAX):
            org = Organization(name=f"{code}{actor}", actor_type=actor, region_id=await region_id(s, code))
            s.add(org)
            await s.flush()
            s.add_all(
                [
                    User(username=f"{code}-{actor}-{i}", full_name="x", organization_id=org.id or 0)
                    for i in range(size)
                ]
            )


Builder = Callable[[AsyncSession, int], Awaitable[None]]


@pytest.mark.parametrize(
    ("query", "build"),
    [
        (GOALS, _goals),
        (BUDGETS, _goals),
        (REAPPROVAL, _approved_budgets),
        (ORGANIZATIONS, _organizations),
        (REGIONS, None),
    ],
    ids=["goals", "budgets", "budgets-reapproval", "organizations", "regions"],
)
async def test_statements_do_not_grow_with_rows(
    gql: GraphQLClient,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    count_statements: StatementCounter,
    query: str,
    build: Builder | None,
) -> None:
    counts = []
    sizes = []
    for size in (2, 9):
        await truncate_all(engine)
        async with sessionmaker() as s:
            await load_reference_data(session=s)
            if build is not None:
                await build(s, size)
            await s.commit()
        await gql.login_as()
        count_statements.reset()
        # Fixed reference data (regions) grows by asking for a bigger page instead.
        data = await gql.data(query, {"first": 3 if size == 2 else 21} if build is None else None)
        counts.append(count_statements.count)
        sizes.append(len(next(iter(data.values()))["nodes"]))
    assert sizes[0] < sizes[1], sizes  # the second run really saw more rows
    assert counts[0] == counts[1], (counts, count_statements.statements)


async def test_a_goal_mutation_reads_its_region_and_fund_with_the_goal(
    gql: GraphQLClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    count_statements: StatementCounter,
) -> None:
    # The policy reads them, and the event copies from them what decides who may read it (rows.kept_row):
    # read joined to the goal (goals/editing.visible_goal), never on their own.
    async with sessionmaker() as s:
        goal = await make_goal(s, region_code="510100", status=GoalStatus.DRAFT)
        await s.commit()
    await gql.login_as(ActorType.TAX, "510100")
    count_statements.reset()
    variables = {"input": {"id": str(goal.id), "rowVersion": goal.row_version}}
    assert (await gql.data(TAX_CONCUR, variables))["goalTaxConcur"]["__typename"] == "GoalSuccess"
    reads = [
        m[1] for s in count_statements.statements if (m := re.match(r"SELECT\s.*?\sFROM\s+(\w+)", s, re.S))
    ]
    assert reads.count("goal") == 1 and "region" not in reads and "fund_type" not in reads, reads
    goal_read = next(s for s in count_statements.statements if s.startswith("SELECT goal."))
    assert "JOIN region" in goal_read and "JOIN fund_type" in goal_read, goal_read


async def test_an_api_token_costs_a_request_what_an_access_token_does(
    gql: GraphQLClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    count_statements: StatementCounter,
) -> None:
    # One statement authenticates either (authentication.py: an API token is read with its account); an
    # API token's first use in a minute adds the write that notes it; the next request finds it in the
    # actor cache (actor_cache.py): no statement.
    admin = await gql.login_as(is_admin=True)
    service = await make_user(sessionmaker)
    plaintext = "fp_" + "t" * 40
    async with sessionmaker() as s:
        user = await s.get_one(User, service.id)
        user.is_service_account = True
        s.add(user)
        token = ApiToken(
            name="t",
            user_id=service.id or 0,
            prefix=plaintext[:10],
            token_hash=sha256(plaintext),
            created_by_id=admin.id or 0,
        )
        s.add(token)
        await s.commit()

    async def statements(authorization: str) -> list[str]:
        gql.http.headers["Authorization"] = authorization
        count_statements.reset()
        assert (await gql.data("{ me { username } }"))["me"] is not None
        return list(count_statements.statements)

    access = await statements(f"Bearer {gql.token_for(admin)}")
    first, second = [await statements(f"Bearer {plaintext}") for _ in range(2)]
    assert len(access) == 1 and second == [], (access, second)
    assert len(first) == 2 and first[1].startswith("UPDATE api_token"), first


# What each goal content mutation sent, authentication included (tests/schema/mutation_cases.py builds the
# calls), the same on SQLite and on PostgreSQL, before it wrote an event ...
GOAL_CONTENT_STATEMENTS = {
    "goalCreate": 6,
    "goalUpdate": 5,
    "goalDelete": 11,
    "indicatorCreate": 10,
    "indicatorUpdate": 14,
    "indicatorDelete": 10,
    "indicatorAddFromTemplates": 11,
    "goalDecompositionUpdate": 15,
}
# ... and what its one event adds: its INSERT, and on PostgreSQL the lock that orders event-writing
# transactions (src/subjects/events.py), taken before a transaction's first event.
EVENT_STATEMENTS = {"sqlite": 1, "postgresql": 2}


@pytest.mark.parametrize("name", list(GOAL_CONTENT_STATEMENTS))
async def test_goal_content_mutation_statements(
    gql: GraphQLClient, engine: AsyncEngine, count_statements: StatementCounter, name: str
) -> None:
    call = await CASES[name](gql)
    count_statements.reset()
    data = await gql.data(call.document, call.variables)
    assert data[name]["__typename"].endswith("Success"), data
    statements = count_statements.statements
    assert sum(s.startswith("INSERT INTO event ") for s in statements) == 1, statements
    expected = GOAL_CONTENT_STATEMENTS[name] + EVENT_STATEMENTS[engine.dialect.name]
    assert count_statements.count == expected, statements
