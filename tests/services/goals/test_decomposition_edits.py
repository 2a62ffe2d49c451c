"""src/services/goals/decomposition_edits.py: the drafting agency sets cells of a province-wide draft's
decomposition table by hand (Art. 6, 7); issuing freezes the table; a new version starts from the cells
its predecessor's table had set by hand (Art. 14)."""

from decimal import Decimal

from sqlmodel import col, select

from src.models import AuditEvent, Goal, GoalDecompositionTarget, Region
from src.models.enums import ActorType, GoalStatus
from src.services.actors import Actor
from src.services.errors import (
    CommonErrorCode,
    Conflict,
    ErrorCode,
    Forbidden,
    GoalErrorCode,
    InvalidTransition,
    ValidationFailed,
)
from src.services.goals import workflow
from src.services.goals.decomposition import build_table
from src.services.goals.decomposition_edits import MAX_ENTRIES, TargetEntry, freeze, update_targets
from src.services.goals.steps import GoalAction
from tests.factories import make_actor, make_goal
from tests.services.conftest import (
    CHENGDU,
    HRSS,
    JINJIANG,
    PROVINCE,
    ZIGONG,
    Bodies,
    Call,
    Sessionmaker,
    act,
    refused,
)
from tests.services.goals.conftest import (
    PREFECTURES,
    QUANTITATIVE,
    YEAR,
    ProvinceGoal,
    goal_row,
    indicators_of,
    make_province_goal,
    step,
)


def cell(indicator_id: int, region_code: str, value: str | None) -> TargetEntry:
    return TargetEntry(
        indicator_id=indicator_id,
        region_code=region_code,
        target_value=None if value is None else Decimal(value),
    )


def set_cells(actor: Actor, goal_id: int, row_version: int, *entries: TargetEntry) -> Call[Goal]:
    return lambda s: update_targets(
        session=s, actor=actor, goal_id=goal_id, row_version=row_version, entries=list(entries)
    )


async def cells_of(sessionmaker: Sessionmaker, goal_id: int) -> dict[tuple[int, str], tuple[Decimal, bool]]:
    """The stored cells: (indicator, region code) → (target, set by hand)."""
    async with sessionmaker() as session:
        stmt = (
            select(GoalDecompositionTarget, Region.code)
            .join(Region, col(Region.id) == GoalDecompositionTarget.region_id)
            .where(GoalDecompositionTarget.goal_id == goal_id)
        )
        rows = (await session.exec(stmt)).all()
    return {(t.indicator_id, code): (t.target_value, t.by_hand) for t, code in rows}


async def test_art6_the_drafting_agency_sets_cells_by_hand(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    count = province_draft.count_id
    goal = await act(
        sessionmaker,
        set_cells(
            province.agency, province_draft.id, 1, cell(count, CHENGDU, "60.5"), cell(count, ZIGONG, "35")
        ),
    )
    assert (goal.row_version, goal.content_revision) == (2, 1)  # an edit: it voids a concurrence
    assert await cells_of(sessionmaker, province_draft.id) == {
        (count, CHENGDU): (Decimal("60.5"), True),
        (count, ZIGONG): (Decimal(35), True),
    }
    async with sessionmaker() as session:
        audit = (
            await session.exec(select(AuditEvent).where(AuditEvent.operation == "goalDecompositionUpdate"))
        ).one()
        table = await build_table(session, await goal_row(sessionmaker, province_draft.id))
    assert audit.changes["targets"]["after"] == [
        {"indicator_id": count, "region": CHENGDU, "target_value": "60.5"},
        {"indicator_id": count, "region": ZIGONG, "target_value": "35"},
    ]
    assert table is not None and not table.complete  # 60.5 + 35 + 19 × the default: not 1000


async def test_art6_a_cell_set_again_changes_and_null_goes_back_to_the_default(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    count = province_draft.count_id
    await act(sessionmaker, set_cells(province.agency, province_draft.id, 1, cell(count, CHENGDU, "60")))
    await act(sessionmaker, set_cells(province.agency, province_draft.id, 2, cell(count, CHENGDU, "61")))
    async with sessionmaker() as session:
        [row] = (await session.exec(select(GoalDecompositionTarget))).all()
    assert (row.target_value, row.row_version) == (Decimal(61), 2)
    await act(sessionmaker, set_cells(province.agency, province_draft.id, 3, cell(count, CHENGDU, None)))
    assert await cells_of(sessionmaker, province_draft.id) == {}


async def test_art6_every_cell_is_checked_before_any_is_stored(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    count = province_draft.count_id
    entries = [
        cell(count, CHENGDU, "60"),
        cell(999_999, CHENGDU, "1"),  # no such indicator of this goal
        cell(count, JINJIANG, "1"),  # a county: not a pooling region of the fund
        cell(count, CHENGDU, "61"),  # the same cell twice
    ]
    error = await refused(
        sessionmaker, ValidationFailed, set_cells(province.agency, province_draft.id, 1, *entries)
    )
    assert [(p.field, p.code) for p in error.problems] == [
        ("input.targets.1.indicatorId", ErrorCode.NOT_FOUND),
        ("input.targets.2.regionCode", ErrorCode.NOT_FOUND),
        ("input.targets.3.regionCode", ErrorCode.DUPLICATE),
    ]
    too_many = [cell(count, CHENGDU, "1")] * (MAX_ENTRIES + 1)
    error = await refused(
        sessionmaker, ValidationFailed, set_cells(province.agency, province_draft.id, 1, *too_many)
    )
    assert [(p.field, p.code) for p in error.problems] == [("input.targets", ErrorCode.OUT_OF_RANGE)]


async def test_art6_a_goal_that_is_not_decomposed_has_no_table(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    work_injury = await make_province_goal(sessionmaker, fund_code="WORK_INJURY", budgets=False)
    hrss_agency = await make_actor(
        sessionmaker, actor_type=ActorType.AGENCY, region_code=PROVINCE, administration=HRSS
    )
    async with sessionmaker() as session:
        own = await make_goal(session, region_code=CHENGDU, year=YEAR)
        await session.commit()
    for actor, goal_id, indicator_id in (
        (hrss_agency, work_injury.id, work_injury.count_id),  # pooled by the province itself
        (chengdu.agency, own.id or 0, work_injury.count_id),  # a pooling region's own goal
    ):
        error = await refused(
            sessionmaker, InvalidTransition, set_cells(actor, goal_id, 1, cell(indicator_id, CHENGDU, "1"))
        )
        assert (error.code, error.operation) == (GoalErrorCode.NOT_DECOMPOSED, "goalDecompositionUpdate")


async def test_art7_the_table_is_the_drafting_agencys(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    entry = cell(province_draft.count_id, CHENGDU, "60")
    for actor in (province.finance, province.reviewer, province.tax):
        await refused(sessionmaker, Forbidden, set_cells(actor, province_draft.id, 1, entry))
    stale = await refused(sessionmaker, Conflict, set_cells(province.agency, province_draft.id, 5, entry))
    assert (stale.code, stale.current_version) == (CommonErrorCode.STALE_VERSION, 1)


async def test_art7_the_table_is_edited_while_the_goal_is_a_draft(
    sessionmaker: Sessionmaker, province: Bodies, ready_to_issue: ProvinceGoal
) -> None:
    entry = cell(ready_to_issue.count_id, CHENGDU, "60")
    error = await refused(
        sessionmaker, InvalidTransition, set_cells(province.agency, ready_to_issue.id, 1, entry)
    )
    assert (error.code, error.current_status) == (GoalErrorCode.NOT_EDITABLE, "REVIEWED")


async def test_art6_issuing_freezes_the_table_as_issued(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    count = province_draft.count_id
    await act(sessionmaker, set_cells(province.agency, province_draft.id, 1, cell(count, CHENGDU, "47.62")))
    async with sessionmaker() as session:
        goal = await goal_row(sessionmaker, province_draft.id)
        table = await build_table(session, goal)
        assert table is not None
        await freeze(session, table)
        await session.commit()
    stored = await cells_of(sessionmaker, province_draft.id)
    assert len(stored) == QUANTITATIVE * PREFECTURES  # every cell of every quantitative indicator
    assert stored[count, CHENGDU] == (Decimal("47.62"), True)  # set by hand
    assert stored[count, ZIGONG] == (Decimal("47.62"), False)  # the default, as issued
    assert stored[province_draft.rate_id, CHENGDU] == (Decimal("95.5"), False)


async def test_art14_a_new_version_starts_from_the_cells_set_by_hand(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    count = province_draft.count_id
    await act(sessionmaker, set_cells(province.agency, province_draft.id, 1, cell(count, CHENGDU, "47.62")))
    async with sessionmaker() as session:  # reviewed (the chain is test_workflow.py's), then issued
        goal = await session.get(Goal, province_draft.id)
        assert goal is not None
        goal.status = GoalStatus.REVIEWED
        await session.commit()
    issued = await step(sessionmaker, province.finance, province_draft.id, GoalAction.ISSUE_GUIDING)
    assessment = workflow.Assessment(
        what_changed="扩面", reason="政策调整", fund_effect="增收", target_effect="上调"
    )
    v2 = await act(
        sessionmaker,
        lambda s: workflow.request_adjustment(
            session=s,
            actor=province.agency,
            goal_id=province_draft.id,
            row_version=issued.row_version,
            assessment=assessment,
        ),
    )
    v2_count = next(i for i in await indicators_of(sessionmaker, v2.id or 0) if i.level3 == "年末参保人数")
    assert await cells_of(sessionmaker, v2.id or 0) == {(v2_count.id or 0, CHENGDU): (Decimal("47.62"), True)}
    assert len(await cells_of(sessionmaker, province_draft.id)) == QUANTITATIVE * PREFECTURES  # v1 as issued
