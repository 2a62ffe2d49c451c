"""src/services/goals/steps.py: the steps of the goal workflow (Art. 7, 10) — who takes each, from which
states, to which state — and the check of a goal's state before a step. Pure: no database (the steps run
against the database in test_workflow.py)."""

from datetime import UTC, datetime

import pytest

from src.models import Goal
from src.models.enums import GoalHorizon, GoalStatus, RegionLevel
from src.services.errors import GoalErrorCode, InvalidTransition
from src.services.goals.steps import (
    OPERATION,
    RETURNER,
    STEPS,
    GoalAction,
    check_state,
    national_review_open,
)
from src.services.policy import Action

S = GoalStatus
PROVINCE, PREFECTURE = RegionLevel.PROVINCE, RegionLevel.PREFECTURE


def goal(status: GoalStatus, *, national_submitted: bool = False, national_approved: bool = False) -> Goal:
    return Goal(
        title="目标",
        horizon=GoalHorizon.ANNUAL,
        start_year=2027,
        end_year=2027,
        fund_type_id=1,
        region_id=1,
        status=status,
        national_submitted_at=datetime(2027, 1, 5, tzinfo=UTC) if national_submitted else None,
        national_approved_at=datetime(2027, 2, 5, tzinfo=UTC) if national_approved else None,
    )


def refused(action: GoalAction, status: GoalStatus, level: RegionLevel, **kw: bool) -> InvalidTransition:
    with pytest.raises(InvalidTransition) as refusal:
        check_state(goal(status, **kw), action, STEPS[action], level)
    assert refusal.value.operation == OPERATION[action] and refusal.value.current_status == status.value
    return refusal.value


def test_art7_the_chain_and_who_takes_each_step() -> None:
    """The agency submits, the administration reviews first, finance reviews, reports to the national
    departments and issues; they approve (Art. 5, 7); guiding issue at budget deployment (Art. 10). Formal
    issue is from NATIONAL_APPROVED or, for a goal issued as guiding (approved, it stays ISSUED_GUIDING), from
    ISSUED_GUIDING; a pooling region's goal from REVIEWED (the state checks: below)."""
    chain = {a: (s.permission, set(s.sources), s.target, s.province_only) for a, s in STEPS.items()}
    assert chain == {
        GoalAction.SUBMIT: (Action.GOAL_DRAFT, {S.DRAFT, S.RETURNED}, S.SUBMITTED, False),
        GoalAction.PRELIMINARY_REVIEW: (
            Action.GOAL_PRELIMINARY_REVIEW,
            {S.SUBMITTED},
            S.PRELIMINARY_REVIEWED,
            False,
        ),
        GoalAction.REVIEW: (Action.GOAL_REVIEW, {S.PRELIMINARY_REVIEWED}, S.REVIEWED, False),
        GoalAction.SUBMIT_TO_NATIONAL: (
            Action.GOAL_SUBMIT_TO_NATIONAL,
            {S.REVIEWED, S.ISSUED_GUIDING},
            S.SUBMITTED_TO_NATIONAL,
            True,
        ),
        GoalAction.ISSUE_GUIDING: (
            Action.GOAL_ISSUE,
            {S.REVIEWED, S.SUBMITTED_TO_NATIONAL},
            S.ISSUED_GUIDING,
            True,
        ),
        GoalAction.NATIONAL_APPROVE: (
            Action.GOAL_NATIONAL_REVIEW,
            {S.SUBMITTED_TO_NATIONAL, S.ISSUED_GUIDING},
            S.NATIONAL_APPROVED,
            True,
        ),
        GoalAction.ISSUE: (
            Action.GOAL_ISSUE,
            {S.NATIONAL_APPROVED, S.ISSUED_GUIDING, S.REVIEWED},
            S.ISSUED,
            False,
        ),
    }


def test_art7_a_goal_is_sent_back_by_whoever_would_act_on_it_next() -> None:
    assert RETURNER == {
        S.SUBMITTED: Action.GOAL_PRELIMINARY_REVIEW,
        S.PRELIMINARY_REVIEWED: Action.GOAL_REVIEW,
        S.REVIEWED: Action.GOAL_REVIEW,
        S.SUBMITTED_TO_NATIONAL: Action.GOAL_NATIONAL_REVIEW,
        S.ISSUED_GUIDING: Action.GOAL_NATIONAL_REVIEW,  # once under national review (test_workflow.py)
    }


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (GoalAction.SUBMIT, S.SUBMITTED),
        (GoalAction.PRELIMINARY_REVIEW, S.DRAFT),
        (GoalAction.REVIEW, S.SUBMITTED),
        (GoalAction.SUBMIT_TO_NATIONAL, S.PRELIMINARY_REVIEWED),
        (GoalAction.ISSUE_GUIDING, S.NATIONAL_APPROVED),
        (GoalAction.NATIONAL_APPROVE, S.REVIEWED),
        (GoalAction.ISSUE, S.ISSUED),
    ],
)
def test_art7_a_step_from_another_state_names_the_goals_state(action: GoalAction, status: GoalStatus) -> None:
    refusal = refused(action, status, PROVINCE)
    assert refusal.code == GoalErrorCode.WRONG_STATUS
    assert refusal.message.startswith("目标当前状态为“") and f"（{status.value}）" in refusal.message


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (GoalAction.SUBMIT_TO_NATIONAL, S.REVIEWED),
        (GoalAction.ISSUE_GUIDING, S.REVIEWED),
        (GoalAction.NATIONAL_APPROVE, S.SUBMITTED_TO_NATIONAL),
    ],
)
def test_art10_national_review_and_guiding_issue_are_the_province_wide_goals(
    action: GoalAction, status: GoalStatus
) -> None:
    check_state(goal(status), action, STEPS[action], PROVINCE)
    refusal = refused(action, status, PREFECTURE)
    assert refusal.code == GoalErrorCode.PROVINCE_ONLY and "全省统一" in refusal.message


def test_art10_a_guiding_goal_is_reported_to_the_national_departments_once() -> None:
    check_state(
        goal(S.ISSUED_GUIDING), GoalAction.SUBMIT_TO_NATIONAL, STEPS[GoalAction.SUBMIT_TO_NATIONAL], PROVINCE
    )
    refusal = refused(GoalAction.SUBMIT_TO_NATIONAL, S.ISSUED_GUIDING, PROVINCE, national_submitted=True)
    assert refusal.code == GoalErrorCode.ALREADY_SUBMITTED_TO_NATIONAL


def test_art10_a_guiding_goal_is_approved_only_once_reported() -> None:
    refusal = refused(GoalAction.NATIONAL_APPROVE, S.ISSUED_GUIDING, PROVINCE)
    assert refusal.code == GoalErrorCode.NOT_SUBMITTED_TO_NATIONAL
    reported = goal(S.ISSUED_GUIDING, national_submitted=True)
    check_state(reported, GoalAction.NATIONAL_APPROVE, STEPS[GoalAction.NATIONAL_APPROVE], PROVINCE)


def test_art10_formal_issue_follows_national_approval_for_the_province_review_for_a_region() -> None:
    issue = STEPS[GoalAction.ISSUE]
    check_state(goal(S.NATIONAL_APPROVED), GoalAction.ISSUE, issue, PROVINCE)
    check_state(goal(S.REVIEWED), GoalAction.ISSUE, issue, PREFECTURE)
    assert refused(GoalAction.ISSUE, S.REVIEWED, PROVINCE).code == GoalErrorCode.WRONG_STATUS
    assert refused(GoalAction.ISSUE, S.NATIONAL_APPROVED, PREFECTURE).code == GoalErrorCode.WRONG_STATUS


def test_art10_a_guiding_goal_is_approved_once() -> None:
    approved = {"national_submitted": True, "national_approved": True}
    refusal = refused(GoalAction.NATIONAL_APPROVE, S.ISSUED_GUIDING, PROVINCE, **approved)
    assert refusal.code == GoalErrorCode.ALREADY_NATIONAL_APPROVED and "待正式下达" in refusal.message


def test_art10_a_guiding_goal_is_issued_formally_only_once_approved() -> None:
    """「待国家相关部门审核我省区域绩效目标后正式下达」: issued as guiding, the province-wide goal stays
    ISSUED_GUIDING through the national review; goalIssue needs the approval (national_approved_at)."""
    issue = STEPS[GoalAction.ISSUE]
    for pending in ({}, {"national_submitted": True}):
        refusal = refused(GoalAction.ISSUE, S.ISSUED_GUIDING, PROVINCE, **pending)
        assert refusal.code == GoalErrorCode.WRONG_STATUS
        assert refusal.message == "该目标尚未经国家相关部门审核，不能正式下达"
    approved = goal(S.ISSUED_GUIDING, national_submitted=True, national_approved=True)
    check_state(approved, GoalAction.ISSUE, issue, PROVINCE)


def test_art10_a_guiding_goal_is_under_national_review_from_its_report_to_its_approval() -> None:
    assert not national_review_open(goal(S.ISSUED_GUIDING))
    assert national_review_open(goal(S.ISSUED_GUIDING, national_submitted=True))
    assert not national_review_open(goal(S.ISSUED_GUIDING, national_submitted=True, national_approved=True))


def test_art10_a_regions_guiding_goal_is_not_told_of_a_national_review() -> None:
    """A pooling region's goal issued as guiding turns formal with the province-wide goal (test_cascade.py),
    never by goalIssue, and is never reviewed by the national departments: the refusal names its state."""
    refusal = refused(GoalAction.ISSUE, S.ISSUED_GUIDING, PREFECTURE)
    assert refusal.code == GoalErrorCode.WRONG_STATUS
    assert refusal.message == "目标当前状态为“已下达（指导性）”（ISSUED_GUIDING），不能执行goalIssue"
