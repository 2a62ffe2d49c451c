"""The three checks of monitoring (Art. 13 「绩效监控包括及时性、合规性和有效性监控」), as what they are
in the data, pure functions like the comparison they sit beside:

- 及时性 (timeliness): every figure of the period — each indicator of the goal in force and each budget line
  — entered by the due day, MONITORING_ENTRY_DUE_DAYS days after the period's month ends (China time). A
  figure entered in parts (Art. 6) is in when its last part is.
- 合规性 (compliance): execution within the budget — no expenditure line above its (adjusted) budget, the
  accumulated balance not negative — and entries consistent with themselves: the parts summing to the whole
  where both were entered, the year's balance equal to revenue less expenditure, a rate's value equal to its
  numerator ÷ denominator. The current balance may be negative: 当期收不抵支 is reported, not a breach.
- 有效性 (effectiveness): progress against target, i.e. the lights (comparison.py), the goal's being its
  worst indicator's.
"""

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from src.models.enums import BUDGET_ITEM_CATEGORY, BudgetItem, BudgetLineCategory, add_labels, label_zh
from src.models.monitoring import Light
from src.services.monitoring.comparison import SEVERITY, rate_value, worst_light

CHINA = ZoneInfo("Asia/Shanghai")
# A rate's value is stored with four places: a difference below one unit of the last is rounding.
RATE_TOLERANCE = Decimal("0.0001")


class EntryState(StrEnum):
    ON_TIME = "ON_TIME"  # entered by the due day
    LATE = "LATE"  # entered after it
    MISSING = "MISSING"  # not entered, the due day passed
    PENDING = "PENDING"  # not entered yet, not due yet


class TimelinessStatus(StrEnum):
    ON_TIME = "ON_TIME"  # everything in, by the due day
    PENDING = "PENDING"  # not everything in, not due yet
    LATE = "LATE"  # everything in, some after the due day
    OVERDUE = "OVERDUE"  # something still missing after the due day


class ComplianceKind(StrEnum):
    OVER_BUDGET = "OVER_BUDGET"  # expenditure above its (adjusted) budget
    NEGATIVE_BALANCE = "NEGATIVE_BALANCE"  # accumulated balance below zero
    PARTS_MISMATCH = "PARTS_MISMATCH"  # the whole entered differs from the sum of its parts
    BALANCE_MISMATCH = "BALANCE_MISMATCH"  # 本年收支结余 ≠ revenue − expenditure
    RATE_MISMATCH = "RATE_MISMATCH"  # a rate's value ≠ numerator ÷ denominator


add_labels(
    [
        (EntryState.ON_TIME, "按时填报"),
        (EntryState.LATE, "逾期填报"),
        (EntryState.MISSING, "逾期未填报"),
        (EntryState.PENDING, "待填报"),
        (TimelinessStatus.ON_TIME, "按时"),
        (TimelinessStatus.PENDING, "填报中"),
        (TimelinessStatus.LATE, "有逾期填报"),
        (TimelinessStatus.OVERDUE, "有逾期未填报"),
        (ComplianceKind.OVER_BUDGET, "超预算支出"),
        (ComplianceKind.NEGATIVE_BALANCE, "累计结余为负"),
        (ComplianceKind.PARTS_MISMATCH, "分项之和与合计不符"),
        (ComplianceKind.BALANCE_MISMATCH, "收支结余与收支不符"),
        (ComplianceKind.RATE_MISMATCH, "比率与分子分母不符"),
    ]
)


# --- 及时性 ------------------------------------------------------------------------------------------------


def entry_due_on(year: int, month: int, due_days: int) -> date:
    """The last day to enter the figures of 1-`month`月: `due_days` days after the month's last day."""
    last = calendar.monthrange(year, month)[1]
    return date(year, month, last) + timedelta(days=due_days)


def china_date(moment: datetime) -> date:
    return moment.astimezone(CHINA).date()


def entry_state(entered_at: datetime | None, due_on: date, today: date) -> EntryState:
    if entered_at is None:
        return EntryState.MISSING if today > due_on else EntryState.PENDING
    return EntryState.ON_TIME if china_date(entered_at) <= due_on else EntryState.LATE


@dataclass(frozen=True)
class Timeliness:
    due_on: date | None  # None: nothing was expected
    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0

    @property
    def expected(self) -> int:
        return self.on_time + self.late + self.missing + self.pending

    @property
    def status(self) -> TimelinessStatus:
        if self.missing:
            return TimelinessStatus.OVERDUE
        if self.pending:
            return TimelinessStatus.PENDING
        if self.late:
            return TimelinessStatus.LATE
        return TimelinessStatus.ON_TIME


def timeliness(entered_at: Iterable[datetime | None], due_on: date, today: date) -> Timeliness:
    """及时性 of the figures expected for a period: when each was entered (None: not yet)."""
    counts = dict.fromkeys(EntryState, 0)
    for moment in entered_at:
        counts[entry_state(moment, due_on, today)] += 1
    return Timeliness(
        due_on=due_on,
        on_time=counts[EntryState.ON_TIME],
        late=counts[EntryState.LATE],
        missing=counts[EntryState.MISSING],
        pending=counts[EntryState.PENDING],
    )


def combined_timeliness(parts: Iterable[Timeliness]) -> Timeliness:
    """Several pooling regions' timeliness as one (a roll-up): counts add, the latest due day stands."""
    items = list(parts)
    dues = [t.due_on for t in items if t.due_on is not None]
    return Timeliness(
        due_on=max(dues) if dues else None,
        on_time=sum(t.on_time for t in items),
        late=sum(t.late for t in items),
        missing=sum(t.missing for t in items),
        pending=sum(t.pending for t in items),
    )


# --- 合规性 ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceProblem:
    kind: ComplianceKind
    subject: str  # what it is about, as a reader names it (社会保险待遇支出, 参保人数)
    message: str
    region_id: int | None = None  # the pooling region, in a roll-up


@dataclass(frozen=True)
class Compliance:
    problems: tuple[ComplianceProblem, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def budget_problems(
    executed: Mapping[BudgetItem, Decimal], budget: Mapping[BudgetItem, Decimal]
) -> list[ComplianceProblem]:
    """Execution within the budget: expenditure not above its budget, the accumulated balance not
    negative, and this year's balance equal to revenue less expenditure (when it was entered)."""
    problems: list[ComplianceProblem] = []
    for item, amount in executed.items():
        category = BUDGET_ITEM_CATEGORY[item]
        if category == BudgetLineCategory.EXPENDITURE and item in budget and amount > budget[item]:
            problems.append(
                ComplianceProblem(
                    ComplianceKind.OVER_BUDGET,
                    label_zh(item),
                    f"{label_zh(item)}已执行 {_amount(amount)} 元，超过预算 {_amount(budget[item])} 元",
                )
            )
    accumulated = executed.get(BudgetItem.ACCUMULATED_BALANCE)
    if accumulated is not None and accumulated < 0:
        label = label_zh(BudgetItem.ACCUMULATED_BALANCE)
        problems.append(
            ComplianceProblem(
                ComplianceKind.NEGATIVE_BALANCE, label, f"{label}为 {_amount(accumulated)} 元，已为负数"
            )
        )
    problem = balance_problem(executed)
    return [*problems, problem] if problem is not None else problems


def balance_problem(executed: Mapping[BudgetItem, Decimal]) -> ComplianceProblem | None:
    """本年收支结余 = revenue − expenditure, once the balance and any flow were entered (a flow not
    entered counts as nothing)."""
    balance = executed.get(BudgetItem.CURRENT_BALANCE)
    flows = {i: a for i, a in executed.items() if BUDGET_ITEM_CATEGORY[i] != BudgetLineCategory.BALANCE}
    if balance is None or not flows:
        return None
    revenue = sum((a for i, a in flows.items() if BUDGET_ITEM_CATEGORY[i] == BudgetLineCategory.REVENUE),
                  Decimal(0))  # fmt: skip
    expenditure = sum(flows.values(), Decimal(0)) - revenue
    if balance == revenue - expenditure:
        return None
    label = label_zh(BudgetItem.CURRENT_BALANCE)
    return ComplianceProblem(
        ComplianceKind.BALANCE_MISMATCH,
        label,
        f"{label} {_amount(balance)} 元，与收入 {_amount(revenue)} 元减支出 {_amount(expenditure)} 元"
        f"（{_amount(revenue - expenditure)} 元）不符",
    )


def parts_problem(subject: str, whole: Decimal, parts: Iterable[Decimal]) -> ComplianceProblem | None:
    """The whole entered by the pooling region against the sum of its parts (Art. 6: its figure is
    their sum)."""
    total = sum(parts, Decimal(0))
    if whole == total:
        return None
    return ComplianceProblem(
        ComplianceKind.PARTS_MISMATCH,
        subject,
        f"{subject}：统筹地区填报 {whole.normalize():f}，各地分别填报之和为 {total.normalize():f}",
    )


def rate_problem(
    subject: str, value: Decimal | None, numerator: Decimal | None, denominator: Decimal | None
) -> ComplianceProblem | None:
    """A rate entered with its value and its parts: the value must be numerator ÷ denominator."""
    if value is None or numerator is None or denominator is None:
        return None
    computed = rate_value(numerator, denominator)
    if computed is None or abs(computed - value) <= RATE_TOLERANCE:
        return None
    return ComplianceProblem(
        ComplianceKind.RATE_MISMATCH,
        subject,
        f"{subject}：填报值 {value.normalize():f}%，按分子分母计算为 {computed:.4f}%",
    )


# --- 有效性 ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Effectiveness:
    light: Light  # the goal's: its worst indicator's
    counts: Mapping[Light, int]  # indicators per light

    def count(self, light: Light) -> int:
        return self.counts.get(light, 0)


def effectiveness(lights: Iterable[Light]) -> Effectiveness:
    """有效性: the indicators' lights, and the goal's as the worst of them."""
    items = list(lights)
    counts = {
        light: sum(1 for x in items if x == light) for light in sorted(SEVERITY, key=SEVERITY.__getitem__)
    }
    return Effectiveness(light=worst_light(items), counts=counts)
