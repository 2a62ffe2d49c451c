"""What a 考核结果通报 is made of, by round id, for the report jobs' fingerprint: the round's version (a
recompute and each step bump it; its rows are replaced only with it) and the co-issuers' names."""

from collections.abc import Sequence
from typing import Any

from src.models.assessment import AssessmentRound


async def round_versions(session: Any, rounds: Sequence[AssessmentRound]) -> dict[int, list[Any]]:
    del session  # the rows change only with the round's version
    return {r.id or 0: [r.id, r.row_version, r.updated_at.isoformat()] for r in rounds}
