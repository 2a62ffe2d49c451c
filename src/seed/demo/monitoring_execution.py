"""Demo budget execution (Art. 12): per approved budget of a pooling region, item and month, cumulative 1-N月.

Contributions and benefits run roughly with the time, some lagging; the fiscal subsidy arrives in tranches
and lags more often (the typical 到位 warning); interest is credited at each quarter's end; balances are
the month's end: this year's revenue less expenditure, and the opening balance plus it. Where parts enter
(monitoring_scopes), they enter the flows they handle, each part's amount its share of the whole, so the
whole is exactly their sum; interest and the balances stay with the pooling region (POOLED_ITEMS).
"""

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from src.models.enums import BudgetItem
from src.seed.demo.context import row_id
from src.seed.demo.courses import Course, draw_course, progress, split
from src.seed.demo.figures import CENT, EXPENDITURE_ITEMS, REVENUE_ITEMS
from src.seed.demo.monitoring_scopes import EntryDates, MonitoredScope
from src.services.monitoring.comparison import EXECUTED_ITEMS

ITEM_COURSES: dict[BudgetItem, dict[Course, float]] = {
    BudgetItem.CONTRIBUTION: {
        Course.ON_TRACK: 0.86,
        Course.SLIPPING: 0.05,
        Course.BEHIND: 0.05,
        Course.RECOVERING: 0.03,
        Course.FAR_BEHIND: 0.01,
    },
    BudgetItem.FISCAL_SUBSIDY: {
        Course.ON_TRACK: 0.64,
        Course.RECOVERING: 0.2,
        Course.BEHIND: 0.09,
        Course.FAR_BEHIND: 0.04,
        Course.SLIPPING: 0.03,
    },
    BudgetItem.BENEFITS: {Course.ON_TRACK: 0.96, Course.SLIPPING: 0.02, Course.BEHIND: 0.02},
}
# Kept at the pooling region whoever handles the flows: interest is credited to the fund's 财政专户 there, and
# the balances are the pooled fund's; parts enter contributions, subsidies, payments and transfers.
POOLED_ITEMS = (BudgetItem.INTEREST, BudgetItem.CURRENT_BALANCE, BudgetItem.ACCUMULATED_BALANCE)
OTHER_COURSES = {Course.ON_TRACK: 0.84, Course.RECOVERING: 0.06, Course.BEHIND: 0.05, Course.SLIPPING: 0.05}
# Execution runs close to the time: January to December progress of an item on track.
ON_TRACK_EXECUTION = ((90.0, 108.0), (96.0, 103.0))


@dataclass
class Execution:
    """One scope's execution: the whole per item and month, and each part's (index as scope.parts)."""

    whole: dict[BudgetItem, dict[int, Decimal]] = field(default_factory=dict)
    parts: list[dict[BudgetItem, dict[int, Decimal]]] = field(default_factory=list)


def budget_amount(scope: MonitoredScope, item: BudgetItem) -> Decimal:
    """The budget executed against: the adjusted budget where there is one (DOMAIN §10)."""
    line = scope.budget_of(item)
    return line.initial_amount if line.adjusted_amount is None else line.adjusted_amount


def _flow(rng: random.Random, scope: MonitoredScope, item: BudgetItem) -> dict[int, Decimal]:
    """An item's cumulative execution to each month's end."""
    budget = budget_amount(scope, item)
    ranges: tuple[tuple[float, float], tuple[float, float]] | None = ON_TRACK_EXECUTION
    if item == BudgetItem.INTEREST:  # credited at the quarters' ends
        course, ranges = Course.ON_TRACK, ((92.0, 106.0), (97.0, 103.0))
        elapsed = [3 * (m // 3) for m in scope.months]
    else:
        course = draw_course(rng, ITEM_COURSES.get(item, OTHER_COURSES))
        ranges = ranges if course == Course.ON_TRACK else None
        elapsed = list(scope.months)
    shares = progress(rng, course, list(scope.months), ranges)
    amounts: dict[int, Decimal] = {}
    previous = Decimal(0)
    for month, months_elapsed, share in zip(scope.months, elapsed, shares, strict=True):
        amount = (budget * months_elapsed / 12 * Decimal(repr(max(share, 0.0))) / 100).quantize(CENT)
        previous = amounts[month] = max(amount, previous)  # cumulative: never less than the month before
    return amounts


def _balances(
    flows: dict[BudgetItem, dict[int, Decimal]], opening: Decimal, months: range
) -> dict[BudgetItem, dict[int, Decimal]]:
    current = {
        m: sum((flows[i][m] for i in REVENUE_ITEMS), Decimal(0))
        - sum((flows[i][m] for i in EXPENDITURE_ITEMS), Decimal(0))
        for m in months
    }
    return {
        BudgetItem.CURRENT_BALANCE: current,
        BudgetItem.ACCUMULATED_BALANCE: {m: opening + current[m] for m in months},
    }


def draw_execution(rng: random.Random, scope: MonitoredScope, opening: Decimal) -> Execution:
    """The whole's flows drawn; where parts enter, the flows they handle split among them (each part with a
    share of its own per item, so parts run ahead or behind the whole). Items without a budget have no
    execution."""
    assert set(EXECUTED_ITEMS) == set(REVENUE_ITEMS) | set(EXPENDITURE_ITEMS)
    whole_flows = {item: _flow(rng, scope, item) for item in BudgetItem if item in EXECUTED_ITEMS}
    execution = Execution(whole=whole_flows | _balances(whole_flows, opening, scope.months))
    if not scope.parts:
        return execution
    execution.parts = [{} for _ in scope.parts]
    for item, amounts in whole_flows.items():
        if item in POOLED_ITEMS or not budget_amount(scope, item):
            continue
        shares = [w * rng.uniform(0.85, 1.15) for w in scope.weights]
        for month, amount in amounts.items():
            for index, part in enumerate(split(amount, shares, CENT)):
                execution.parts[index].setdefault(item, {})[month] = part
    return execution


def opening_balance(scope: MonitoredScope, previous_year_end: Decimal | None) -> Decimal:
    """The accumulated balance at the year's start: last year's executed year-end balance where the demo
    has it, else what this year's budget assumed."""
    if previous_year_end is not None:
        return previous_year_end
    accumulated = scope.budget_of(BudgetItem.ACCUMULATED_BALANCE).initial_amount
    return accumulated - scope.budget_of(BudgetItem.CURRENT_BALANCE).initial_amount


def execution_rows(scope: MonitoredScope, execution: Execution, dates: EntryDates) -> list[dict[str, Any]]:
    """BudgetExecution rows: the parts' flows where parts enter and the pooling region's own items (interest,
    balances), else all of the pooling region's; none for an item without a budget."""
    if scope.parts:
        own = {item: execution.whole[item] for item in POOLED_ITEMS}
        entries = [(scope.whole, own), *zip(scope.parts, execution.parts, strict=True)]
    else:
        entries = [(scope.whole, execution.whole)]
    common = {
        "budget_id": row_id(scope.budget),
        "pooling_region_id": row_id(scope.region),
        "fund_type_id": row_id(scope.fund),
        "year": scope.year,
        "row_version": 1,
    }
    rows: list[dict[str, Any]] = []
    for entrant, amounts in entries:
        region_id = row_id(entrant.region)
        for item, by_month in amounts.items():
            if item in EXECUTED_ITEMS and not budget_amount(scope, item):
                continue
            for month, amount in by_month.items():
                at = dates[(region_id, month)]
                rows.append(
                    {
                        **common,
                        "item": item,
                        "region_id": region_id,
                        "month": month,
                        "amount": amount,
                        "organization_id": entrant.organization_id,
                        "user_id": entrant.user_id,
                        "created_at": at,
                        "updated_at": at,
                    }
                )
    return rows
