"""What a feedback letter is made of, by feedback id, for the report jobs' fingerprint: the feedback's own
version, and while a draft the self-evaluation's (its score and grade print until they are copied)."""

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import EvaluationFeedback, SelfEvaluation


async def feedback_versions(
    session: AsyncSession, feedbacks: Sequence[EvaluationFeedback]
) -> dict[int, list[Any]]:
    ids = [f.self_evaluation_id for f in feedbacks]
    stmt = select(SelfEvaluation.id, SelfEvaluation.row_version).where(col(SelfEvaluation.id).in_(ids))
    evaluations = dict((await session.exec(stmt)).all())
    return {
        f.id or 0: [f.id, f.row_version, f.updated_at.isoformat(), evaluations.get(f.self_evaluation_id)]
        for f in feedbacks
    }
