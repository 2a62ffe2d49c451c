"""src/services/budgets/approval.py: a fund budget is approved by the finance department of its pooling region
only when that region's annual goal for the fund and year is issued, guiding or formal (Art. 7: goals are
the precondition of the budget; Art. 10), and the approval records that goal version. Once a new version
supersedes it (Art. 14), the budget is approved again, on the version then in force."""

import uuid

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import AuditEvent, Event, FundBudget, Goal
from src.models.budget import BudgetEventKind
from src.models.enums import ActorType, BudgetStatus, GoalHorizon, GoalStatus
from src.services.actors import Actor
from src.services.budgets.approval import approve_budget
from src.services.budgets.reads import BudgetQuery, budgets_select
from src.services.errors import (
    BudgetErrorCode,
    CommonErrorCode,
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
)
from src.services.goals import workflow
from src.services.goals.steps import GoalAction
from tests.factories import make_actor, make_budget, make_goal
from tests.services.conftest import CHENGDU, HRSS, YAAN, Bodies, Call, Sessionmaker, act, refused
from tests.services.goals.conftest import step, through_review

S = GoalStatus
YEAR = 2027


def approve(actor: Actor, budget_id: int | None, row_version: int = 1) -> Call[FundBudget]:
    return lambda s: approve_budget(session=s, actor=actor, budget_id=budget_id or 0, row_version=row_version)


async def versions(session: AsyncSession, *statuses: GoalStatus) -> list[Goal]:
    """Versions 1, 2, … of 成都市's 2027 annual employee medical goal, in these states."""
    lineage, made = uuid.uuid4(), list[Goal]()
    for number, status in enumerate(statuses, start=1):
        previous = made[-1].id if made else None
        made.append(
            await make_goal(
                session,
                region_code=CHENGDU,
                year=YEAR,
                status=status,
                version=number,
                lineage_id=lineage,
                previous_version_id=previous,
                indicators=4,  # every category and both kinds (Art. 9): the adjusted version is submitted
            )
        )
    return made


async def budget_row(sessionmaker: Sessionmaker, budget_id: int | None) -> FundBudget:
    async with sessionmaker() as session:
        budget = await session.get(FundBudget, budget_id)
    assert budget is not None
    return budget


@pytest.mark.parametrize(
    ("fund_code", "year", "horizon", "status", "approved"),
    [
        (None, YEAR, GoalHorizon.ANNUAL, None, False),  # no goal at all
        ("EMPLOYEE_MEDICAL", YEAR, GoalHorizon.ANNUAL, S.REVIEWED, False),  # not yet issued
        ("EMPLOYEE_MEDICAL", YEAR, GoalHorizon.ANNUAL, S.SUPERSEDED, False),  # no longer in force
        ("EMPLOYEE_MEDICAL", YEAR, GoalHorizon.OVERALL, S.ISSUED, False),  # not the year's own goal
        ("EMPLOYEE_MEDICAL", YEAR - 1, GoalHorizon.ANNUAL, S.ISSUED, False),  # another year's
        ("RESIDENT_MEDICAL", YEAR, GoalHorizon.ANNUAL, S.ISSUED, False),  # another fund's
        ("EMPLOYEE_MEDICAL", YEAR, GoalHorizon.ANNUAL, S.ISSUED_GUIDING, True),  # Art. 10
        ("EMPLOYEE_MEDICAL", YEAR, GoalHorizon.ANNUAL, S.ISSUED, True),
    ],
)
async def test_art7_a_budget_is_approved_on_the_years_issued_annual_goal(
    sessionmaker: Sessionmaker,
    chengdu: Bodies,
    fund_code: str | None,
    year: int,
    horizon: GoalHorizon,
    status: GoalStatus | None,
    approved: bool,
) -> None:
    async with sessionmaker() as session:
        if fund_code is not None and status is not None:
            await make_goal(
                session, fund_code=fund_code, region_code=CHENGDU, year=year, horizon=horizon, status=status
            )
        budget = await make_budget(session, region_code=CHENGDU, year=YEAR)
        await session.commit()
    if approved:
        done = await act(sessionmaker, approve(chengdu.finance, budget.id))
        assert done.status == BudgetStatus.APPROVED
        return
    error = await refused(sessionmaker, PreconditionFailed, approve(chengdu.finance, budget.id))
    assert error.code == BudgetErrorCode.GOAL_NOT_ISSUED
    assert error.message.startswith("成都市2027年职工基本医疗保险(含生育保险)基金的年度绩效目标尚未下达")
    assert "第七条" in error.message


async def test_art7_the_approval_records_who_when_and_the_goal_version_in_force(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    async with sessionmaker() as session:  # 1 guiding and 2 formal both in force, 3 an adjustment under way
        _, v2, _ = await versions(session, S.ISSUED_GUIDING, S.ISSUED, S.SUBMITTED)
        budget = await make_budget(session, region_code=CHENGDU, year=YEAR)
        await session.commit()
    approved = await act(sessionmaker, approve(chengdu.finance, budget.id))
    stored = await budget_row(sessionmaker, budget.id)
    assert (stored.status, stored.approved_goal_id, stored.approved_by_id, stored.row_version) == (
        BudgetStatus.APPROVED,
        v2.id,
        chengdu.finance.user_id,
        2,
    )
    assert stored.approved_at is not None and stored.approved_at == approved.approved_at
    async with sessionmaker() as session:
        [event] = (
            await session.exec(select(Event).where(Event.kind == BudgetEventKind.BUDGET_APPROVED))
        ).all()
        [audit] = (
            await session.exec(select(AuditEvent).where(AuditEvent.operation == "budgetApprove"))
        ).all()
    assert (event.subject_id, event.payload) == (budget.id, {"year": YEAR, "goalId": v2.id})
    assert audit.changes["approved_goal_id"] == {"before": None, "after": v2.id}


async def test_art7_the_finance_department_of_the_budgets_region_approves(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies, national: Actor
) -> None:
    async with sessionmaker() as session:
        await versions(session, S.ISSUED)
        budget = await make_budget(session, region_code=CHENGDU, year=YEAR)
        await session.commit()
    # Who sees the budget but does not approve it is forbidden; who does not see it is told it is not there.
    for actor in (province.finance, chengdu.agency, chengdu.reviewer, chengdu.tax, national):
        await refused(sessionmaker, Forbidden, approve(actor, budget.id))
    yaan = await make_actor(sessionmaker, region_code=YAAN)
    hrss = await make_actor(
        sessionmaker, actor_type=ActorType.AGENCY, region_code=CHENGDU, administration=HRSS
    )
    third = await make_actor(sessionmaker, actor_type=ActorType.THIRD_PARTY)
    for actor in (yaan, hrss, third):
        missing = await refused(sessionmaker, NotFound, approve(actor, budget.id))
        assert (missing.entity, missing.key) == ("基金预算", str(budget.id))
    await refused(sessionmaker, NotFound, approve(chengdu.finance, 999_999))


async def test_art7_an_approved_budget_is_not_approved_again(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    async with sessionmaker() as session:
        await versions(session, S.ISSUED)
        budget = await make_budget(session, region_code=CHENGDU, year=YEAR)
        await session.commit()
    await act(sessionmaker, approve(chengdu.finance, budget.id))
    error = await refused(sessionmaker, InvalidTransition, approve(chengdu.finance, budget.id, 2))
    assert (error.code, error.current_status, error.operation, error.message) == (
        BudgetErrorCode.ALREADY_APPROVED,
        "APPROVED",
        "budgetApprove",
        "该预算已批复",
    )


async def test_art7_an_approval_on_a_stale_row_version_is_a_conflict(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    async with sessionmaker() as session:
        await versions(session, S.ISSUED)
        budget = await make_budget(session, region_code=CHENGDU, year=YEAR)
        budget.row_version = 3
        await session.commit()
    error = await refused(sessionmaker, Conflict, approve(chengdu.finance, budget.id, 2))
    assert (error.code, error.current_version) == (CommonErrorCode.STALE_VERSION, 3)


async def test_art10_a_guiding_goal_carries_its_budget_until_superseded(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    """The same version turning formal (Art. 10) changes nothing for the budget approved on it."""
    async with sessionmaker() as session:
        [guiding] = await versions(session, S.ISSUED_GUIDING)
        budget = await make_budget(session, region_code=CHENGDU, year=YEAR)
        await session.commit()
    await act(sessionmaker, approve(chengdu.finance, budget.id))
    async with sessionmaker() as session:
        goal = await session.get(Goal, guiding.id)
        assert goal is not None
        goal.status = S.ISSUED
        await session.commit()
    error = await refused(sessionmaker, InvalidTransition, approve(chengdu.finance, budget.id, 2))
    assert error.code == BudgetErrorCode.ALREADY_APPROVED


async def test_art14_a_budget_is_approved_again_on_the_adjusted_version(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    async with sessionmaker() as session:
        [v1] = await versions(session, S.ISSUED)
        budget = await make_budget(session, region_code=CHENGDU, year=YEAR)
        await session.commit()
    first = await act(sessionmaker, approve(chengdu.finance, budget.id))
    # The goal is adjusted (Art. 14) and the new version issued: the earlier one is superseded.
    assessment = workflow.Assessment(
        what_changed="扩面", reason="政策调整", fund_effect="增收", target_effect="上调"
    )
    v2 = await act(
        sessionmaker,
        lambda s: workflow.request_adjustment(
            session=s, actor=chengdu.agency, goal_id=v1.id or 0, row_version=1, assessment=assessment
        ),
    )
    await through_review(sessionmaker, chengdu, v2.id or 0)
    await step(sessionmaker, chengdu.finance, v2.id or 0, GoalAction.ISSUE)
    async with sessionmaker() as session:
        listed = (
            await session.exec(budgets_select(BudgetQuery(goal_superseded=True), chengdu.finance))
        ).all()
    assert [b.id for b in listed] == [budget.id]

    second_user = await make_actor(sessionmaker, region_code=CHENGDU)
    again = await act(sessionmaker, approve(second_user, budget.id, first.row_version))
    assert (again.approved_goal_id, again.approved_by_id) == (v2.id, second_user.user_id)
    assert again.row_version == first.row_version + 1 and again.approved_at is not None
    error = await refused(sessionmaker, InvalidTransition, approve(chengdu.finance, budget.id, 3))
    assert error.code == BudgetErrorCode.ALREADY_APPROVED  # approved on the version in force


async def test_art14_approving_again_needs_a_version_in_force(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    async with sessionmaker() as session:  # superseded, and its successor not issued
        v1, _ = await versions(session, S.SUPERSEDED, S.SUBMITTED)
        budget = await make_budget(
            session, region_code=CHENGDU, year=YEAR, status=BudgetStatus.APPROVED, approved_goal_id=v1.id
        )
        await session.commit()
    error = await refused(sessionmaker, PreconditionFailed, approve(chengdu.finance, budget.id))
    assert error.code == BudgetErrorCode.GOAL_NOT_ISSUED
