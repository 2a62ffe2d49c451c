"""src/services/goals/drafts.py: creating, editing and deleting draft goals (Art. 6–8). The agency of the
goal's region whose administration supervises the fund drafts; only the province-wide goal is created,
a pooling region's comes from the decomposition."""

from typing import Any

import pytest
from sqlmodel import col, func, select

from src.models import AuditEvent, Goal, GoalCreate, GoalTaxOpinion, GoalTransition, GoalUpdate, Indicator
from src.models.enums import ActorType, Administration, GoalHorizon, GoalStatus
from src.services.actors import Actor
from src.services.errors import (
    CommonErrorCode,
    Conflict,
    ErrorCode,
    FieldProblem,
    Forbidden,
    GoalErrorCode,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.goals import drafts, workflow
from src.services.goals.steps import GoalAction
from tests.factories import make_actor, make_goal
from tests.services.conftest import (
    CHENGDU,
    HRSS,
    JINJIANG,
    MED,
    PROVINCE,
    Bodies,
    Call,
    Sessionmaker,
    act,
    refused,
)
from tests.services.goals.conftest import YEAR, ProvinceGoal, concur, goal_row, step


def new_goal(**changes: Any) -> GoalCreate:
    values: dict[str, Any] = {
        "fund_type_code": "EMPLOYEE_MEDICAL",
        "region_code": PROVINCE,
        "horizon": GoalHorizon.ANNUAL,
        "start_year": YEAR,
        "end_year": YEAR,
        "title": "  四川省2027年职工医保基金预算绩效年度目标 ",
        "content": "确保基金收支平衡",
    }
    return GoalCreate.model_validate({**values, **changes})


def create(actor: Actor, data: GoalCreate) -> Call[Goal]:
    return lambda s: drafts.create_goal(session=s, actor=actor, data=data)


def update(actor: Actor, goal_id: int, row_version: int = 1, **patch: Any) -> Call[Goal]:
    values = GoalUpdate(**(patch or {"title": "改"}))
    return lambda s: drafts.update_goal(
        session=s, actor=actor, goal_id=goal_id, row_version=row_version, patch=values
    )


def delete(actor: Actor, goal_id: int, row_version: int = 1) -> Call[int]:
    return lambda s: drafts.delete_goal(session=s, actor=actor, goal_id=goal_id, row_version=row_version)


async def audit_operations(sessionmaker: Sessionmaker, goal_id: int) -> list[str]:
    async with sessionmaker() as session:
        stmt = select(AuditEvent.operation).where(
            AuditEvent.target_type == "Goal", AuditEvent.target_id == goal_id
        )
        return list((await session.exec(stmt.order_by(col(AuditEvent.id)))).all())


async def rows_of(
    sessionmaker: Sessionmaker, model: type[Indicator | GoalTaxOpinion | GoalTransition], goal_id: int
) -> int:
    async with sessionmaker() as session:
        stmt = select(func.count()).select_from(model).where(col(model.goal_id) == goal_id)
        return (await session.exec(stmt)).one()


async def goal_row_or_none(sessionmaker: Sessionmaker, goal_id: int) -> Goal | None:
    async with sessionmaker() as session:
        return await session.get(Goal, goal_id)


# --- create -------------------------------------------------------------------------------------------------


async def test_art7_the_provincial_agency_drafts_the_province_wide_goal(
    sessionmaker: Sessionmaker, province: Bodies
) -> None:
    goal = await act(sessionmaker, create(province.agency, new_goal()))
    stored = await goal_row(sessionmaker, goal.id or 0)
    assert stored.title == "四川省2027年职工医保基金预算绩效年度目标"  # trimmed
    assert (stored.status, stored.version, stored.row_version, stored.content_revision) == (
        GoalStatus.DRAFT,
        1,
        1,
        0,
    )
    assert stored.drafter_organization_id == province.agency.organization_id
    assert (stored.start_year, stored.end_year, stored.content) == (YEAR, YEAR, "确保基金收支平衡")
    assert await audit_operations(sessionmaker, goal.id or 0) == ["goalCreate"]


@pytest.mark.parametrize(
    ("actor_type", "region_code", "administration"),
    [
        (ActorType.FINANCE, PROVINCE, None),
        (ActorType.MEDICAL_SECURITY, PROVINCE, MED),
        (ActorType.TAX, PROVINCE, None),  # consulted (Art. 7), but the agency holds the pen
        (ActorType.AGENCY, PROVINCE, HRSS),  # the other administration's agency
        (ActorType.AGENCY, CHENGDU, MED),  # a prefecture's agency, for the province
        (ActorType.NATIONAL, PROVINCE, None),
    ],
)
async def test_art7_only_the_supervising_agency_of_the_region_drafts(
    sessionmaker: Sessionmaker,
    reference: None,
    actor_type: ActorType,
    region_code: str,
    administration: Administration | None,
) -> None:
    actor = await make_actor(
        sessionmaker, actor_type=actor_type, region_code=region_code, administration=administration
    )
    await refused(sessionmaker, Forbidden, create(actor, new_goal()))


async def test_art8_the_period_must_fit_the_horizon(sessionmaker: Sessionmaker, province: Bodies) -> None:
    cases = [
        (new_goal(end_year=YEAR + 1), "年度目标的开始与结束年度应相同"),
        (new_goal(horizon=GoalHorizon.OVERALL), "总体目标应覆盖多个年度"),
    ]
    for data, message in cases:
        error = await refused(sessionmaker, ValidationFailed, create(province.agency, data))
        assert error.code == CommonErrorCode.VALIDATION_FAILED
        assert error.problems == [FieldProblem("input.endYear", message, ErrorCode.INVALID)]


async def test_art8_every_problem_is_reported_at_once(sessionmaker: Sessionmaker, province: Bodies) -> None:
    data = new_goal(title="  ", start_year=YEAR + 1)
    error = await refused(sessionmaker, ValidationFailed, create(province.agency, data))
    assert error.problems == [
        FieldProblem("input.title", "目标名称不能为空", ErrorCode.REQUIRED),
        FieldProblem("input.endYear", "结束年度不能早于开始年度", ErrorCode.INVALID),
        FieldProblem("input.endYear", "年度目标的开始与结束年度应相同", ErrorCode.INVALID),
    ]


async def test_art8_an_annual_goal_belongs_to_an_overall_goal_covering_its_year(
    sessionmaker: Sessionmaker, province: Bodies
) -> None:
    """「年度目标是实现总体目标的年度计划任务」: each reason a link is refused is its own FieldError on
    input.overallGoalId; an annual goal is not "not found" but the wrong kind of goal."""
    async with sessionmaker() as session:
        overall = await make_goal(session, region_code=PROVINCE, year=YEAR - 1, horizon=GoalHorizon.OVERALL)
        later = await make_goal(session, region_code=PROVINCE, year=YEAR + 1, horizon=GoalHorizon.OVERALL)
        superseded = await make_goal(
            session,
            region_code=PROVINCE,
            year=YEAR - 3,
            horizon=GoalHorizon.OVERALL,
            status=GoalStatus.SUPERSEDED,
        )
        chengdu_overall = await make_goal(
            session, region_code=CHENGDU, year=YEAR + 4, horizon=GoalHorizon.OVERALL
        )
        annual = await make_goal(session, region_code=PROVINCE, year=YEAR - 1)
        await session.commit()
    link = "input.overallGoalId"
    for wrong, horizon, problems in (
        (annual.id, GoalHorizon.ANNUAL, ["所选目标是年度目标；年度目标只能归属总体目标（第八条）"]),
        (later.id, GoalHorizon.ANNUAL, ["2027年不在总体目标的期间（2028—2032年）内"]),
        (superseded.id, GoalHorizon.ANNUAL, ["该总体目标已被新版本取代，请归属现行版本"]),
        (
            chengdu_overall.id,
            GoalHorizon.ANNUAL,
            ["总体目标须为同一统筹地区的目标", "2027年不在总体目标的期间（2031—2035年）内"],
        ),
        (overall.id, GoalHorizon.OVERALL, ["只有年度目标归属总体目标（第八条）"]),
    ):
        end_year = YEAR if horizon == GoalHorizon.ANNUAL else YEAR + 4
        data = new_goal(overall_goal_id=wrong, horizon=horizon, end_year=end_year)
        error = await refused(sessionmaker, ValidationFailed, create(province.agency, data))
        assert error.problems == [FieldProblem(link, message, ErrorCode.INVALID) for message in problems]
    missing = await refused(
        sessionmaker, ValidationFailed, create(province.agency, new_goal(overall_goal_id=999_999))
    )
    assert missing.problems == [FieldProblem(link, "总体目标不存在", ErrorCode.NOT_FOUND)]
    goal = await act(sessionmaker, create(province.agency, new_goal(overall_goal_id=overall.id)))
    assert (await goal_row(sessionmaker, goal.id or 0)).overall_goal_id == overall.id


async def test_art6_a_pooling_regions_goal_is_not_created_but_decomposed(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    error = await refused(
        sessionmaker, PreconditionFailed, create(chengdu.agency, new_goal(region_code=CHENGDU))
    )
    assert error.code == GoalErrorCode.COMES_FROM_DECOMPOSITION and "第六条" in error.message


async def test_art6_a_region_that_does_not_pool_the_fund_has_no_goal_of_it(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    county = await make_actor(
        sessionmaker, actor_type=ActorType.AGENCY, region_code=JINJIANG, administration=MED
    )
    work_injury = await make_actor(
        sessionmaker, actor_type=ActorType.AGENCY, region_code=CHENGDU, administration=HRSS
    )
    for actor, data in (
        (county, new_goal(region_code=JINJIANG)),  # a county: the medical funds are pooled by prefecture
        (work_injury, new_goal(region_code=CHENGDU, fund_type_code="WORK_INJURY")),  # pooled by the province
    ):
        error = await refused(sessionmaker, ValidationFailed, create(actor, data))
        assert [(p.field, p.code) for p in error.problems] == [("input.regionCode", ErrorCode.INVALID)]
        assert "不是该险种2027年的统筹地区" in error.problems[0].message


async def test_unknown_fund_or_region_is_not_found(sessionmaker: Sessionmaker, province: Bodies) -> None:
    for data, entity, key in (
        (new_goal(fund_type_code="NOPE"), "险种", "NOPE"),
        (new_goal(region_code="999999"), "行政区划", "999999"),
    ):
        error = await refused(sessionmaker, NotFound, create(province.agency, data))
        assert (error.code, error.entity, error.key) == (CommonErrorCode.NOT_FOUND, entity, key)


async def test_art8_one_goal_per_fund_region_and_period(sessionmaker: Sessionmaker, province: Bodies) -> None:
    await act(sessionmaker, create(province.agency, new_goal()))
    error = await refused(sessionmaker, Conflict, create(province.agency, new_goal()))
    assert error.code == GoalErrorCode.DUPLICATE
    # The overall horizon over other years is another goal.
    await act(sessionmaker, create(province.agency, new_goal(horizon=GoalHorizon.OVERALL, end_year=YEAR + 4)))


# --- update -------------------------------------------------------------------------------------------------


async def test_art7_an_edit_counts_the_content_revision_up(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    before = await goal_row(sessionmaker, province_draft.id)
    goal = await act(
        sessionmaker, update(province.agency, province_draft.id, title=" 新标题 ", content="新内容")
    )
    after = await goal_row(sessionmaker, province_draft.id)
    assert (goal.title, after.title, after.content) == ("新标题", "新标题", "新内容")
    assert after.row_version == before.row_version + 1
    assert after.content_revision == before.content_revision + 1  # it voids a concurrence (test_tax.py)
    async with sessionmaker() as session:
        audit = (await session.exec(select(AuditEvent).where(AuditEvent.operation == "goalUpdate"))).one()
    assert audit.changes["title"] == {"before": before.title, "after": "新标题"}


async def test_a_blank_title_is_refused(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    error = await refused(
        sessionmaker, ValidationFailed, update(province.agency, province_draft.id, title=" ")
    )
    assert error.problems == [FieldProblem("input.title", "目标名称不能为空", ErrorCode.REQUIRED)]


async def test_a_stale_row_version_is_a_conflict(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    await act(sessionmaker, update(province.agency, province_draft.id, title="甲"))
    error = await refused(sessionmaker, Conflict, update(province.agency, province_draft.id, title="乙"))
    assert (error.code, error.current_version) == (CommonErrorCode.STALE_VERSION, 2)
    assert (await goal_row(sessionmaker, province_draft.id)).title == "甲"


async def test_art7_who_may_edit_a_draft(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies, province_draft: ProvinceGoal
) -> None:
    """Bodies that see the draft but do not draft are forbidden; a body that may not see it (a prefecture,
    the other administration) is told it does not exist, exactly as the queries tell it."""
    for actor in (province.finance, province.reviewer, province.tax):
        await refused(sessionmaker, Forbidden, update(actor, province_draft.id))
    hrss_agency = await make_actor(sessionmaker, actor_type=ActorType.AGENCY, administration=HRSS)
    for actor in (chengdu.agency, hrss_agency):
        error = await refused(sessionmaker, NotFound, update(actor, province_draft.id))
        assert (error.entity, error.key) == ("绩效目标", str(province_draft.id))


async def test_art7_only_drafts_and_returned_goals_are_edited(
    sessionmaker: Sessionmaker, province: Bodies
) -> None:
    async with sessionmaker() as session:
        submitted = await make_goal(session, region_code=PROVINCE, year=YEAR + 1, status=GoalStatus.SUBMITTED)
        returned = await make_goal(session, region_code=PROVINCE, year=YEAR + 2, status=GoalStatus.RETURNED)
        await session.commit()
    error = await refused(sessionmaker, InvalidTransition, update(province.agency, submitted.id or 0))
    assert (error.code, error.current_status, error.operation) == (
        GoalErrorCode.NOT_EDITABLE,
        "SUBMITTED",
        "goalUpdate",
    )
    edited = await act(sessionmaker, update(province.agency, returned.id or 0))
    assert edited.title == "改" and edited.status == GoalStatus.RETURNED


# --- delete -------------------------------------------------------------------------------------------------


async def test_art7_deleting_a_draft_removes_what_belongs_to_it(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    concurred = await concur(sessionmaker, province.tax, province_draft.id)
    deleted = await act(sessionmaker, delete(province.agency, province_draft.id, concurred.row_version))
    assert deleted == province_draft.id
    assert await goal_row_or_none(sessionmaker, province_draft.id) is None
    assert await rows_of(sessionmaker, Indicator, province_draft.id) == 0
    assert await rows_of(sessionmaker, GoalTaxOpinion, province_draft.id) == 0
    assert (await audit_operations(sessionmaker, province_draft.id))[-1] == "goalDelete"


async def test_art6_a_decomposed_goal_is_not_deleted_by_its_region(
    sessionmaker: Sessionmaker, chengdu: Bodies, ready_to_issue: ProvinceGoal
) -> None:
    async with sessionmaker() as session:
        child = await make_goal(session, region_code=CHENGDU, year=YEAR, parent_goal_id=ready_to_issue.id)
        await session.commit()
    error = await refused(sessionmaker, InvalidTransition, delete(chengdu.agency, child.id or 0))
    assert error.code == GoalErrorCode.DECOMPOSED_GOAL_LOCKED and "第六条" in error.message


async def test_art8_a_goal_others_point_at_is_not_deleted(
    sessionmaker: Sessionmaker, province: Bodies
) -> None:
    async with sessionmaker() as session:
        overall = await make_goal(session, region_code=PROVINCE, year=YEAR, horizon=GoalHorizon.OVERALL)
        await make_goal(session, region_code=PROVINCE, year=YEAR, overall_goal_id=overall.id)
        await session.commit()
    error = await refused(sessionmaker, Conflict, delete(province.agency, overall.id or 0))
    assert error.code == GoalErrorCode.STILL_REFERENCED


async def test_deleting_with_a_stale_row_version_is_a_conflict(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    error = await refused(sessionmaker, Conflict, delete(province.agency, province_draft.id, row_version=7))
    assert (error.code, error.current_version) == (CommonErrorCode.STALE_VERSION, 1)


async def test_art7_a_returned_goal_is_deleted_with_its_history(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    """A goal sent back (RETURNED) is still its agency's draft (it may edit it, so it may drop it); its steps
    so far go with it, as its tax opinions do (the audit trail keeps the record)."""
    await concur(sessionmaker, province.tax, province_draft.id)
    submitted = await step(sessionmaker, province.agency, province_draft.id, GoalAction.SUBMIT)
    returned = await act(
        sessionmaker,
        lambda s: workflow.return_goal(
            session=s,
            actor=province.reviewer,
            goal_id=province_draft.id,
            row_version=submitted.row_version,
            reason="参保率目标偏低",
        ),
    )
    assert returned.status == GoalStatus.RETURNED
    await act(sessionmaker, delete(province.agency, province_draft.id, returned.row_version))
    assert await goal_row_or_none(sessionmaker, province_draft.id) is None
    assert await rows_of(sessionmaker, GoalTransition, province_draft.id) == 0


async def test_art14_an_adjustment_draft_is_dropped_and_the_version_in_force_stays(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    async with sessionmaker() as session:
        issued = await make_goal(session, region_code=CHENGDU, year=YEAR, status=GoalStatus.ISSUED)
        await session.commit()
    assessment = workflow.Assessment(
        what_changed="参保人数下降", reason="政策调整", fund_effect="收入减少", target_effect="目标下调"
    )

    def adjust(row_version: int) -> Call[Goal]:
        return lambda s: workflow.request_adjustment(
            session=s,
            actor=chengdu.agency,
            goal_id=issued.id or 0,
            row_version=row_version,
            assessment=assessment,
        )

    v2 = await act(sessionmaker, adjust(1))
    await act(sessionmaker, delete(chengdu.agency, v2.id or 0, v2.row_version))
    assert await goal_row_or_none(sessionmaker, v2.id or 0) is None
    assert (await goal_row(sessionmaker, issued.id or 0)).status == GoalStatus.ISSUED
    again = await act(sessionmaker, adjust(2))  # the adjustment may be asked for again
    assert again.version == 2 and again.lineage_id == issued.lineage_id
