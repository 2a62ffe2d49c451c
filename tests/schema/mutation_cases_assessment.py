"""The assessment's mutations (Art. 22), one successful call each, as tests/schema/mutation_cases.py has every
other mutation's (which imports this module to register them)."""

from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType, Administration
from src.services.actors import Actor
from src.services.assessment import rounds
from tests.factories import make_actor
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import MED, PROVINCE, Call, by_id, by_input, case

CONCURRING = (ActorType.HRSS, ActorType.MEDICAL_SECURITY, ActorType.TAX)
ADMINISTRATION = {ActorType.HRSS: Administration.HRSS, ActorType.MEDICAL_SECURITY: MED}


async def provincial(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[ActorType, Actor]:
    """财政厅, 人社厅, 省医保局 and 省税务局, the assessing bodies (a user of each)."""
    return {
        t: await make_actor(
            sessionmaker, actor_type=t, region_code=PROVINCE, administration=ADMINISTRATION.get(t)
        )
        for t in (ActorType.FINANCE, *CONCURRING)
    }


async def assessment(gql: GraphQLClient, *, computed: bool, concurred: bool = False) -> dict[str, Any]:
    """财政厅's 2025 round, computed (and concurred with by the three) if asked, as the services make it."""
    bodies = await provincial(gql.sessionmaker)
    async with gql.sessionmaker() as s:
        row = await rounds.open_round(session=s, actor=bodies[ActorType.FINANCE], year=2025)
        if computed:
            row = await rounds.compute_round(
                session=s, actor=bodies[ActorType.FINANCE], round_id=row.id or 0, row_version=row.row_version
            )
        if concurred:
            for body in CONCURRING:
                row = await rounds.concur_round(
                    session=s, actor=bodies[body], round_id=row.id or 0, row_version=row.row_version
                )
        await s.commit()
        return {"id": str(row.id), "rowVersion": row.row_version}


@case("assessmentRoundOpen")
async def assessment_round_open(gql: GraphQLClient) -> Call:
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    return Call(by_input("assessmentRoundOpen", "AssessmentRoundOpenInput"), {"input": {"year": 2025}})


@case("assessmentRoundCompute")
async def assessment_round_compute(gql: GraphQLClient) -> Call:
    target = await assessment(gql, computed=False)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    return Call(by_id("assessmentRoundCompute"), target)


@case("assessmentRoundConcur")
async def assessment_round_concur(gql: GraphQLClient) -> Call:
    target = await assessment(gql, computed=True)
    await gql.login_as(ActorType.TAX, PROVINCE)  # 省税务局, by its duties (Art. 22)
    return Call(by_id("assessmentRoundConcur"), target)


@case("assessmentRoundPublish")
async def assessment_round_publish(gql: GraphQLClient) -> Call:
    target = await assessment(gql, computed=True, concurred=True)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    return Call(by_id("assessmentRoundPublish"), target)
