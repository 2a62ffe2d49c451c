"""Figures for the demo data: region sizes, fund budgets and count targets at realistic magnitudes.

Everything is drawn from the caller's `random.Random`, so a seed gives the same figures on every run.
Sizes and fund profiles are shipped data (src/data/demo_*.csv), approximations of published Sichuan totals.
"""

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from src.data import read_csv
from src.models.enums import BUDGET_ITEM_CATEGORY, BudgetItem, BudgetLineCategory

CENT = Decimal("0.01")
YUAN_PER_YI = 100_000_000  # 亿元 → 元
REVENUE_ITEMS = [i for i, c in BUDGET_ITEM_CATEGORY.items() if c == BudgetLineCategory.REVENUE]
EXPENDITURE_ITEMS = [i for i, c in BUDGET_ITEM_CATEGORY.items() if c == BudgetLineCategory.EXPENDITURE]
# Count indicators whose target is set per region: persons per person of the fund's basis population
# (units 万人) or cases per 10,000 of it (户, 人次). None: the fund's insured share.
COUNT_RATES: dict[str, float | None] = {
    "COMMON:参保人数": None,
    "WORK_INJURY:工伤保险参保人数": None,
    "ENTERPRISE_PENSION:企业职工养老保险缴费人数": 0.27,
    "UNEMPLOYMENT:稳岗返还惠及企业数": 12.0,
    "UNEMPLOYMENT:技能提升补贴发放人数": 6.0,
}
COUNT_GROWTH = 1.01  # a year


@dataclass(frozen=True)
class PrefectureSize:
    code: str
    population: float  # 常住人口, 万人
    employee_weight: float  # employment concentration relative to population (Chengdu high)
    resident_weight: float  # share of residents outside employee schemes (rural prefectures high)


@dataclass(frozen=True)
class FundProfile:
    fund_code: str
    basis: str  # employee | resident | population: which weight spreads the fund over prefectures
    expenditure_yi: float  # province-wide expenditure in the base year, 亿元
    growth: float  # expenditure growth a year
    revenue_ratio: float  # revenue ÷ expenditure
    balance_months: float  # opening accumulated balance in months of expenditure
    insured_share: float  # insured persons ÷ population
    shares: Mapping[BudgetItem, float]  # each item's share of revenue or of expenditure


@dataclass(frozen=True)
class LineFigures:
    initial: Decimal
    adjusted: Decimal | None = None

    @property
    def final(self) -> Decimal:
        return self.initial if self.adjusted is None else self.adjusted


BudgetFigures = dict[BudgetItem, LineFigures]


def load_prefecture_sizes() -> dict[str, PrefectureSize]:
    return {
        row["code"]: PrefectureSize(
            code=row["code"],
            population=float(row["population_10k"]),
            employee_weight=float(row["employee_weight"]),
            resident_weight=float(row["resident_weight"]),
        )
        for row in read_csv("demo_prefectures.csv")
    }


def load_fund_profiles() -> dict[str, FundProfile]:
    items = REVENUE_ITEMS + EXPENDITURE_ITEMS
    return {
        row["fund_type"]: FundProfile(
            fund_code=row["fund_type"],
            basis=row["basis"],
            expenditure_yi=float(row["expenditure_yi"]),
            growth=float(row["growth"]),
            revenue_ratio=float(row["revenue_ratio"]),
            balance_months=float(row["balance_months"]),
            insured_share=float(row["insured_share"]),
            shares={item: float(row[item.value]) for item in items},
        )
        for row in read_csv("demo_fund_profiles.csv")
    }


def basis_shares(sizes: Iterable[PrefectureSize], basis: str) -> dict[str, float]:
    """Each prefecture's share of a fund's province-wide figures."""
    weights = {s.code: s.population * _basis_weight(s, basis) for s in sizes}
    total = sum(weights.values())
    return {code: w / total for code, w in weights.items()}


def _basis_weight(size: PrefectureSize, basis: str) -> float:
    if basis == "employee":
        return size.employee_weight
    if basis == "resident":
        return size.resident_weight
    return 1.0


def jitter(rng: random.Random, spread: float) -> float:
    return 1.0 + rng.uniform(-spread, spread)


def yuan(amount_yi: float) -> Decimal:
    return Decimal(f"{amount_yi * YUAN_PER_YI:.2f}")


def plan_budgets(
    rng: random.Random,
    *,
    profile: FundProfile,
    share: float,
    years: Iterable[int],
    adjusted_years: Iterable[int] = (),
) -> dict[int, BudgetFigures]:
    """One region's budgets for consecutive years; each year's accumulated balance carries the last one's."""
    years = sorted(years)
    adjusted = set(adjusted_years)
    expenditure = profile.expenditure_yi * share * jitter(rng, 0.04)
    previous = yuan(expenditure * profile.balance_months / 12 * jitter(rng, 0.15))
    plans: dict[int, BudgetFigures] = {}
    for index, year in enumerate(years):
        if index:
            expenditure *= profile.growth * jitter(rng, 0.01)
        revenue = expenditure * profile.revenue_ratio * jitter(rng, 0.02)
        lines = {item: LineFigures(yuan(revenue * profile.shares[item])) for item in REVENUE_ITEMS}
        lines |= {item: LineFigures(yuan(expenditure * profile.shares[item])) for item in EXPENDITURE_ITEMS}
        # Mid-year adjustment (预算调整) of about half the budgets: contributions and benefits move a little.
        if year in adjusted and rng.random() < 0.5:
            lines[BudgetItem.CONTRIBUTION] = _adjust(lines[BudgetItem.CONTRIBUTION], rng.uniform(-0.04, 0.03))
            lines[BudgetItem.BENEFITS] = _adjust(lines[BudgetItem.BENEFITS], rng.uniform(-0.02, 0.04))
        plans[year] = with_balances(lines, previous)
        previous = plans[year][BudgetItem.ACCUMULATED_BALANCE].final
    return plans


def _adjust(line: LineFigures, change: float) -> LineFigures:
    return LineFigures(line.initial, (line.initial * Decimal(f"{1 + change:.4f}")).quantize(CENT))


def with_balances(lines: Mapping[BudgetItem, LineFigures], previous_accumulated: Decimal) -> BudgetFigures:
    """Add CURRENT_BALANCE (revenue − expenditure) and ACCUMULATED_BALANCE (previous + current)."""
    flows = {item: lines[item] for item in REVENUE_ITEMS + EXPENDITURE_ITEMS}
    current = _net(flows, final=False)
    current_final = _net(flows, final=True)
    was_adjusted = any(line.adjusted is not None for line in flows.values())
    return flows | {
        BudgetItem.CURRENT_BALANCE: LineFigures(current, current_final if was_adjusted else None),
        BudgetItem.ACCUMULATED_BALANCE: LineFigures(
            previous_accumulated + current, previous_accumulated + current_final if was_adjusted else None
        ),
    }


def _net(lines: Mapping[BudgetItem, LineFigures], *, final: bool) -> Decimal:
    def amount(item: BudgetItem) -> Decimal:
        return lines[item].final if final else lines[item].initial

    return sum((amount(i) for i in REVENUE_ITEMS), Decimal(0)) - sum(
        (amount(i) for i in EXPENDITURE_ITEMS), Decimal(0)
    )


def sum_budgets(budgets: Iterable[BudgetFigures]) -> BudgetFigures:
    """A consolidated budget: line by line sums; adjusted where any part was adjusted."""
    budgets = list(budgets)
    total: BudgetFigures = {}
    for item in BudgetItem:
        lines = [b[item] for b in budgets]
        initial = sum((line.initial for line in lines), Decimal(0))
        any_adjusted = any(line.adjusted is not None for line in lines)
        final = sum((line.final for line in lines), Decimal(0))
        total[item] = LineFigures(initial, final if any_adjusted else None)
    return total


def count_target(
    *, template_key: str, unit: str, profile: FundProfile, population: float, year: int, factor: float
) -> Decimal:
    """A count indicator's target for a region of `population` (万人, already weighted) in `year`."""
    rate = COUNT_RATES.get(template_key, None if unit == "万人" else 1.0)
    value = population * (profile.insured_share if rate is None else rate) * factor
    value *= COUNT_GROWTH ** (year - 2025)
    if unit == "万人":
        return Decimal(f"{value:.2f}")
    return Decimal(round(value))
