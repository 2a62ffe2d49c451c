"""What an escalation letter is made of, by case id, for the report jobs' fingerprint: the case's own
version (every letter sent, answered or judged bumps it)."""

from collections.abc import Sequence
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import EscalationCase


async def case_versions(_: AsyncSession, cases: Sequence[EscalationCase]) -> dict[int, list[Any]]:
    return {c.id or 0: [c.id, c.row_version, c.updated_at.isoformat()] for c in cases}
