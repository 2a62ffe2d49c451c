"""src/services/goals/drafts.py: creating, editing and deleting draft goals (Art. 6–8). The agency of the
goal's region whose administration supervises the fund drafts; only the province-wide goal is created,
a pooling region's comes from the decomposition."""

from sqlmodel import func, select

from src.models import Goal, GoalTransition
from src.models.enums import GoalStatus
from src.services.goals import drafts, workflow
from src.services.goals.steps import GoalAction
from tests.factories import make_goal
from tests.services.conftest import (
    CHENGDU,
    Bodies,
    Sessionmaker,
    act,
)
from tests.services.goals.conftest import YEAR, ProvinceGoal, concur, goal_row, step


async def test_art7_a_returned_goal_is_deleted_with_its_history(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    """A goal sent back (RETURNED) is still a draft of its agency (it may edit it, so it may drop it); its
    steps so far go with it, as its tax opinions do (the audit trail keeps the record)."""
    await concur(sessionmaker, province.tax, province_draft.id)
    submitted = await step(sessionmaker, province.agency, province_draft.id, GoalAction.SUBMIT)
    await act(
        sessionmaker,
        lambda s: workflow.return_goal(
            session=s, actor=province.reviewer, goal_id=province_draft.id, row_version=submitted.row_version,
            reason="参保率目标偏低",
        ),
    )  # fmt: skip
    returned = await goal_row(sessionmaker, province_draft.id)
    assert returned.status == GoalStatus.RETURNED
    await act(
        sessionmaker,
        lambda s: drafts.delete_goal(
            session=s, actor=province.agency, goal_id=province_draft.id, row_version=returned.row_version
        ),
    )
    async with sessionmaker() as session:
        assert await session.get(Goal, province_draft.id) is None
        left = (
            select(func.count())
            .select_from(GoalTransition)
            .where(GoalTransition.goal_id == province_draft.id)
        )
        assert (await session.exec(left)).one() == 0


async def test_art14_an_adjustment_draft_is_dropped_and_the_version_in_force_stays(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    async with sessionmaker() as session:
        issued = await make_goal(session, region_code=CHENGDU, year=YEAR, status=GoalStatus.ISSUED)
        await session.commit()
    assessment = workflow.Assessment(
        what_changed="参保人数下降", reason="政策调整", fund_effect="收入减少", target_effect="目标下调"
    )
    v2 = await act(
        sessionmaker,
        lambda s: workflow.request_adjustment(
            session=s, actor=chengdu.agency, goal_id=issued.id or 0, row_version=1, assessment=assessment
        ),
    )
    await act(
        sessionmaker,
        lambda s: drafts.delete_goal(
            session=s, actor=chengdu.agency, goal_id=v2.id or 0, row_version=v2.row_version
        ),
    )
    async with sessionmaker() as session:
        assert await session.get(Goal, v2.id) is None
    assert (await goal_row(sessionmaker, issued.id or 0)).status == GoalStatus.ISSUED
    # The adjustment may be asked for again.
    again = await act(
        sessionmaker,
        lambda s: workflow.request_adjustment(
            session=s, actor=chengdu.agency, goal_id=issued.id or 0, row_version=2, assessment=assessment
        ),
    )
    assert again.version == 2 and again.lineage_id == issued.lineage_id
