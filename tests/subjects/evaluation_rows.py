"""Random self-evaluations for the visibility agreement (test_visibility_agreement.py): one per pooling
region, fund and year of a goal that was in force, in every status."""

import random

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, User
from src.models.enums import GoalStatus, PoolingLevel
from src.models.evaluation import SelfEvaluation, SelfEvaluationStatus
from src.services.policy import ISSUED_STATES

ROWS = 12


async def make_evaluation_rows(session: AsyncSession, rng: random.Random) -> None:
    # Drawn from a generator of their own, seeded by the world's state without advancing it: the draws that
    # follow (tokens, webhooks, documents) stay what the other subjects' coverage checks were tuned to.
    rng = random.Random(hash(rng.getstate()[1]))
    # Goals that were in force (never the drafts the agreement deletes), one self-evaluation per scope.
    in_force = [*ISSUED_STATES, GoalStatus.SUPERSEDED]
    goals_stmt = select(Goal).where(col(Goal.status).in_(in_force)).order_by(col(Goal.id))
    goals = {(g.region_id, g.fund_type_id, g.start_year): g for g in (await session.exec(goals_stmt)).all()}
    user = (await session.exec(select(User).order_by(col(User.id)))).first()
    assert goals and user is not None
    for goal in rng.sample(list(goals.values()), min(ROWS, len(goals))):
        session.add(
            SelfEvaluation(
                region_id=goal.region_id,
                fund_type_id=goal.fund_type_id,
                year=goal.start_year,
                goal_id=goal.id or 0,
                pooling_level=rng.choice(list(PoolingLevel)),
                status=rng.choice(list(SelfEvaluationStatus)),
                opener_organization_id=user.organization_id,
            )
        )
    await session.flush()
