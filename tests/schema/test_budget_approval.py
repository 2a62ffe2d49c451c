"""Art. 7: a fund budget is approved only when its pooling region's goal is issued (guiding or formal).
Art. 14: the approval rests on one goal version; once a new version supersedes it, the budget is approved
again on the version in force."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import AuditEvent, FundBudget, Goal
from src.models.enums import ActorType, BudgetStatus, GoalHorizon, GoalStatus
from tests.factories import make_budget, make_goal
from tests.schema.conftest import GraphQLClient
from tests.schema.test_goal_stage import approve_budget, budget_state, injury_goal_reviewed
from tests.schema.test_goal_workflow import step

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


# --- Art. 14: goal versions. The approval rests on one version; once superseded, approve again. ------------

BUDGET = """query($id: ID!) { budget(id: $id) { ... on FundBudget {
  status needsReapproval approvedAt rowVersion approvedGoal { id version status } } } }"""

APPROVE_WITH_CODE = APPROVE.replace("... on UserError { message }", "... on UserError { message code }")

REAPPROVAL_LIST = """query($superseded: Boolean) { budgets(filter: {goalSuperseded: $superseded}) {
  totalCount nodes { id needsReapproval } } }"""


async def _versions(
    s: AsyncSession, statuses: list[GoalStatus], *, region_code: str = "510100", newest_first: bool = False
) -> list[Goal]:
    """Versions 1, 2, … of one annual goal with these statuses, made directly (not through the workflow);
    `newest_first` inserts the highest version first, so that it has the lowest id."""
    lineage = uuid.uuid4()
    order = list(enumerate(statuses, start=1))
    made: dict[int, Goal] = {}
    for version, status in reversed(order) if newest_first else order:
        made[version] = await make_goal(
            s, region_code=region_code, status=status, version=version, lineage_id=lineage, indicators=1
        )
    for version, goal in made.items():
        goal.previous_version_id = made[version - 1].id if version > 1 else None
    await s.flush()
    return [made[version] for version, _ in order]


async def _supersede(sessionmaker: async_sessionmaker[AsyncSession], old: Goal, new: Goal) -> None:
    """What issuing a new version does to the goals (the goal workflow's part, done here directly)."""
    async with sessionmaker() as s:
        old_row, new_row = await s.get(Goal, old.id), await s.get(Goal, new.id)
        assert old_row is not None and new_row is not None
        old_row.status, new_row.status = GoalStatus.SUPERSEDED, GoalStatus.ISSUED
        await s.commit()


async def _approve(gql: GraphQLClient, budget_id: int | None, row_version: int) -> dict[str, Any]:
    result: dict[str, Any] = (await gql.data(APPROVE, {"id": str(budget_id), "rowVersion": row_version}))[
        "budgetApprove"
    ]
    return result


async def _budget(gql: GraphQLClient, budget_id: int | None) -> dict[str, Any]:
    result: dict[str, Any] = (await gql.data(BUDGET, {"id": str(budget_id)}))["budget"]
    return result


async def _listed(gql: GraphQLClient, superseded: bool | None) -> list[str]:
    data = (await gql.data(REAPPROVAL_LIST, {"superseded": superseded}))["budgets"]
    assert data["totalCount"] == len(data["nodes"])
    if superseded is not None:
        assert all(n["needsReapproval"] is superseded for n in data["nodes"])
    return [n["id"] for n in data["nodes"]]


@pytest.mark.parametrize("newest_first", [False, True], ids=["oldest-first", "newest-first"])
async def test_art7_approval_records_the_goal_version(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], newest_first: bool
) -> None:
    # Versions 1 and 2 both in force (guiding, formal) and 3 an adjustment in progress: the approval rests on
    # the newest version in force, whatever the order of the rows.
    async with sessionmaker() as s:
        _, v2, _ = await _versions(
            s,
            [GoalStatus.ISSUED_GUIDING, GoalStatus.ISSUED, GoalStatus.SUBMITTED],
            newest_first=newest_first,
        )
        budget = await make_budget(s, region_code="510100")
        await s.commit()
    user = await gql.login_as(ActorType.FINANCE, "510100")
    result = await _approve(gql, budget.id, budget.row_version)
    assert result["__typename"] == "FundBudgetSuccess"
    async with sessionmaker() as s:
        row = await s.get(FundBudget, budget.id)
        [audit] = (await s.exec(select(AuditEvent).where(AuditEvent.operation == "budgetApprove"))).all()
    assert row is not None
    assert (row.status, row.approved_goal_id, row.approved_by_id) == (BudgetStatus.APPROVED, v2.id, user.id)
    assert audit.changes["goal_id"] == {"before": None, "after": v2.id}
    assert audit.changes["approved_goal_id"] == {"before": None, "after": v2.id}
    assert await _budget(gql, budget.id) == {
        "status": "APPROVED",
        "needsReapproval": False,
        "approvedAt": result["budget"]["approvedAt"],
        "rowVersion": budget.row_version + 1,
        "approvedGoal": {"id": str(v2.id), "version": 2, "status": "ISSUED"},
    }


async def test_art14_budget_on_a_superseded_goal_is_listed_for_reapproval(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as s:
        v1, v2 = await _versions(s, [GoalStatus.ISSUED, GoalStatus.DRAFT])  # 成都市: an adjustment drafted
        [yaan] = await _versions(s, [GoalStatus.ISSUED], region_code="511800")
        chengdu = await make_budget(s, region_code="510100")
        settled = await make_budget(
            s, region_code="511800", status=BudgetStatus.APPROVED, approved_goal_id=yaan.id
        )
        draft = await make_budget(s, region_code="510300")
        await s.commit()
    await gql.login_as(ActorType.FINANCE, "510100")
    assert (await _approve(gql, chengdu.id, chengdu.row_version))["__typename"] == "FundBudgetSuccess"
    await gql.login_as()  # the province sees every budget
    everyone = sorted(str(b.id) for b in (chengdu, settled, draft))
    assert await _listed(gql, True) == []
    assert sorted(await _listed(gql, False)) == everyone

    await _supersede(sessionmaker, v1, v2)  # the adjusted version is issued

    assert await _listed(gql, True) == [str(chengdu.id)]
    assert sorted(await _listed(gql, False)) == sorted([str(settled.id), str(draft.id)])
    assert sorted(await _listed(gql, None)) == everyone
    budget = await _budget(gql, chengdu.id)
    assert budget["status"] == "APPROVED" and budget["needsReapproval"] is True
    assert budget["approvedGoal"] == {"id": str(v1.id), "version": 1, "status": "SUPERSEDED"}
    # The filter composes with the others, and follows the reader's visibility.
    narrowed = """{ budgets(filter: {goalSuperseded: true, regionCode: "511800"}) { totalCount } }"""
    assert (await gql.data(narrowed))["budgets"]["totalCount"] == 0
    await gql.login_as(ActorType.FINANCE, "510300")  # 自贡市 sees no budget of 成都市
    assert await _listed(gql, True) == []


async def test_art14_guiding_version_keeps_its_budget_valid_until_superseded(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # Art. 10: the province issues a guiding goal at budget deployment; the budget may be approved on it.
    async with sessionmaker() as s:
        [guiding] = await _versions(s, [GoalStatus.ISSUED_GUIDING])
        budget = await make_budget(s, region_code="510100")
        await s.commit()
    await gql.login_as(ActorType.FINANCE, "510100")
    approved = await _approve(gql, budget.id, budget.row_version)
    assert approved["__typename"] == "FundBudgetSuccess"
    row_version = approved["budget"]["rowVersion"]
    # Submitted to and approved by the national departments, it stays guiding, in force (Art. 10).
    for field in ("national_submitted_at", "national_approved_at"):
        async with sessionmaker() as s:
            goal = await s.get(Goal, guiding.id)
            assert goal is not None
            setattr(goal, field, datetime.now(UTC))
            await s.commit()
        state = await _budget(gql, budget.id)
        assert (state["status"], state["needsReapproval"]) == ("APPROVED", False)
        assert state["approvedGoal"]["id"] == str(guiding.id)
        assert await _listed(gql, True) == []
        assert await _listed(gql, False) == [str(budget.id)]
        assert await _approve(gql, budget.id, row_version) == {
            "__typename": "InvalidTransitionError",
            "message": "该预算已批复",
            "currentStatus": "APPROVED",
        }
    # The national departments return it; the new version, once issued, supersedes the guiding one.
    async with sessionmaker() as s:
        formal = await make_goal(
            s,
            region_code="510100",
            version=2,
            lineage_id=guiding.lineage_id,
            previous_version_id=guiding.id,
            indicators=1,
        )
        await s.commit()
    await _supersede(sessionmaker, guiding, formal)
    assert await _listed(gql, True) == [str(budget.id)]
    assert (await _budget(gql, budget.id))["needsReapproval"] is True


async def test_art14_reapproval_binds_the_version_in_force(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as s:
        v1, v2 = await _versions(s, [GoalStatus.ISSUED, GoalStatus.DRAFT])
        budget = await make_budget(s, region_code="510100")
        await s.commit()
    first_user = await gql.login_as(ActorType.FINANCE, "510100")
    first = await _approve(gql, budget.id, budget.row_version)
    await _supersede(sessionmaker, v1, v2)

    second_user = await gql.login_as(ActorType.FINANCE, "510100")
    # A stale rowVersion is refused like any other write.
    stale = await gql.data(APPROVE, {"id": str(budget.id), "rowVersion": budget.row_version})
    assert stale["budgetApprove"]["__typename"] == "ConflictError"
    second = await _approve(gql, budget.id, first["budget"]["rowVersion"])
    assert second["__typename"] == "FundBudgetSuccess"
    assert second["budget"]["status"] == "APPROVED"
    assert second["budget"]["approvedAt"] > first["budget"]["approvedAt"]
    assert second["budget"]["rowVersion"] == first["budget"]["rowVersion"] + 1
    async with sessionmaker() as s:
        row = await s.get(FundBudget, budget.id)
        audits = (
            await s.exec(
                select(AuditEvent).where(AuditEvent.operation == "budgetApprove").order_by(col(AuditEvent.id))
            )
        ).all()
    assert row is not None and first_user.id != second_user.id
    assert (row.approved_goal_id, row.approved_by_id) == (v2.id, second_user.id)
    assert [a.changes["goal_id"]["after"] for a in audits] == [v1.id, v2.id]
    assert audits[1].changes["approved_goal_id"] == {"before": v1.id, "after": v2.id}
    state = await _budget(gql, budget.id)
    assert state["needsReapproval"] is False
    assert state["approvedGoal"] == {"id": str(v2.id), "version": 2, "status": "ISSUED"}
    assert await _listed(gql, True) == []
    # Approved on the version in force: approving once more is the usual refusal.
    again = await _approve(gql, budget.id, second["budget"]["rowVersion"])
    assert again["__typename"] == "InvalidTransitionError" and again["currentStatus"] == "APPROVED"


async def test_art14_reapproval_needs_a_version_in_force(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # Superseded, and the version after it is not (or no longer) in force: Art. 7's precondition applies.
    async with sessionmaker() as s:
        v1, _ = await _versions(s, [GoalStatus.SUPERSEDED, GoalStatus.SUBMITTED])
        budget = await make_budget(
            s, region_code="510100", status=BudgetStatus.APPROVED, approved_goal_id=v1.id
        )
        await s.commit()
    await gql.login_as(ActorType.FINANCE, "510100")
    variables = {"id": str(budget.id), "rowVersion": budget.row_version}
    answer = (await gql.data(APPROVE_WITH_CODE, variables))["budgetApprove"]
    assert answer["__typename"] == "PreconditionFailedError" and answer["code"] == "GOAL_NOT_ISSUED"
    assert "第七条" in answer["message"]
    async with sessionmaker() as s:
        row = await s.get(FundBudget, budget.id)
    assert row is not None
    assert (row.status, row.approved_goal_id, row.row_version) == (
        BudgetStatus.APPROVED,
        v1.id,
        budget.row_version,
    )
    assert (await _budget(gql, budget.id))["needsReapproval"] is True


async def test_art10_a_budget_needs_an_issued_goal(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Art. 7 with Art. 10: a goal approved by the national departments but never issued (下达) is not yet
    the goal the budget rests on; once finance issues it, the budget is approved on it."""
    goal, budget_id = await injury_goal_reviewed(gql, sessionmaker)
    goal = await step(gql, "goalSubmitToNational", goal)
    await gql.login_as(ActorType.NATIONAL, "510000")
    goal = await step(gql, "goalNationalApprove", goal)
    assert goal["status"] == "NATIONAL_APPROVED"

    await gql.login_as(ActorType.FINANCE, "510000")
    refused = await approve_budget(gql, budget_id)
    assert refused["__typename"] == "PreconditionFailedError" and refused["code"] == "GOAL_NOT_ISSUED"
    assert "第七条" in refused["message"]
    state = await budget_state(gql, budget_id)
    assert (state["status"], state["approvedGoal"]) == ("DRAFT", None)

    goal = await step(gql, "goalIssue", goal)
    approved = await approve_budget(gql, budget_id)
    assert approved["budget"]["approvedGoal"] == {"id": goal["id"], "status": "ISSUED"}
