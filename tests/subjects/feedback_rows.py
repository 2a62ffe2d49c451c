"""Random evaluation feedbacks for the visibility agreement (test_visibility_agreement.py): one on each
self-evaluation, in every status (a draft sits at the province, a sent one at its region: the clause's CASE
and the check must agree). A feedback goes with the self-evaluation it answers, and the agreement deletes
some of both: so a few more accepted self-evaluations are drawn here, for some feedbacks to remain."""

import random

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import EvaluationFeedback, Goal, Region, SelfEvaluation, User
from src.models.enums import GoalStatus, PoolingLevel, RegionLevel
from src.models.evaluation import SelfEvaluationStatus
from src.models.feedback import FeedbackStatus
from src.services.policy import ISSUED_STATES

MORE = 12  # self-evaluations of their own, beyond tests/subjects/evaluation_rows.py's


async def make_feedback_rows(session: AsyncSession, rng: random.Random) -> None:
    # A generator of their own, seeded without advancing the world's (the later draws stay as tuned).
    rng = random.Random(hash(rng.getstate()[1]) + 2)
    user = (await session.exec(select(User).order_by(col(User.id)))).first()
    province = (await session.exec(select(Region.id).where(Region.level == RegionLevel.PROVINCE))).first()
    assert user is not None and province is not None
    taken = {
        (e.region_id, e.fund_type_id, e.year) for e in (await session.exec(select(SelfEvaluation))).all()
    }
    in_force = [*ISSUED_STATES, GoalStatus.SUPERSEDED]
    goals = (
        await session.exec(select(Goal).where(col(Goal.status).in_(in_force)).order_by(col(Goal.id)))
    ).all()
    free = {(g.region_id, g.fund_type_id, g.start_year): g for g in goals}
    for scope in taken:
        free.pop(scope, None)
    for goal in rng.sample(list(free.values()), min(MORE, len(free))):
        session.add(
            SelfEvaluation(
                region_id=goal.region_id, fund_type_id=goal.fund_type_id, year=goal.start_year,
                goal_id=goal.id or 0, pooling_level=PoolingLevel.PREFECTURE,
                status=SelfEvaluationStatus.ACCEPTED, opener_organization_id=user.organization_id,
            )
        )  # fmt: skip
    await session.flush()
    for evaluation in (await session.exec(select(SelfEvaluation).order_by(col(SelfEvaluation.id)))).all():
        session.add(
            EvaluationFeedback(
                region_id=evaluation.region_id, province_id=province, fund_type_id=evaluation.fund_type_id,
                year=evaluation.year, self_evaluation_id=evaluation.id or 0,
                status=rng.choice(list(FeedbackStatus)), organization_id=user.organization_id,
            )
        )  # fmt: skip
    await session.flush()
