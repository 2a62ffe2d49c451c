"""The system's evaluation on a schedule (Art. 13 「定期将绩效实现情况与预期绩效目标进行比较分析」): the
periodic task (src/services/deadlines/periodic.py, registered by src/domains/monitoring.py) evaluates every
period of the last twelve months whose entries were due before today, so warnings are raised without anyone
pressing a button, once the figures had their time to come in. Evaluating again raises nothing twice
(evaluation.py), so several processes or a second round do no harm; a period whose figures came in late is
judged on the next round, as they stand then."""

from datetime import date, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.services.monitoring.checks import china_date
from src.services.monitoring.evaluation import evaluate_period

LOOKBACK_MONTHS = 12  # periods ended within a year: a server stopped for months still catches up


def ended_months(today: date, count: int = LOOKBACK_MONTHS) -> list[tuple[int, int]]:
    """The `count` months that ended last before `today`, oldest first."""
    index = today.year * 12 + today.month - 1  # this month, which has not ended
    return [divmod(i, 12) for i in range(index - count, index)]


async def evaluate_due_periods(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Evaluates each ended month's due periods, one transaction per month; how many warnings it raised."""
    today = china_date(now)
    raised = 0
    for year, month0 in ended_months(today):
        async with session_scope(sessionmaker) as session:
            evaluations = await evaluate_period(
                session=session, year=year, month=month0 + 1, today=today, entries_due_before=today
            )
        raised += sum(len(e.raised) for e in evaluations)
    return raised
