"""及时性, 合规性 and 有效性 (Art. 13 「绩效监控包括及时性、合规性和有效性监控」) as computed checks."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from src.models.enums import BudgetItem
from src.models.monitoring import Light
from src.services.monitoring.checks import (
    ComplianceKind,
    EntryState,
    TimelinessStatus,
    budget_problems,
    combined_timeliness,
    effectiveness,
    entry_due_on,
    entry_state,
    parts_problem,
    rate_problem,
    timeliness,
)

D = Decimal
DUE = date(2026, 7, 10)
# 2026-07-10 23:59 and 2026-07-11 00:00 in China.
LAST_MINUTE = datetime(2026, 7, 10, 15, 59, tzinfo=UTC)
TOO_LATE = datetime(2026, 7, 10, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("year", "month", "days", "due"),
    [
        (2026, 6, 10, date(2026, 7, 10)),
        (2024, 2, 10, date(2024, 3, 10)),  # a leap February ends on the 29th
        (2026, 12, 10, date(2027, 1, 10)),
        (2026, 3, 1, date(2026, 4, 1)),
    ],
)
def test_art13_timeliness_due_day_follows_the_period(year: int, month: int, days: int, due: date) -> None:
    assert entry_due_on(year, month, days) == due


@pytest.mark.parametrize(
    ("entered_at", "today", "state"),
    [
        (LAST_MINUTE, date(2026, 8, 1), EntryState.ON_TIME),  # the due day, China time
        (TOO_LATE, date(2026, 8, 1), EntryState.LATE),
        (None, DUE, EntryState.PENDING),
        (None, date(2026, 7, 11), EntryState.MISSING),
    ],
)
def test_art13_timeliness_of_one_entry(entered_at: datetime | None, today: date, state: EntryState) -> None:
    assert entry_state(entered_at, DUE, today) == state


def test_art13_timeliness_of_a_period() -> None:
    assert timeliness([LAST_MINUTE, LAST_MINUTE], DUE, DUE).status == TimelinessStatus.ON_TIME
    assert timeliness([LAST_MINUTE, None], DUE, DUE).status == TimelinessStatus.PENDING
    late = timeliness([LAST_MINUTE, TOO_LATE], DUE, date(2026, 7, 20))
    assert (late.status, late.on_time, late.late, late.expected) == (TimelinessStatus.LATE, 1, 1, 2)
    overdue = timeliness([TOO_LATE, None], DUE, date(2026, 7, 20))
    assert (overdue.status, overdue.missing) == (TimelinessStatus.OVERDUE, 1)
    both = combined_timeliness([late, overdue])
    assert (both.expected, both.late, both.missing, both.status) == (4, 2, 1, TimelinessStatus.OVERDUE)
    assert timeliness([], DUE, DUE).status == TimelinessStatus.ON_TIME  # nothing was expected


def kinds(executed: dict[BudgetItem, Decimal], budget: dict[BudgetItem, Decimal]) -> list[ComplianceKind]:
    return [p.kind for p in budget_problems(executed, budget)]


def test_art13_compliance_execution_within_the_budget() -> None:
    budget = {BudgetItem.BENEFITS: D(1000), BudgetItem.CONTRIBUTION: D(800)}
    assert kinds({BudgetItem.BENEFITS: D(1000)}, budget) == []  # exactly the budget is within it
    assert kinds({BudgetItem.BENEFITS: D("1000.01")}, budget) == [ComplianceKind.OVER_BUDGET]
    assert kinds({BudgetItem.CONTRIBUTION: D(900)}, budget) == []  # more revenue than budgeted is no breach
    problems = budget_problems({BudgetItem.BENEFITS: D("1000.01")}, budget)
    assert problems[0].message == "社会保险待遇支出已执行 1,000.01 元，超过预算 1,000.00 元"


def test_art13_compliance_balances_and_their_consistency() -> None:
    assert kinds({BudgetItem.ACCUMULATED_BALANCE: D(-1)}, {}) == [ComplianceKind.NEGATIVE_BALANCE]
    # 当期收不抵支 is reported, not a breach: this year's balance may be negative when the flows say so.
    flows = {BudgetItem.CONTRIBUTION: D(100), BudgetItem.BENEFITS: D(130)}
    assert kinds({**flows, BudgetItem.CURRENT_BALANCE: D(-30)}, {}) == []
    assert kinds({**flows, BudgetItem.CURRENT_BALANCE: D(30)}, {}) == [ComplianceKind.BALANCE_MISMATCH]
    assert kinds({BudgetItem.CURRENT_BALANCE: D(30)}, {}) == []  # no flow entered yet: nothing to hold it to


def test_art13_compliance_parts_sum_to_the_whole() -> None:
    assert parts_problem("参保人数", D(300), [D(100), D(200)]) is None
    problem = parts_problem("参保人数", D(310), [D(100), D(200)])
    assert problem is not None and problem.kind == ComplianceKind.PARTS_MISMATCH
    assert problem.message == "参保人数：统筹地区填报 310，各地分别填报之和为 300"


def test_art13_compliance_rate_equals_its_parts() -> None:
    assert rate_problem("发放率", D("66.6667"), D(2), D(3)) is None  # four places of 66.666…
    assert rate_problem("发放率", D(90), None, None) is None
    problem = rate_problem("发放率", D(90), D(2), D(3))
    assert problem is not None and problem.kind == ComplianceKind.RATE_MISMATCH


def test_art13_effectiveness_is_the_lights() -> None:
    result = effectiveness([Light.GREEN, Light.RED, Light.GREEN, Light.NONE])
    assert result.light == Light.RED
    assert [result.count(light) for light in Light] == [2, 0, 1, 0, 1]  # GREEN YELLOW RED BLUE NONE
    assert effectiveness([]).light == Light.NONE
