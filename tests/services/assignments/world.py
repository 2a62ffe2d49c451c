"""The assignment tests' world: self-evaluations of 2025 as finance opened them (drafts, their narrative
written), a third-party organization and its users, and the period of an assignment (April to June 2026,
China dates) with the instants around its edges."""

from datetime import UTC, date, datetime

from src.models.enums import ActorType, GoalStatus, PoolingLevel
from src.models.evaluation import SelfEvaluation, SelfEvaluationStatus
from src.services.actors import Actor, load_actor
from tests.factories import make_actor, make_goal, make_user
from tests.services.conftest import Sessionmaker

YEAR = 2025
STARTS_ON, ENDS_ON = date(2026, 4, 1), date(2026, 6, 30)
# 00:00 Beijing time on 1 April, and on 1 July: the bounds of the period, in UTC.
STARTS_AT = datetime(2026, 3, 31, 16, tzinfo=UTC)
ENDS_AT = datetime(2026, 6, 30, 16, tzinfo=UTC)
DURING = datetime(2026, 5, 1, tzinfo=UTC)
BEFORE = datetime(2026, 3, 1, tzinfo=UTC)


async def evaluation_in(
    sessionmaker: Sessionmaker,
    region_code: str,
    status: SelfEvaluationStatus = SelfEvaluationStatus.DRAFT,
    fund_code: str = "EMPLOYEE_MEDICAL",
) -> SelfEvaluation:
    """The region's self-evaluation of 2025 for `fund_code`, on its issued goal, in `status`."""
    opener = await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code=region_code)
    async with sessionmaker() as session:
        goal = await make_goal(
            session, region_code=region_code, fund_code=fund_code, year=YEAR, status=GoalStatus.ISSUED
        )
        row = SelfEvaluation(
            region_id=goal.region_id, fund_type_id=goal.fund_type_id, year=YEAR, goal_id=goal.id or 0,
            pooling_level=PoolingLevel.PREFECTURE, status=status,
            opener_organization_id=opener.organization_id,
            conclusion="结论", problems="问题", measures="措施",
        )  # fmt: skip
        session.add(row)
        await session.commit()
        return row


async def third_party(sessionmaker: Sessionmaker) -> Actor:
    """A user of the province's third-party organization (a 事务所), as the services take it."""
    return await make_actor(sessionmaker, actor_type=ActorType.THIRD_PARTY, region_code="510000")


async def reloaded(sessionmaker: Sessionmaker, actor: Actor, now: datetime) -> Actor:
    """`actor` authenticated at `now`: with the assignments active then."""
    async with sessionmaker() as session:
        found = await load_actor(session=session, user_id=actor.user_id, now=now)
    assert found is not None
    return found
