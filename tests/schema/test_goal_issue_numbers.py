"""Through the API (issue 18, Art. 10): goalIssueGuiding gives the goal its document number, shown as
`documentNumber`, `issuedAt` and `issuingOrganization`; asking for its goal table, by the body that issued
it or by another that reads it, takes no number."""

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import DocumentNumber
from src.models.enums import ActorType, Administration
from src.reports.numbering import year_of_issue
from tests.schema.conftest import GraphQLClient
from tests.schema.test_goal_workflow import draft_goal, step

MED = Administration.MEDICAL_SECURITY
ISSUE = """query($id: ID!) { goal(id: $id) { ... on Goal { status documentNumber issuedAt
  issuingOrganization { actorType region { code } } } } }"""
REPORT = """mutation($input: ReportRequestInput!) { reportRequest(input: $input) { __typename
  ... on ReportRequestSuccess { job { id } } } }"""


async def numbers(sessionmaker: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessionmaker() as session:
        return [n.text for n in (await session.exec(select(DocumentNumber))).all()]


async def test_art10_goal_issue_guiding_shows_the_number_it_drew(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker)
    goal = await step(gql, "goalSubmit", goal)
    await gql.login_as(ActorType.MEDICAL_SECURITY, "510000", MED)
    goal = await step(gql, "goalPreliminaryReview", goal)
    await gql.login_as(ActorType.FINANCE, "510000")
    goal = await step(gql, "goalReview", goal)
    before: dict[str, Any] = (await gql.data(ISSUE, {"id": goal["id"]}))["goal"]
    assert (before["documentNumber"], before["issuedAt"], before["issuingOrganization"]) == (None, None, None)

    await step(gql, "goalIssueGuiding", goal)
    issued: dict[str, Any] = (await gql.data(ISSUE, {"id": goal["id"]}))["goal"]
    year = year_of_issue(datetime.fromisoformat(issued["issuedAt"]))
    assert (issued["status"], issued["documentNumber"]) == ("ISSUED_GUIDING", f"川财社〔{year}〕1号")
    assert issued["issuingOrganization"] == {"actorType": "FINANCE", "region": {"code": "510000"}}

    # The goal table asked for by the province's agency and by 成都市's finance: nobody's number is used.
    for actor_type, region, administration in (
        (ActorType.AGENCY, "510000", MED),
        (ActorType.FINANCE, "510100", None),
    ):
        await gql.login_as(actor_type, region, administration)
        data = await gql.data(REPORT, {"input": {"kind": "GOAL_TABLE", "goalId": goal["id"]}})
        assert data["reportRequest"]["__typename"] == "ReportRequestSuccess", data
    assert await numbers(sessionmaker) == [f"川财社〔{year}〕1号"]
    again: dict[str, Any] = (await gql.data(ISSUE, {"id": goal["id"]}))["goal"]
    assert (again["documentNumber"], again["issuedAt"]) == (issued["documentNumber"], issued["issuedAt"])
