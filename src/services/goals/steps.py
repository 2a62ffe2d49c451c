"""The goal workflow's steps (Art. 7, 10): who takes each, from which states, to which state.

province-wide regional goal: AGENCY (with TAX) submits → HRSS / MEDICAL_SECURITY preliminary review →
FINANCE review → FINANCE submits to NATIONAL → NATIONAL approves → FINANCE issues formally. At budget
deployment FINANCE may issue it as guiding (指导性) from REVIEWED or SUBMITTED_TO_NATIONAL. A pooling
region's goal goes agency → administration → finance, which issues it.

Only issuing puts a goal in force (Art. 10 「待国家相关部门审核…后正式下达」): NATIONAL_APPROVED is approved,
not issued. A guiding goal stays ISSUED_GUIDING through its national review (national_submitted_at,
national_approved_at record it) until it is formally issued.
"""

from dataclasses import dataclass
from enum import StrEnum

from src.models import Goal
from src.models.enums import GoalStatus, RegionLevel, label_zh
from src.services import policy
from src.services.errors import GoalErrorCode, InvalidTransition


class GoalAction(StrEnum):
    SUBMIT = "SUBMIT"
    PRELIMINARY_REVIEW = "PRELIMINARY_REVIEW"
    REVIEW = "REVIEW"
    SUBMIT_TO_NATIONAL = "SUBMIT_TO_NATIONAL"
    ISSUE_GUIDING = "ISSUE_GUIDING"
    NATIONAL_APPROVE = "NATIONAL_APPROVE"
    ISSUE = "ISSUE"
    RETURN = "RETURN"
    ADJUSTMENT_REQUEST = "ADJUSTMENT_REQUEST"
    TAX_CONCUR = "TAX_CONCUR"
    TAX_OBJECT = "TAX_OBJECT"
    DECOMPOSE = "DECOMPOSE"  # a pooling region's goal made, re-based or re-versioned from the province's


OPERATION = {  # the mutation that performs each action, for messages and the audit trail
    GoalAction.SUBMIT: "goalSubmit",
    GoalAction.PRELIMINARY_REVIEW: "goalPreliminaryReview",
    GoalAction.REVIEW: "goalReview",
    GoalAction.SUBMIT_TO_NATIONAL: "goalSubmitToNational",
    GoalAction.ISSUE_GUIDING: "goalIssueGuiding",
    GoalAction.NATIONAL_APPROVE: "goalNationalApprove",
    GoalAction.ISSUE: "goalIssue",
    GoalAction.RETURN: "goalReturn",
    GoalAction.ADJUSTMENT_REQUEST: "goalAdjustmentRequest",
    GoalAction.TAX_CONCUR: "goalTaxConcur",
    GoalAction.TAX_OBJECT: "goalTaxObject",
    GoalAction.DECOMPOSE: "goalIssue",
}

ISSUING = frozenset({GoalAction.ISSUE_GUIDING, GoalAction.ISSUE})  # the steps that put a goal in force

# Who may send a goal back, by the state it is in: the step that would act on it next.
RETURNER = {
    GoalStatus.SUBMITTED: policy.Action.GOAL_PRELIMINARY_REVIEW,
    GoalStatus.PRELIMINARY_REVIEWED: policy.Action.GOAL_REVIEW,
    GoalStatus.REVIEWED: policy.Action.GOAL_REVIEW,
    GoalStatus.SUBMITTED_TO_NATIONAL: policy.Action.GOAL_NATIONAL_REVIEW,
    GoalStatus.ISSUED_GUIDING: policy.Action.GOAL_NATIONAL_REVIEW,
}


@dataclass(frozen=True)
class Step:
    permission: policy.Action
    sources: frozenset[GoalStatus]
    target: GoalStatus
    province_only: bool = False


def _step(
    permission: policy.Action, sources: set[GoalStatus], target: GoalStatus, province_only: bool = False
) -> Step:
    return Step(permission, frozenset(sources), target, province_only)


STEPS: dict[GoalAction, Step] = {
    GoalAction.SUBMIT: _step(policy.Action.GOAL_DRAFT, set(policy.DRAFT_STATES), GoalStatus.SUBMITTED),
    GoalAction.PRELIMINARY_REVIEW: _step(
        policy.Action.GOAL_PRELIMINARY_REVIEW, {GoalStatus.SUBMITTED}, GoalStatus.PRELIMINARY_REVIEWED
    ),
    GoalAction.REVIEW: _step(
        policy.Action.GOAL_REVIEW, {GoalStatus.PRELIMINARY_REVIEWED}, GoalStatus.REVIEWED
    ),
    GoalAction.SUBMIT_TO_NATIONAL: _step(
        policy.Action.GOAL_SUBMIT_TO_NATIONAL,
        {GoalStatus.REVIEWED, GoalStatus.ISSUED_GUIDING},
        GoalStatus.SUBMITTED_TO_NATIONAL,
        province_only=True,
    ),
    GoalAction.ISSUE_GUIDING: _step(
        policy.Action.GOAL_ISSUE,
        {GoalStatus.REVIEWED, GoalStatus.SUBMITTED_TO_NATIONAL},
        GoalStatus.ISSUED_GUIDING,
        province_only=True,
    ),
    GoalAction.NATIONAL_APPROVE: _step(
        policy.Action.GOAL_NATIONAL_REVIEW,
        {GoalStatus.SUBMITTED_TO_NATIONAL, GoalStatus.ISSUED_GUIDING},
        GoalStatus.NATIONAL_APPROVED,
        province_only=True,
    ),
    # Formal issue: the province's goal after national approval (guiding until then, or not yet issued);
    # a pooling region's goal after review (as guiding while the province-wide goal it comes from is
    # guiding, Art. 10).
    GoalAction.ISSUE: _step(
        policy.Action.GOAL_ISSUE,
        {GoalStatus.NATIONAL_APPROVED, GoalStatus.ISSUED_GUIDING, GoalStatus.REVIEWED},
        GoalStatus.ISSUED,
    ),
}


def invalid(
    goal: Goal, action: GoalAction, why: str | None = None, code: GoalErrorCode = GoalErrorCode.WRONG_STATUS
) -> InvalidTransition:
    return InvalidTransition(
        why or f"目标当前状态为“{label_zh(goal.status)}”（{goal.status.value}），不能执行{OPERATION[action]}",
        current_status=goal.status.value,
        operation=OPERATION[action],
        code=code,
    )


def check_state(goal: Goal, action: GoalAction, step: Step, region_level: RegionLevel) -> None:
    if step.province_only and region_level != RegionLevel.PROVINCE:
        raise invalid(
            goal, action, "只有全省统一的区域目标报国家相关部门审核或指导性下达", GoalErrorCode.PROVINCE_ONLY
        )
    if goal.status not in step.sources:
        raise invalid(goal, action)
    national_submitted = goal.national_submitted_at is not None
    national_approved = goal.national_approved_at is not None
    guiding = goal.status == GoalStatus.ISSUED_GUIDING
    if action == GoalAction.SUBMIT_TO_NATIONAL and guiding and national_submitted:
        raise invalid(goal, action, "该目标已报国家相关部门审核", GoalErrorCode.ALREADY_SUBMITTED_TO_NATIONAL)
    if action == GoalAction.NATIONAL_APPROVE and guiding and not national_submitted:
        raise invalid(goal, action, "该目标尚未报国家相关部门审核", GoalErrorCode.NOT_SUBMITTED_TO_NATIONAL)
    if action == GoalAction.NATIONAL_APPROVE and guiding and national_approved:
        raise invalid(
            goal, action, "该目标已经国家相关部门审核，待正式下达", GoalErrorCode.ALREADY_NATIONAL_APPROVED
        )
    if action == GoalAction.ISSUE:
        if region_level != RegionLevel.PROVINCE:
            ready = goal.status == GoalStatus.REVIEWED
        else:  # formally only after the national review (Art. 10), whether issued as guiding before or not
            ready = goal.status == GoalStatus.NATIONAL_APPROVED or (guiding and national_approved)
        if not ready:
            # Only the province-wide goal awaits the national review; a region's guiding goal turns formal
            # with it (cascade.formalize_children), never by goalIssue.
            awaiting_review = guiding and region_level == RegionLevel.PROVINCE
            why = "该目标尚未经国家相关部门审核，不能正式下达" if awaiting_review else None
            raise invalid(goal, action, why)


def national_review_open(goal: Goal) -> bool:
    """A guiding goal is under national review between its submission and its approval (Art. 10)."""
    return goal.national_submitted_at is not None and goal.national_approved_at is None
