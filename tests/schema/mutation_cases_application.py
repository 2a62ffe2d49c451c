"""The result application's mutations (Art. 20), one successful call each, as tests/schema/mutation_cases.py
has every other mutation's (which imports this module to register them)."""

from typing import Any

from src.models import ResultApplication, ResultApplicationUse
from src.models.enums import ActorType, GoalStatus
from src.models.evaluation import SelfEvaluationStatus
from src.models.result_application import ApplicationKind, ResultApplicationStatus
from tests.factories import fund_type_id, make_actor, make_goal, region_id
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import PREFECTURE, Call, by_id, by_input, case, self_evaluation

FUND = "EMPLOYEE_MEDICAL"
EVALUATED = 2025


async def next_year_goal(gql: GraphQLClient, region: str = PREFECTURE, year: int = EVALUATED + 1) -> str:
    """An issued annual goal of `region`'s employee medical fund for `year` (by default 成都's 2026)."""
    async with gql.sessionmaker() as s:
        row = await make_goal(s, region_code=region, year=year, status=GoalStatus.ISSUED)
        await s.commit()
        return str(row.id)


def use(kind: ApplicationKind, **extra: Any) -> dict[str, Any]:
    return {"kind": kind.value, "description": "依据2025年度评价结果调整", **extra}


async def application(
    gql: GraphQLClient, status: ResultApplicationStatus, region: str = PREFECTURE
) -> dict[str, Any]:
    """成都's record (by its finance) of its 2025 self-evaluation's use in `status`, one POLICY use."""
    finance = await make_actor(gql.sessionmaker, actor_type=ActorType.FINANCE, region_code=region)
    evaluation = await self_evaluation(gql, SelfEvaluationStatus.ACCEPTED)
    async with gql.sessionmaker() as s:
        row = ResultApplication(
            region_id=await region_id(s, region), author_region_id=await region_id(s, region),
            fund_type_id=await fund_type_id(s, FUND), year=EVALUATED,
            self_evaluation_id=int(evaluation["id"]), status=status,
            organization_id=finance.organization_id,
        )  # fmt: skip
        s.add(row)
        await s.flush()
        s.add(
            ResultApplicationUse(
                application_id=row.id or 0, kind=ApplicationKind.POLICY, description="完善基金管理政策"
            )
        )
        await s.commit()
        return {"id": str(row.id), "rowVersion": row.row_version}


@case("resultApplicationCreate")
async def result_application_create(gql: GraphQLClient) -> Call:
    await self_evaluation(gql, SelfEvaluationStatus.ACCEPTED)
    goal = await next_year_goal(gql)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    fields = {"regionCode": PREFECTURE, "fundCode": FUND, "year": EVALUATED,
              "uses": [use(ApplicationKind.NEXT_YEAR_GOAL, goalId=goal)]}  # fmt: skip
    return Call(by_input("resultApplicationCreate", "ResultApplicationCreateInput"), {"input": fields})


@case("resultApplicationUpdate")
async def result_application_update(gql: GraphQLClient) -> Call:
    target = await application(gql, ResultApplicationStatus.DRAFT)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    change = {**target, "uses": [use(ApplicationKind.FUND_ALLOCATION, amount="1200.50")]}
    return Call(by_input("resultApplicationUpdate", "ResultApplicationUpdateInput"), {"input": change})


@case("resultApplicationRecord")
async def result_application_record(gql: GraphQLClient) -> Call:
    target = await application(gql, ResultApplicationStatus.DRAFT)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    return Call(by_id("resultApplicationRecord"), target)


@case("resultApplicationDelete")
async def result_application_delete(gql: GraphQLClient) -> Call:
    target = await application(gql, ResultApplicationStatus.DRAFT)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    return Call(by_id("resultApplicationDelete"), target)
