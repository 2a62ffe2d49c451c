"""The `monitoring` query (Art. 12, 13): a region's dashboard through the API, in a constant number of SQL
statements whatever the number of funds, indicators and regions."""

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType, Administration, Aggregation, BudgetItem, BudgetStatus, GoalStatus
from src.seed.reference import load_reference_data
from src.services.monitoring.evaluation import evaluate_period
from tests.conftest import StatementCounter, truncate_all
from tests.factories import make_actor, make_actual, make_budget, make_execution, make_goal, make_indicator
from tests.schema.conftest import GraphQLClient

D = Decimal
MED = Administration.MEDICAL_SECURITY
PREFECTURES = ["510100", "510300", "510400", "510500", "510600", "510700", "510800", "510900", "511000"]

DASHBOARD = """query($region: String!) { monitoring(regionCode: $region, year: 2026, month: 6) {
  __typename
  ... on MonitoringDashboard {
    region { code } year month
    funds {
      fundType { code name } view viewLabel light openWarnings adjustmentReview
      poolingRegions { code name }
      goal { id version region { code } }
      indicators { lineageId level3 comparator aggregation targetValue month actualValue numerator denominator
                   expected ratio deviation light lightLabel reported }
      execution { item itemLabel budget executed rate progress light largeDeviation month }
      timeliness { dueOn expected onTime late missing pending status statusLabel }
      compliance { ok problems { kind kindLabel subject message region { code } } }
      effectiveness { light green yellow red blue unlit }
    }
  }
  ... on UserError { message code }
} }"""


async def build(sessionmaker: async_sessionmaker[AsyncSession], size: int) -> None:
    """`size` prefectures with a medical goal of `size` indicators decomposed from the province-wide one,
    their budgets and June figures, and a province-pooled fund whose `size` prefectures enter their parts;
    June evaluated."""
    async with sessionmaker() as s:
        await load_reference_data(session=s)
        await s.commit()
    agencies = {
        code: await make_actor(
            sessionmaker, actor_type=ActorType.AGENCY, region_code=code, administration=MED
        )
        for code in PREFECTURES[:size]
    }
    async with sessionmaker() as s:
        top = await make_goal(s, region_code="510000", status=GoalStatus.ISSUED, indicators=0)
        lines = [await make_indicator(s, top, level3=f"指标{i}", target_value=D(1200)) for i in range(size)]
        rate = await make_indicator(s, top, level3="发放率", aggregation=Aggregation.RATE, target_value=D(95))
        injury = await make_goal(s, fund_code="WORK_INJURY", region_code="510000", status=GoalStatus.ISSUED,
                                 indicators=0)  # fmt: skip
        injury_line = await make_indicator(s, injury, target_value=D(100))
        for n, (code, agency) in enumerate(agencies.items()):
            goal = await make_goal(
                s, region_code=code, status=GoalStatus.ISSUED, indicators=0, parent_goal_id=top.id
            )
            budget = await make_budget(s, region_code=code, status=BudgetStatus.APPROVED)
            for line in lines:
                own = await make_indicator(s, goal, level3=line.level3, inherited_from_id=line.id)
                await make_actual(s, own, month=6, by=agency, value=D(100 * (n + 1)))
            own_rate = await make_indicator(
                s,
                goal,
                level3="发放率",
                aggregation=Aggregation.RATE,
                target_value=D(95),
                inherited_from_id=rate.id,
            )
            await make_actual(s, own_rate, month=6, by=agency, numerator=D(n + 1), denominator=D(2 * n + 2))
            for item in (BudgetItem.CONTRIBUTION, BudgetItem.BENEFITS):
                await make_execution(s, budget, item, month=6, amount=D(1000 * (n + 1)), by=agency)
            await make_actual(s, injury_line, month=6, by=agency, value=D(10), region_code=code)
        await s.commit()
        await evaluate_period(session=s, year=2026, month=6)
        await s.commit()


async def test_art12_the_province_dashboard_costs_the_same_statements_at_any_size(
    gql: GraphQLClient,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    count_statements: StatementCounter,
) -> None:
    counts, sizes = [], []
    for size in (2, 9):
        await truncate_all(engine)
        await build(sessionmaker, size)
        await gql.login_as(ActorType.FINANCE, "510000")
        count_statements.reset()
        data = (await gql.data(DASHBOARD, {"region": "510000"}))["monitoring"]
        counts.append(count_statements.count)
        funds = {f["fundType"]["code"]: f for f in data["funds"]}
        medical, injury = funds["EMPLOYEE_MEDICAL"], funds["WORK_INJURY"]
        sizes.append(
            (len(medical["indicators"]), medical["indicators"][0]["reported"], medical["openWarnings"])
        )
        assert medical["view"] == "ROLL_UP" and injury["view"] == "POOLING"
        # The parts of the province-pooled fund add up: 10 per prefecture.
        assert D(injury["indicators"][0]["actualValue"]) == 10 * size
        # The rate of the roll-up is recomputed from the summed parts: (1 + 2 + …) ÷ (2 + 4 + …) = 50%.
        rate = next(i for i in medical["indicators"] if i["level3"] == "发放率")
        assert D(rate["actualValue"]) == 50 and rate["reported"] == size
    assert sizes[0] < sizes[1], sizes  # the second run really saw more funds' rows
    assert counts[0] == counts[1], (counts, count_statements.statements)


async def test_art13_a_prefecture_reads_its_own_dashboard(gql: GraphQLClient, sessionmaker: Any) -> None:
    await build(sessionmaker, 2)
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    data = (await gql.data(DASHBOARD, {"region": "510100"}))["monitoring"]
    assert [f["fundType"]["code"] for f in data["funds"]] == ["EMPLOYEE_MEDICAL", "RESIDENT_MEDICAL"]
    medical = data["funds"][0]
    assert (medical["view"], medical["goal"]["region"]["code"]) == ("POOLING", "510100")
    # 100 of the 600 expected by June: red, and warned.
    first = medical["indicators"][0]
    assert (D(first["ratio"]), first["light"], medical["light"]) == (D("16.67"), "RED", "RED")
    assert medical["openWarnings"] >= 3 and medical["effectiveness"]["red"] == 3
    assert medical["timeliness"]["expected"] == 3 + 10 and medical["compliance"]["ok"]


async def test_art13_a_bad_month_is_refused_by_field(gql: GraphQLClient) -> None:
    data = await gql.data('{ monitoring(regionCode: "510000", year: 2026, month: 13) { __typename '
                          "... on ValidationError { fields { field code } } } }")  # fmt: skip
    assert data["monitoring"] == {
        "__typename": "ValidationError",
        "fields": [{"field": "month", "code": "OUT_OF_RANGE"}],
    }
    missing = await gql.data('{ monitoring(regionCode: "999999", year: 2026, month: 6) { __typename } }')
    assert missing["monitoring"]["__typename"] == "NotFoundError"
