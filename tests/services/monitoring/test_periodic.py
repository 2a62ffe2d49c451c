"""The system evaluates due periods on the schedule (src/services/monitoring/periodic.py): a period is judged
once its entries were due (MONITORING_ENTRY_DUE_DAYS after its month, China time), each warning raised once,
and the periodic task runs it before the overdue notices (src/services/deadlines/periodic.py)."""

from datetime import UTC, date, datetime

from src.services.deadlines.periodic import run_rounds
from src.services.monitoring.periodic import ended_months, evaluate_due_periods
from tests.services.conftest import Sessionmaker
from tests.services.monitoring.conftest import Monitored, set_rule
from tests.services.monitoring.test_evaluation import june, raised_events, stored

ROUND = "monitoring:evaluate-due-periods"
# 1-6月's entries are due on 10 July (China time: UTC+8).
JULY_10_EVENING_IN_CHINA = datetime(2026, 7, 10, 12, tzinfo=UTC)
JULY_11_EARLY_IN_CHINA = datetime(2026, 7, 10, 17, tzinfo=UTC)


def test_the_round_looks_back_over_the_twelve_months_ended() -> None:
    months = ended_months(date(2026, 1, 15))
    assert (months[0], months[-1], len(months)) == ((2025, 0), (2025, 11), 12)  # (year, month − 1)
    assert ended_months(date(2026, 7, 1), 2) == [(2026, 4), (2026, 5)]


async def test_art13_a_period_is_evaluated_on_schedule_once_its_entries_are_due(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    await june(sessionmaker, monitored)
    assert await evaluate_due_periods(sessionmaker, JULY_10_EVENING_IN_CHINA) == 0  # still on time
    assert await stored(sessionmaker) == []
    raised = await evaluate_due_periods(sessionmaker, JULY_11_EARLY_IN_CHINA)
    warnings = await stored(sessionmaker)
    assert raised == len(warnings) > 0 and {w.month for w in warnings} == {6}
    assert {e.actor_user_id for e in await raised_events(sessionmaker)} == {None}  # the system's
    assert await evaluate_due_periods(sessionmaker, JULY_11_EARLY_IN_CHINA) == 0  # each raised once


async def test_art23_the_regions_due_days_decide_when_its_period_is_judged(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    await set_rule(sessionmaker, "510100", "MONITORING_ENTRY_DUE_DAYS", "5")
    await june(sessionmaker, monitored)
    assert await evaluate_due_periods(sessionmaker, datetime(2026, 7, 5, 12, tzinfo=UTC)) == 0
    assert await evaluate_due_periods(sessionmaker, datetime(2026, 7, 6, 12, tzinfo=UTC)) > 0


async def test_the_periodic_task_evaluates_before_it_notices(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    await june(sessionmaker, monitored)
    done = await run_rounds(sessionmaker, JULY_11_EARLY_IN_CHINA)
    assert list(done) == [ROUND, "deadlines"] and done[ROUND] == len(await stored(sessionmaker)) > 0
