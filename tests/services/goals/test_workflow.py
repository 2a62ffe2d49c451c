"""src/services/goals/workflow.py: moving a goal through its workflow (Art. 7, 10, 14) — the forward steps,
returns, and adjustment into a new version — each step a GoalTransition, an event and an audit row in the
caller's transaction. Handing an issued goal down to the pooling regions is test_cascade.py's."""

import pytest
from sqlmodel import col, select

from src.models import AuditEvent, Event, Goal
from src.models.enums import GoalStatus
from src.models.goal import GoalEventKind
from src.models.types import FREE_TEXT_MAX_LENGTH
from src.services.actors import Actor
from src.services.errors import (
    CommonErrorCode,
    Conflict,
    ErrorCode,
    FieldProblem,
    Forbidden,
    GoalErrorCode,
    InvalidTransition,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.goals import workflow
from src.services.goals.steps import GoalAction
from src.services.rules import RuleKey
from src.services.rules.editing import update_rules
from tests.factories import make_actor, make_goal
from tests.services.conftest import CHENGDU, PROVINCE, YAAN, Bodies, Call, Sessionmaker, act, refused
from tests.services.goals.conftest import (
    YEAR,
    ProvinceGoal,
    children_of,
    concur,
    goal_row,
    indicators_of,
    make_province_goal,
    step,
    through_review,
    transitions_of,
)

A, S = GoalAction, GoalStatus
ASSESSMENT = workflow.Assessment(
    what_changed="参保人数较预期减少约 8%",
    reason="灵活就业人员参保政策调整",
    fund_effect="基金收入预计减少 2.1 亿元",
    target_effect="参保人数目标由 1000 万人调为 920 万人",
)


def take(actor: Actor, goal_id: int, action: GoalAction, row_version: int) -> Call[Goal]:
    return lambda s: workflow.transition(
        session=s, actor=actor, goal_id=goal_id, row_version=row_version, action=action
    )


def send_back(actor: Actor, goal_id: int, row_version: int, reason: str = "参保率目标偏低") -> Call[Goal]:
    return lambda s: workflow.return_goal(
        session=s, actor=actor, goal_id=goal_id, row_version=row_version, reason=reason
    )


def adjust(
    actor: Actor, goal_id: int, row_version: int, assessment: workflow.Assessment = ASSESSMENT
) -> Call[Goal]:
    return lambda s: workflow.request_adjustment(
        session=s, actor=actor, goal_id=goal_id, row_version=row_version, assessment=assessment
    )


async def goal_in(
    sessionmaker: Sessionmaker, status: GoalStatus, region_code: str = CHENGDU, year: int = YEAR
) -> Goal:
    """A goal of the region in `status`, put in place directly."""
    async with sessionmaker() as session:
        goal = await make_goal(session, region_code=region_code, year=year, status=status)
        await session.commit()
    return goal


# --- forward steps ------------------------------------------------------------------------------------------


async def test_art7_the_province_wide_goal_takes_every_step_in_turn(
    sessionmaker: Sessionmaker, province: Bodies, national: Actor, province_draft: ProvinceGoal
) -> None:
    goal_id = province_draft.id
    await concur(sessionmaker, province.tax, goal_id)
    chain = [
        (province.agency, A.SUBMIT, S.SUBMITTED),
        (province.reviewer, A.PRELIMINARY_REVIEW, S.PRELIMINARY_REVIEWED),
        (province.finance, A.REVIEW, S.REVIEWED),
        (province.finance, A.SUBMIT_TO_NATIONAL, S.SUBMITTED_TO_NATIONAL),
        (national, A.NATIONAL_APPROVE, S.NATIONAL_APPROVED),
        (province.finance, A.ISSUE, S.ISSUED),
    ]
    for actor, action, status in chain:
        before = await goal_row(sessionmaker, goal_id)
        moved = await act(sessionmaker, take(actor, goal_id, action, before.row_version))
        assert (moved.status, moved.row_version) == (status, before.row_version + 1), action
    goal = await goal_row(sessionmaker, goal_id)
    # Submission records who drafted it with whom (Art. 7 商税务局); reporting upward, when.
    assert goal.drafter_organization_id == province.agency.organization_id
    assert goal.co_drafter_organization_id == province.tax.organization_id
    assert goal.national_submitted_at is not None
    starts = [S.DRAFT] + [status for _, _, status in chain[:-1]]
    expected = [
        (a.value, start, end, actor.user_id) for (actor, a, end), start in zip(chain, starts, strict=True)
    ]
    transitions = await transitions_of(sessionmaker, goal_id)
    assert [(t.action, t.from_status, t.to_status, t.user_id) for t in transitions] == expected
    async with sessionmaker() as session:
        events = (
            await session.exec(
                select(Event).where(
                    Event.subject_id == goal_id, Event.kind == GoalEventKind.GOAL_STATUS_CHANGED
                )
            )
        ).all()
        audits = (
            await session.exec(
                select(AuditEvent.operation)
                .where(AuditEvent.target_id == goal_id)
                .order_by(col(AuditEvent.id))
            )
        ).all()
    assert [e.payload["toStatus"] for e in events] == [s.value for _, _, s in chain]
    assert list(audits)[-6:] == [
        "goalSubmit",
        "goalPreliminaryReview",
        "goalReview",
        "goalSubmitToNational",
        "goalNationalApprove",
        "goalIssue",
    ]
    assert len(await children_of(sessionmaker, goal_id)) == 21  # handed down (test_cascade.py)


# The bodies that see the province-wide goal in the step's starting state but may not take the step: the
# province's own (by body), the national departments, and 成都市's (they see it from below once submitted).
FORBIDDEN: dict[GoalAction, tuple[GoalStatus, list[str]]] = {
    A.SUBMIT: (S.DRAFT, ["reviewer", "finance", "tax"]),
    A.PRELIMINARY_REVIEW: (S.SUBMITTED, ["agency", "finance", "tax", "national", "chengdu.reviewer"]),
    A.REVIEW: (S.PRELIMINARY_REVIEWED, ["agency", "reviewer", "tax", "national", "chengdu.finance"]),
    A.SUBMIT_TO_NATIONAL: (S.REVIEWED, ["agency", "reviewer", "tax", "national", "chengdu.finance"]),
    A.ISSUE_GUIDING: (S.REVIEWED, ["agency", "reviewer", "tax", "national", "chengdu.finance"]),
    A.NATIONAL_APPROVE: (S.SUBMITTED_TO_NATIONAL, ["agency", "reviewer", "finance", "chengdu.finance"]),
    A.ISSUE: (S.NATIONAL_APPROVED, ["agency", "reviewer", "tax", "national", "chengdu.finance"]),
}


@pytest.mark.parametrize("action", list(FORBIDDEN))
async def test_art7_each_step_is_its_bodys_alone(
    sessionmaker: Sessionmaker,
    province: Bodies,
    chengdu: Bodies,
    national: Actor,
    action: GoalAction,
) -> None:
    status, names = FORBIDDEN[action]
    goal = await make_province_goal(sessionmaker, status=status)
    cast = {body: getattr(province, body) for body in ("agency", "reviewer", "finance", "tax")}
    cast |= {f"chengdu.{body}": getattr(chengdu, body) for body in ("reviewer", "finance")}
    cast["national"] = national
    for name in names:
        await refused(sessionmaker, Forbidden, take(cast[name], goal.id, action, 1))


async def test_art7_a_step_from_another_state_is_refused(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    error = await refused(
        sessionmaker, InvalidTransition, take(province.finance, province_draft.id, A.REVIEW, 1)
    )
    assert (error.code, error.current_status, error.operation) == (
        GoalErrorCode.WRONG_STATUS,
        "DRAFT",
        "goalReview",
    )
    assert "草稿" in error.message


async def test_art7_a_step_on_a_stale_row_version_is_a_conflict(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    goal = await goal_in(sessionmaker, S.SUBMITTED)
    await act(sessionmaker, take(chengdu.reviewer, goal.id or 0, A.PRELIMINARY_REVIEW, 1))
    error = await refused(sessionmaker, Conflict, take(chengdu.finance, goal.id or 0, A.REVIEW, 1))
    assert (error.code, error.current_version) == (CommonErrorCode.STALE_VERSION, 2)


async def test_art7_submission_needs_the_tax_departments_concurrence(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    error = await refused(
        sessionmaker, PreconditionFailed, take(province.agency, province_draft.id, A.SUBMIT, 1)
    )
    assert error.code == GoalErrorCode.TAX_CONCURRENCE_REQUIRED  # the reasons: test_tax.py


async def test_art18_submission_needs_a_complete_goal(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    async with sessionmaker() as session:  # an indicator left without a unit and a weight short of 90
        [first, *_] = await indicators_of(sessionmaker, province_draft.id)
        first.unit, first.weight = "", first.weight - 5
        session.add(first)
        await session.commit()
    concurred = await concur(sessionmaker, province.tax, province_draft.id)
    error = await refused(
        sessionmaker,
        ValidationFailed,
        take(province.agency, province_draft.id, A.SUBMIT, concurred.row_version),
    )
    assert error.problems == [
        FieldProblem("indicators.0.unit", "定量指标须填写度量单位", ErrorCode.REQUIRED),
        FieldProblem("indicators", "指标权重合计应为 90，当前为 85", ErrorCode.INVALID),
    ]


async def test_art23_submission_weighs_against_the_regions_total(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    await act(
        sessionmaker,
        lambda s: update_rules(
            session=s,
            actor=province.finance,
            region_code=PROVINCE,
            values={RuleKey.INDICATOR_WEIGHT_TOTAL: "80", RuleKey.EXECUTION_POINTS: "20"},
            reset=[],
        ),
    )
    concurred = await concur(sessionmaker, province.tax, province_draft.id)
    error = await refused(
        sessionmaker,
        ValidationFailed,
        take(province.agency, province_draft.id, A.SUBMIT, concurred.row_version),
    )
    assert [p.message for p in error.problems][-1] == "指标权重合计应为 80，当前为 90"


async def test_art23_submission_weighs_each_category_against_fixed_level1_weights(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    """The province fixes the level-1 weights (its defaults 9 / 18 / 36 / 27 of 90); the draft's four
    indicators weigh 22.5 each."""
    await act(
        sessionmaker,
        lambda s: update_rules(
            session=s,
            actor=province.finance,
            region_code=PROVINCE,
            values={RuleKey.LEVEL1_WEIGHTS: "FIXED"},
            reset=[],
        ),
    )
    concurred = await concur(sessionmaker, province.tax, province_draft.id)
    error = await refused(
        sessionmaker,
        ValidationFailed,
        take(province.agency, province_draft.id, A.SUBMIT, concurred.row_version),
    )
    assert [p.message.split("（")[0] for p in error.problems] == [
        "决策类指标权重合计应为 9，当前为 22.5",
        "过程类指标权重合计应为 18，当前为 22.5",
        "产出类指标权重合计应为 36，当前为 22.5",
        "效益类指标权重合计应为 27，当前为 22.5",
    ]


async def test_art10_guiding_issue_then_national_review_then_formal_issue(
    sessionmaker: Sessionmaker, province: Bodies, national: Actor, ready_to_issue: ProvinceGoal
) -> None:
    """「待国家相关部门审核我省区域绩效目标后正式下达」: issued as guiding, the goal stays in force as guiding
    through its national review, the approval recorded (national_approved_at), not a status, until finance
    issues it formally, which needs that approval."""
    goal_id = ready_to_issue.id
    guiding = await step(sessionmaker, province.finance, goal_id, A.ISSUE_GUIDING)
    assert (guiding.status, guiding.national_submitted_at) == (S.ISSUED_GUIDING, None)
    reported = await step(sessionmaker, province.finance, goal_id, A.SUBMIT_TO_NATIONAL)
    assert (
        reported.status == S.ISSUED_GUIDING and reported.national_submitted_at is not None
    )  # still in force
    again = await refused(
        sessionmaker,
        InvalidTransition,
        take(province.finance, goal_id, A.SUBMIT_TO_NATIONAL, reported.row_version),
    )
    assert again.code == GoalErrorCode.ALREADY_SUBMITTED_TO_NATIONAL
    early = await refused(
        sessionmaker, InvalidTransition, take(province.finance, goal_id, A.ISSUE, reported.row_version)
    )
    assert (early.code, early.current_status) == (GoalErrorCode.WRONG_STATUS, "ISSUED_GUIDING")
    assert early.message == "该目标尚未经国家相关部门审核，不能正式下达"
    approved = await step(sessionmaker, national, goal_id, A.NATIONAL_APPROVE)
    assert (approved.status, approved.national_submitted_at) == (
        S.ISSUED_GUIDING,
        reported.national_submitted_at,
    )
    assert approved.national_approved_at is not None
    twice = await refused(
        sessionmaker, InvalidTransition, take(national, goal_id, A.NATIONAL_APPROVE, approved.row_version)
    )
    assert twice.code == GoalErrorCode.ALREADY_NATIONAL_APPROVED
    # Approved, there is nothing left for the national departments to send back.
    late = await refused(sessionmaker, InvalidTransition, send_back(national, goal_id, approved.row_version))
    assert (late.code, late.current_status) == (GoalErrorCode.WRONG_STATUS, "ISSUED_GUIDING")
    issued = await step(sessionmaker, province.finance, goal_id, A.ISSUE)
    assert (issued.status, issued.version) == (S.ISSUED, 1)  # the same version, now formal
    assert [(t.action, t.from_status, t.to_status) for t in await transitions_of(sessionmaker, goal_id)] == [
        ("ISSUE_GUIDING", S.REVIEWED, S.ISSUED_GUIDING),
        ("SUBMIT_TO_NATIONAL", S.ISSUED_GUIDING, S.ISSUED_GUIDING),
        ("NATIONAL_APPROVE", S.ISSUED_GUIDING, S.ISSUED_GUIDING),  # guiding until formally issued
        ("ISSUE", S.ISSUED_GUIDING, S.ISSUED),
    ]


async def test_art10_a_goal_under_national_review_may_be_issued_as_guiding(
    sessionmaker: Sessionmaker, province: Bodies, national: Actor, ready_to_issue: ProvinceGoal
) -> None:
    await step(sessionmaker, province.finance, ready_to_issue.id, A.SUBMIT_TO_NATIONAL)
    guiding = await step(sessionmaker, province.finance, ready_to_issue.id, A.ISSUE_GUIDING)
    assert guiding.status == S.ISSUED_GUIDING and guiding.national_submitted_at is not None
    approved = await step(sessionmaker, national, ready_to_issue.id, A.NATIONAL_APPROVE)
    # Still the guiding goal in force (Art. 10): approved, not yet formally issued.
    assert approved.status == S.ISSUED_GUIDING and approved.national_approved_at is not None
    issued = await step(sessionmaker, province.finance, ready_to_issue.id, A.ISSUE)
    assert issued.status == S.ISSUED


async def test_art10_national_approval_alone_does_not_replace_the_version_in_force(
    sessionmaker: Sessionmaker, province: Bodies, national: Actor, issued_guiding: ProvinceGoal
) -> None:
    """A version reworked after a national return and approved is not issued yet: the guiding version stays
    in force until the approved one is formally issued (Art. 10, 14)."""
    v1_id = issued_guiding.id
    reported = await step(sessionmaker, province.finance, v1_id, A.SUBMIT_TO_NATIONAL)
    v2 = await act(sessionmaker, send_back(national, v1_id, reported.row_version, "参保人数目标偏低"))
    v2_id = v2.id or 0
    await through_review(sessionmaker, province, v2_id)
    await step(sessionmaker, province.finance, v2_id, A.SUBMIT_TO_NATIONAL)
    approved = await step(sessionmaker, national, v2_id, A.NATIONAL_APPROVE)
    assert approved.status == S.NATIONAL_APPROVED
    assert (await goal_row(sessionmaker, v1_id)).status == S.ISSUED_GUIDING  # still in force
    issued = await step(sessionmaker, province.finance, v2_id, A.ISSUE)
    assert issued.status == S.ISSUED
    assert (await goal_row(sessionmaker, v1_id)).status == S.SUPERSEDED
    last = (await transitions_of(sessionmaker, v1_id))[-1]
    assert (last.from_status, last.to_status, last.reason) == (
        S.ISSUED_GUIDING,
        S.SUPERSEDED,
        "被第 2 版取代",
    )


async def test_art10_a_pooling_regions_goal_is_not_reported_to_the_national_departments(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    goal = await goal_in(sessionmaker, S.REVIEWED)
    for action in (A.SUBMIT_TO_NATIONAL, A.ISSUE_GUIDING):
        error = await refused(sessionmaker, InvalidTransition, take(chengdu.finance, goal.id or 0, action, 1))
        assert error.code == GoalErrorCode.PROVINCE_ONLY
    issued = await act(sessionmaker, take(chengdu.finance, goal.id or 0, A.ISSUE, 1))
    assert issued.status == S.ISSUED  # issued by its own finance after review


# --- returns ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "returner"),
    [
        (S.SUBMITTED, "reviewer"),
        (S.PRELIMINARY_REVIEWED, "finance"),
        (S.REVIEWED, "finance"),
        (S.SUBMITTED_TO_NATIONAL, "national"),
    ],
)
async def test_art7_whoever_would_act_next_sends_the_goal_back_with_a_reason(
    sessionmaker: Sessionmaker, province: Bodies, national: Actor, status: GoalStatus, returner: str
) -> None:
    goal = await make_province_goal(sessionmaker, status=status)
    actor = national if returner == "national" else getattr(province, returner)
    returned = await act(sessionmaker, send_back(actor, goal.id, 1, " 参保率目标偏低 "))
    assert (returned.status, returned.row_version) == (S.RETURNED, 2)
    [transition] = await transitions_of(sessionmaker, goal.id)
    assert (transition.action, transition.from_status, transition.reason) == (
        "RETURN",
        status,
        "参保率目标偏低",
    )
    assert transition.organization_id == actor.organization_id


async def test_art7_a_return_needs_its_reason(sessionmaker: Sessionmaker, chengdu: Bodies) -> None:
    goal = await goal_in(sessionmaker, S.SUBMITTED)
    for reason, code in (
        (" ", ErrorCode.REQUIRED),
        ("长" * (FREE_TEXT_MAX_LENGTH + 1), ErrorCode.OUT_OF_RANGE),
    ):
        error = await refused(
            sessionmaker, ValidationFailed, send_back(chengdu.reviewer, goal.id or 0, 1, reason)
        )
        assert [(p.field, p.code) for p in error.problems] == [("input.reason", code)]


async def test_art7_a_return_is_refused_to_others_and_outside_the_review(
    sessionmaker: Sessionmaker, chengdu: Bodies, national: Actor
) -> None:
    submitted = await goal_in(sessionmaker, S.SUBMITTED)
    for actor in (chengdu.finance, chengdu.agency, chengdu.tax):  # the reviewer's turn, not theirs
        await refused(sessionmaker, Forbidden, send_back(actor, submitted.id or 0, 1))
    draft = await goal_in(sessionmaker, S.DRAFT, region_code=YAAN)
    yaan_finance = await make_actor(sessionmaker, region_code=YAAN)
    # Nothing to send back: a would-be returner is told why, anyone else that it is not theirs.
    wrong = await refused(sessionmaker, InvalidTransition, send_back(yaan_finance, draft.id or 0, 1))
    assert (wrong.code, wrong.current_status) == (GoalErrorCode.WRONG_STATUS, "DRAFT")
    issued = await goal_in(sessionmaker, S.ISSUED_GUIDING, region_code=PROVINCE)  # not reported upward yet
    wrong = await refused(sessionmaker, InvalidTransition, send_back(national, issued.id or 0, 1))
    assert wrong.current_status == "ISSUED_GUIDING"


async def test_art14_a_national_return_of_a_guiding_goal_opens_the_next_version(
    sessionmaker: Sessionmaker, province: Bodies, national: Actor, issued_guiding: ProvinceGoal
) -> None:
    v1_id = issued_guiding.id
    reported = await step(sessionmaker, province.finance, v1_id, A.SUBMIT_TO_NATIONAL)
    v2 = await act(sessionmaker, send_back(national, v1_id, reported.row_version, "参保人数目标偏低"))
    v1 = await goal_row(sessionmaker, v1_id)
    # The guiding version stays in force (Art. 10, 14); the next one is reworked.
    assert (v1.status, v1.row_version) == (S.ISSUED_GUIDING, reported.row_version + 1)
    assert (v2.status, v2.version, v2.previous_version_id, v2.lineage_id) == (
        S.RETURNED,
        2,
        v1_id,
        v1.lineage_id,
    )
    assert v2.national_submitted_at is None and v2.drafter_organization_id is None
    copied = await indicators_of(sessionmaker, v2.id or 0)
    assert [i.level3 for i in copied] == [i.level3 for i in await indicators_of(sessionmaker, v1_id)]
    assert [t.reason for t in await transitions_of(sessionmaker, v2.id or 0)] == ["参保人数目标偏低"]
    assert (await transitions_of(sessionmaker, v1_id))[
        -1
    ].reason == "参保人数目标偏低（指导性目标继续有效，第 2 版待修改）"
    # The older version takes no further step: the work goes on in version 2.
    error = await refused(
        sessionmaker, InvalidTransition, take(national, v1_id, A.NATIONAL_APPROVE, v1.row_version)
    )
    assert error.code == GoalErrorCode.NEWER_VERSION_EXISTS and f"ID {v2.id}" in error.message


# --- adjustment (Art. 14) -----------------------------------------------------------------------------------


async def test_art14_an_adjustment_opens_a_draft_version_and_the_one_in_force_stays(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    issued = await goal_in(sessionmaker, S.ISSUED)
    v2 = await act(sessionmaker, adjust(chengdu.agency, issued.id or 0, 1))
    assert (v2.status, v2.version, v2.previous_version_id, v2.lineage_id) == (
        S.DRAFT,
        2,
        issued.id,
        issued.lineage_id,
    )
    assessment = workflow.Assessment(
        what_changed=v2.adjustment_what_changed or "",
        reason=v2.adjustment_reason or "",
        fund_effect=v2.adjustment_fund_effect or "",
        target_effect=v2.adjustment_target_effect or "",
    )
    assert assessment == ASSESSMENT  # what was changed, why, and the assessed effects (Art. 14 经评估后)
    assert v2.drafter_organization_id == chengdu.agency.organization_id
    assert len(await indicators_of(sessionmaker, v2.id or 0)) == 4
    v1 = await goal_row(sessionmaker, issued.id or 0)
    assert (v1.status, v1.row_version) == (S.ISSUED, 2)
    [transition] = await transitions_of(sessionmaker, v2.id or 0)
    assert (transition.action, transition.from_status, transition.to_status) == (
        "ADJUSTMENT_REQUEST",
        S.ISSUED,
        S.DRAFT,
    )
    async with sessionmaker() as session:
        [event] = (
            await session.exec(select(Event).where(Event.kind == GoalEventKind.GOAL_ADJUSTMENT_REQUESTED))
        ).all()
    assert event.subject_id == v2.id


@pytest.mark.parametrize("body", ["agency", "reviewer", "finance"])
async def test_art14_the_agency_the_administration_or_finance_of_the_region_asks(
    sessionmaker: Sessionmaker, chengdu: Bodies, body: str
) -> None:
    issued = await goal_in(sessionmaker, S.ISSUED_GUIDING)
    v2 = await act(sessionmaker, adjust(getattr(chengdu, body), issued.id or 0, 1))
    assert v2.status == S.DRAFT
    # The agency that will redraft it is recorded only when it asked itself.
    assert (v2.drafter_organization_id is not None) is (body == "agency")


async def test_art14_nobody_else_asks_for_an_adjustment(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies
) -> None:
    issued = await goal_in(sessionmaker, S.ISSUED)
    for actor in (chengdu.tax, province.finance, province.agency):
        await refused(sessionmaker, Forbidden, adjust(actor, issued.id or 0, 1))


async def test_art14_an_adjustment_carries_its_assessment(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    issued = await goal_in(sessionmaker, S.ISSUED)
    blank = workflow.Assessment(what_changed=" ", reason="", fund_effect=" ", target_effect="\n")
    error = await refused(sessionmaker, ValidationFailed, adjust(chengdu.agency, issued.id or 0, 1, blank))
    assert [(p.field, p.code) for p in error.problems] == [
        ("input.whatChanged", ErrorCode.REQUIRED),
        ("input.reason", ErrorCode.REQUIRED),
        ("input.fundEffect", ErrorCode.REQUIRED),
        ("input.targetEffect", ErrorCode.REQUIRED),
    ]


async def test_art14_only_a_goal_in_force_is_adjusted_and_once_at_a_time(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies
) -> None:
    for offset, status in enumerate((S.DRAFT, S.REVIEWED, S.SUPERSEDED), start=1):
        goal = await goal_in(sessionmaker, status, year=YEAR + offset)
        error = await refused(sessionmaker, InvalidTransition, adjust(chengdu.agency, goal.id or 0, 1))
        assert (error.code, error.current_status) == (GoalErrorCode.NOT_ISSUED, status.value)
    # Approved by the national departments but never issued is not in force either (Art. 10).
    approved = await make_province_goal(sessionmaker, status=S.NATIONAL_APPROVED, budgets=False)
    error = await refused(sessionmaker, InvalidTransition, adjust(province.agency, approved.id, 1))
    assert (error.code, error.current_status) == (GoalErrorCode.NOT_ISSUED, "NATIONAL_APPROVED")
    issued = await goal_in(sessionmaker, S.ISSUED)
    await act(sessionmaker, adjust(chengdu.agency, issued.id or 0, 1))
    pending = await refused(sessionmaker, Conflict, adjust(chengdu.finance, issued.id or 0, 2))
    assert pending.code == GoalErrorCode.ADJUSTMENT_PENDING


async def test_art14_issuing_the_new_version_supersedes_the_one_in_force(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    issued = await goal_in(sessionmaker, S.ISSUED)
    v2 = await act(sessionmaker, adjust(chengdu.agency, issued.id or 0, 1))
    await through_review(sessionmaker, chengdu, v2.id or 0)
    assert (await goal_row(sessionmaker, issued.id or 0)).status == S.ISSUED  # in force until then
    await step(sessionmaker, chengdu.finance, v2.id or 0, A.ISSUE)
    v1 = await goal_row(sessionmaker, issued.id or 0)
    assert (v1.status, (await goal_row(sessionmaker, v2.id or 0)).status) == (S.SUPERSEDED, S.ISSUED)
    last = (await transitions_of(sessionmaker, v1.id or 0))[-1]
    assert (last.from_status, last.to_status, last.reason) == (S.ISSUED, S.SUPERSEDED, "被第 2 版取代")
