"""src/services/goals/cascade.py: what issuing a province-wide goal does to the pooling regions' goals.
Issued (guiding or formal) it is handed down: each pooling region gets a draft with the province's
indicators locked (Art. 6); a region's goal from a guiding province goal is issued as guiding, and turns
formal with the province goal in the same transaction (Art. 10); a new province version re-bases the
regions' drafts and gives the goals in force a new version (Art. 14)."""

from decimal import Decimal

from sqlmodel import col, select

from src.models import AuditEvent, Event, Goal, Indicator, IndicatorUpdate
from src.models.enums import GoalHorizon, GoalStatus, QualitativeGrade
from src.models.goal import GoalEventKind
from src.services.actors import Actor
from src.services.errors import GoalErrorCode, InvalidTransition
from src.services.goals import cascade, workflow
from src.services.goals.indicators import create_indicator, update_indicator
from src.services.goals.steps import GoalAction
from tests.factories import make_goal
from tests.services.conftest import CHENGDU, ZIGONG, Bodies, Sessionmaker, act, bodies_of, refused
from tests.services.goals.conftest import (
    COUNT,
    PREFECTURES,
    YEAR,
    ProvinceGoal,
    children_of,
    concur,
    goal_row,
    indicators_of,
    make_province_goal,
    new_indicator,
    step,
    through_review,
    transitions_of,
)

A, S = GoalAction, GoalStatus


async def audit_of(sessionmaker: Sessionmaker, operation: str, goal_id: int) -> AuditEvent:
    async with sessionmaker() as session:
        stmt = select(AuditEvent).where(AuditEvent.operation == operation, AuditEvent.target_id == goal_id)
        audit = (await session.exec(stmt.order_by(col(AuditEvent.id).desc()))).first()
    assert audit is not None
    return audit


async def test_art6_issuing_hands_a_draft_to_every_pooling_region(
    sessionmaker: Sessionmaker, province: Bodies, ready_to_issue: ProvinceGoal
) -> None:
    await step(sessionmaker, province.finance, ready_to_issue.id, A.ISSUE_GUIDING)
    children = await children_of(sessionmaker, ready_to_issue.id)
    assert len(children) == PREFECTURES
    chengdu = children[CHENGDU]
    assert (chengdu.status, chengdu.version, chengdu.horizon, chengdu.start_year) == (
        S.DRAFT,
        1,
        GoalHorizon.ANNUAL,
        YEAR,
    )
    assert chengdu.title == "成都市2027年职工基本医疗保险(含生育保险)基金预算绩效年度目标"
    province_indicators = await indicators_of(sessionmaker, ready_to_issue.id)
    inherited = await indicators_of(sessionmaker, chengdu.id or 0)
    assert [i.inherited_from_id for i in inherited] == [p.id for p in province_indicators]
    assert [i.level3 for i in inherited] == [p.level3 for p in province_indicators]
    # Each region's own share of the SUM target, the province's value for the other quantitative ones (the
    # table, frozen), and the province's grade for the qualitative DECISION one.
    assert [
        (i.target_value, i.assigned_target_value, i.target_grade, i.assigned_target_grade) for i in inherited
    ] == [
        (Decimal("47.62"), Decimal("47.62"), None, None),
        (Decimal("95.5"), Decimal("95.5"), None, None),
        (Decimal("95.5"), Decimal("95.5"), None, None),
        (None, None, QualitativeGrade.ACHIEVED, QualitativeGrade.ACHIEVED),
    ]
    [handed] = await transitions_of(sessionmaker, chengdu.id or 0)
    assert (handed.action, handed.to_status, handed.reason) == (
        "DECOMPOSE",
        S.DRAFT,
        "由全省目标（第 1 版）分解下达",
    )
    async with sessionmaker() as session:
        decomposed = (
            await session.exec(select(Event).where(Event.kind == GoalEventKind.GOAL_DECOMPOSED))
        ).all()
    assert sorted(e.subject_id for e in decomposed) == sorted(g.id or 0 for g in children.values())
    audit = await audit_of(sessionmaker, "goalIssueGuiding", ready_to_issue.id)
    assert sorted(audit.changes["decomposed_goal_ids"]["after"]) == sorted(
        g.id or 0 for g in children.values()
    )


async def test_art6_a_fund_the_province_pools_is_not_handed_down(
    sessionmaker: Sessionmaker, province: Bodies
) -> None:
    work_injury = await make_province_goal(
        sessionmaker, fund_code="WORK_INJURY", status=S.REVIEWED, budgets=False
    )
    issued = await step(sessionmaker, province.finance, work_injury.id, A.ISSUE_GUIDING)
    assert issued.status == S.ISSUED_GUIDING and await children_of(sessionmaker, work_injury.id) == {}


async def test_art8_a_regions_annual_goal_joins_its_overall_goal(
    sessionmaker: Sessionmaker, province: Bodies, ready_to_issue: ProvinceGoal
) -> None:
    async with sessionmaker() as session:
        overall = await make_goal(session, region_code=CHENGDU, year=YEAR - 1, horizon=GoalHorizon.OVERALL)
        await session.commit()
    await step(sessionmaker, province.finance, ready_to_issue.id, A.ISSUE_GUIDING)
    children = await children_of(sessionmaker, ready_to_issue.id)
    assert children[CHENGDU].overall_goal_id == overall.id and children[ZIGONG].overall_goal_id is None


async def test_art10_a_regions_goal_from_a_guiding_province_goal_is_issued_as_guiding(
    sessionmaker: Sessionmaker, chengdu: Bodies, issued_guiding: ProvinceGoal
) -> None:
    child = (await children_of(sessionmaker, issued_guiding.id))[CHENGDU]
    async with sessionmaker() as session:
        assert await cascade.parent_is_formal(session, child) is False
    await through_review(sessionmaker, chengdu, child.id or 0)
    issued = await step(sessionmaker, chengdu.finance, child.id or 0, A.ISSUE)
    assert issued.status == S.ISSUED_GUIDING
    assert (
        (await audit_of(sessionmaker, "goalIssue", child.id or 0))
        .changes["issued_as"]["after"]
        .startswith("guiding")
    )
    # It turns formal with the province-wide goal (below), not by goalIssue; no national review is its own.
    again = await refused(
        sessionmaker,
        InvalidTransition,
        lambda s: workflow.transition(
            session=s,
            actor=chengdu.finance,
            goal_id=child.id or 0,
            row_version=issued.row_version,
            action=A.ISSUE,
        ),
    )
    assert (again.code, again.current_status) == (GoalErrorCode.WRONG_STATUS, "ISSUED_GUIDING")
    assert "国家相关部门" not in again.message


async def test_art10_formal_issue_turns_the_guiding_regions_formal_in_the_same_transaction(
    sessionmaker: Sessionmaker,
    province: Bodies,
    chengdu: Bodies,
    national: Actor,
    issued_guiding: ProvinceGoal,
) -> None:
    children = await children_of(sessionmaker, issued_guiding.id)
    chengdu_id, zigong_id = children[CHENGDU].id or 0, children[ZIGONG].id or 0
    await through_review(sessionmaker, chengdu, chengdu_id)
    await step(sessionmaker, chengdu.finance, chengdu_id, A.ISSUE)  # guiding, as its parent
    await step(sessionmaker, province.finance, issued_guiding.id, A.SUBMIT_TO_NATIONAL)
    await step(sessionmaker, national, issued_guiding.id, A.NATIONAL_APPROVE)
    await step(sessionmaker, province.finance, issued_guiding.id, A.ISSUE)

    assert (await goal_row(sessionmaker, chengdu_id)).status == S.ISSUED
    last = (await transitions_of(sessionmaker, chengdu_id))[-1]
    assert (last.action, last.from_status, last.to_status, last.user_id) == (
        "DECOMPOSE",
        S.ISSUED_GUIDING,
        S.ISSUED,
        province.finance.user_id,
    )
    audit = await audit_of(sessionmaker, "goalIssue", issued_guiding.id)
    assert audit.changes["formalized_goal_ids"]["after"] == [chengdu_id]
    assert "decomposed_goal_ids" not in audit.changes  # handed down once, when issued as guiding
    assert len(await children_of(sessionmaker, issued_guiding.id)) == PREFECTURES
    # 自贡市's goal, still a draft then, is issued formally at once when its turn comes.
    zigong = await bodies_of(sessionmaker, ZIGONG)
    await through_review(sessionmaker, zigong, zigong_id)
    assert (await step(sessionmaker, zigong.finance, zigong_id, A.ISSUE)).status == S.ISSUED


async def add_own_indicator(sessionmaker: Sessionmaker, chengdu: Bodies, goal_id: int) -> Indicator:
    """成都市 adds an indicator of its own (weight 5) and gives an inherited one 5 less (weights stay 100)."""
    first = (await indicators_of(sessionmaker, goal_id))[0]
    await act(
        sessionmaker,
        lambda s: update_indicator(
            session=s,
            actor=chengdu.agency,
            indicator_id=first.id or 0,
            row_version=first.row_version,
            patch=IndicatorUpdate(weight=first.weight - 5),
        ),
    )
    return await act(
        sessionmaker,
        lambda s: create_indicator(session=s, actor=chengdu.agency, goal_id=goal_id, data=new_indicator()),
    )


async def next_province_version(
    sessionmaker: Sessionmaker, province: Bodies, national: Actor, v1_id: int, count_target: Decimal
) -> int:
    """The national departments return the guiding goal; version 2, with another insured-persons target, is
    reviewed again and issued as guiding (the steps themselves are test_workflow.py's)."""
    reported = await step(sessionmaker, province.finance, v1_id, A.SUBMIT_TO_NATIONAL)
    v2 = await act(
        sessionmaker,
        lambda s: workflow.return_goal(
            session=s,
            actor=national,
            goal_id=v1_id,
            row_version=reported.row_version,
            reason="参保人数目标偏低",
        ),
    )
    count = next(i for i in await indicators_of(sessionmaker, v2.id or 0) if i.level3 == COUNT)
    await act(
        sessionmaker,
        lambda s: update_indicator(
            session=s,
            actor=province.agency,
            indicator_id=count.id or 0,
            row_version=1,
            patch=IndicatorUpdate(target_value=count_target),
        ),
    )
    await through_review(sessionmaker, province, v2.id or 0)
    await step(sessionmaker, province.finance, v2.id or 0, A.ISSUE_GUIDING)
    assert (await goal_row(sessionmaker, v1_id)).status == S.SUPERSEDED
    return v2.id or 0


async def test_art14_a_regions_draft_is_rebased_on_the_new_province_version(
    sessionmaker: Sessionmaker,
    province: Bodies,
    chengdu: Bodies,
    national: Actor,
    issued_guiding: ProvinceGoal,
) -> None:
    child = (await children_of(sessionmaker, issued_guiding.id))[CHENGDU]
    own = await add_own_indicator(sessionmaker, chengdu, child.id or 0)
    concurred = await concur(sessionmaker, chengdu.tax, child.id or 0)

    v2_id = await next_province_version(sessionmaker, province, national, issued_guiding.id, Decimal(1050))

    rebased = await goal_row(sessionmaker, child.id or 0)
    assert (rebased.id, rebased.status, rebased.version, rebased.parent_goal_id) == (
        child.id,
        S.DRAFT,
        1,
        v2_id,
    )
    assert (
        rebased.content_revision == concurred.content_revision + 1
    )  # the concurrence was on the old targets
    rows = await indicators_of(sessionmaker, child.id or 0)
    v2_indicators = await indicators_of(sessionmaker, v2_id)
    assert [i.inherited_from_id for i in rows] == [i.id for i in v2_indicators] + [None]
    assert rows[-1].id == own.id and rows[-1].sort_order == 4  # the region's own, after the inherited
    assert rows[0].level3 == COUNT and rows[0].target_value == Decimal(50)  # 1050 over 21 equal budgets
    assert (await transitions_of(sessionmaker, child.id or 0))[
        -1
    ].reason == "全省目标第 2 版下达，按新的分解表重新编制"


async def test_art14_a_regions_goal_in_force_gets_a_new_version_and_stays_in_force(
    sessionmaker: Sessionmaker,
    province: Bodies,
    chengdu: Bodies,
    national: Actor,
    issued_guiding: ProvinceGoal,
) -> None:
    child = (await children_of(sessionmaker, issued_guiding.id))[CHENGDU]
    own = await add_own_indicator(sessionmaker, chengdu, child.id or 0)
    await through_review(sessionmaker, chengdu, child.id or 0)
    await step(sessionmaker, chengdu.finance, child.id or 0, A.ISSUE)

    v2_id = await next_province_version(sessionmaker, province, national, issued_guiding.id, Decimal(1050))

    assert (await goal_row(sessionmaker, child.id or 0)).status == S.ISSUED_GUIDING  # until its successor
    async with sessionmaker() as session:
        [successor] = (await session.exec(select(Goal).where(Goal.previous_version_id == child.id))).all()
    assert (successor.status, successor.version, successor.parent_goal_id) == (S.DRAFT, 2, v2_id)
    assert (
        successor.lineage_id == child.lineage_id
        and successor.adjustment_reason == "全省目标第 2 版下达，重新分解"
    )
    rows = await indicators_of(sessionmaker, successor.id or 0)
    assert [i.inherited_from_id for i in rows] == [i.id for i in await indicators_of(sessionmaker, v2_id)] + [
        None
    ]
    assert rows[-1].level3 == own.level3 and rows[-1].id != own.id  # the region's own, copied
    assert len(await indicators_of(sessionmaker, child.id or 0)) == 5  # the version in force untouched
