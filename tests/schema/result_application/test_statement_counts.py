"""A page of goals (or budgets) asking which result applications changed them (Art. 20) costs the same
statements for 2 goals as for 8: one statement for the records of the whole page (visibility in SQL), one
for their uses."""

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Region, ResultApplication, ResultApplicationUse, User
from src.models.enums import ActorType, GoalStatus, RegionLevel
from src.models.result_application import ApplicationKind, ResultApplicationStatus
from src.seed.reference import load_reference_data
from tests.conftest import truncate_all
from tests.factories import make_budget, make_goal, make_user
from tests.schema.conftest import GraphQLClient
from tests.support.sql import StatementCounter

GOALS = """{ goals(filter: {year: 2026}, first: 50) { nodes { id
  resultApplications { id year uses { kind goalId } } } } }"""
PLAIN = "{ goals(filter: {year: 2026}, first: 50) { nodes { id } } }"
BUDGETS = """{ budgets(filter: {year: 2026}, first: 50) { nodes { id
  resultApplications { id uses { kind } } } } }"""


async def linked(session: AsyncSession, size: int, finance: User) -> None:
    """`size` prefectures' 2026 goals and budgets, each changed by its prefecture's recorded 2025 record."""
    stmt = select(Region).where(Region.level == RegionLevel.PREFECTURE).order_by(col(Region.code))
    for region in (await session.exec(stmt.limit(size))).all():
        goal = await make_goal(session, region_code=region.code, year=2026, status=GoalStatus.ISSUED)
        budget = await make_budget(session, region_code=region.code, year=2026)
        row = ResultApplication(
            region_id=region.id or 0, author_region_id=region.id or 0, fund_type_id=goal.fund_type_id,
            year=2025, status=ResultApplicationStatus.RECORDED, organization_id=finance.organization_id,
        )  # fmt: skip
        session.add(row)
        await session.flush()
        at = row.id or 0
        session.add_all([
            ResultApplicationUse(application_id=at, kind=ApplicationKind.NEXT_YEAR_GOAL, description="调整",
                                 goal_id=goal.id),
            ResultApplicationUse(application_id=at, kind=ApplicationKind.NEXT_YEAR_BUDGET, description="调整",
                                 budget_id=budget.id),
        ])  # fmt: skip
    await session.flush()


async def test_art20_the_goal_page_reads_its_result_applications_in_one_statement(
    gql: GraphQLClient,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    count_statements: StatementCounter,
) -> None:
    counts: dict[str, list[int]] = {"goals": [], "plain": [], "budgets": []}
    for size in (2, 8):
        await truncate_all(engine)
        async with sessionmaker() as s:
            await load_reference_data(session=s)
            await s.commit()
        finance = await make_user(sessionmaker, actor_type=ActorType.FINANCE)
        async with sessionmaker() as s:
            await linked(s, size, finance)
            await s.commit()
        await gql.login_as(ActorType.FINANCE, "510000")
        await gql.data("{ __typename }")  # the caller authenticated and kept (the actor cache): not counted
        for name, query in (("goals", GOALS), ("plain", PLAIN), ("budgets", BUDGETS)):
            count_statements.reset()
            data = await gql.data(query)
            counts[name].append(count_statements.count)
            nodes = next(iter(data.values()))["nodes"]
            assert len(nodes) == size, data
            if name != "plain":
                assert all(len(n["resultApplications"]) == 1 for n in nodes), data
    assert counts["goals"][0] == counts["goals"][1], counts
    assert counts["budgets"][0] == counts["budgets"][1], counts
    # The records of the page in one statement, their uses in one more.
    assert counts["goals"][0] - counts["plain"][0] == 2, counts
