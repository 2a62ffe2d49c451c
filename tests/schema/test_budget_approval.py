"""Art. 7: a fund budget is approved only when its pooling region's goal is issued (guiding or formal)."""

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import AuditEvent, FundBudget
from src.models.enums import ActorType, BudgetStatus, GoalHorizon, GoalStatus
from tests.factories import make_budget, make_goal
from tests.schema.conftest import GraphQLClient

APPROVE = """mutation($id: ID!, $rowVersion: Int!) { budgetApprove(id: $id, rowVersion: $rowVersion) {
  __typename
  ... on FundBudgetSuccess { budget { status statusLabel approvedAt rowVersion } }
  ... on UserError { message }
  ... on InvalidTransitionError { currentStatus } } }"""


@pytest.mark.parametrize(
    ("goal_status", "horizon", "approved"),
    [
        (None, GoalHorizon.ANNUAL, False),
        (GoalStatus.REVIEWED, GoalHorizon.ANNUAL, False),
        (GoalStatus.ISSUED, GoalHorizon.OVERALL, False),  # an overall goal is not the year's goal
        (GoalStatus.ISSUED_GUIDING, GoalHorizon.ANNUAL, True),
        (GoalStatus.ISSUED, GoalHorizon.ANNUAL, True),
    ],
)
async def test_budget_needs_an_issued_annual_goal(
    gql: GraphQLClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    goal_status: GoalStatus | None,
    horizon: GoalHorizon,
    approved: bool,
) -> None:
    async with sessionmaker() as s:
        if goal_status is not None:
            await make_goal(s, region_code="510100", year=2026, horizon=horizon, status=goal_status)
        budget = await make_budget(s, region_code="510100", year=2026)
        await s.commit()
    await gql.login_as(ActorType.FINANCE, "510100")
    result = (await gql.data(APPROVE, {"id": str(budget.id), "rowVersion": budget.row_version}))[
        "budgetApprove"
    ]
    async with sessionmaker() as s:
        row = await s.get(FundBudget, budget.id)
        audits = (await s.exec(select(AuditEvent).where(AuditEvent.operation == "budgetApprove"))).all()
    assert row is not None
    if approved:
        assert result["__typename"] == "FundBudgetSuccess"
        assert result["budget"]["status"] == "APPROVED" and result["budget"]["approvedAt"]
        assert row.status == BudgetStatus.APPROVED and len(audits) == 1
        again = await gql.data(APPROVE, {"id": str(budget.id), "rowVersion": result["budget"]["rowVersion"]})
        assert again["budgetApprove"] == {
            "__typename": "InvalidTransitionError",
            "message": "该预算已批复",
            "currentStatus": "APPROVED",
        }
    else:
        assert result["__typename"] == "PreconditionFailedError"
        assert "第七条" in result["message"] and "成都市" in result["message"]
        assert row.status == BudgetStatus.DRAFT and row.row_version == budget.row_version and audits == []
