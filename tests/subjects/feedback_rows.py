"""Random evaluation feedbacks for the visibility agreement (test_visibility_agreement.py): one on each of
some of the drawn self-evaluations, in every status (a draft sits at the province, a sent one at its
region: the clause's CASE and the check must agree)."""

import random

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import EvaluationFeedback, Region, SelfEvaluation, User
from src.models.enums import RegionLevel
from src.models.feedback import FeedbackStatus

ROWS = 12


async def make_feedback_rows(session: AsyncSession, rng: random.Random) -> None:
    # A generator of their own, seeded without advancing the world's (the later draws stay as tuned).
    rng = random.Random(hash(rng.getstate()[1]) + 2)
    user = (await session.exec(select(User).order_by(col(User.id)))).first()
    province = (await session.exec(select(Region.id).where(Region.level == RegionLevel.PROVINCE))).first()
    evaluations = (await session.exec(select(SelfEvaluation).order_by(col(SelfEvaluation.id)))).all()
    assert user is not None and province is not None and evaluations
    for evaluation in rng.sample(list(evaluations), min(ROWS, len(evaluations))):
        session.add(
            EvaluationFeedback(
                region_id=evaluation.region_id, province_id=province, fund_type_id=evaluation.fund_type_id,
                year=evaluation.year, self_evaluation_id=evaluation.id or 0,
                status=rng.choice(list(FeedbackStatus)), organization_id=user.organization_id,
            )
        )  # fmt: skip
    await session.flush()
