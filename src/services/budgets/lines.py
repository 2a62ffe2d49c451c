"""A budget's lines as entered (budgetCreate, budgetUpdate): checked by field before anything is written.

One line per item, at most one per BudgetItem member; the category follows from the item
(BUDGET_ITEM_CATEGORY) and the order from BudgetItem's. Amounts are yuan with two places, within the Money
column (18 digits, 2 of them decimals), as the execution entered against them (monitoring/entry_checks.py);
revenue and expenditure are never negative, a balance may be (a deficit).
"""

from dataclasses import dataclass
from decimal import Decimal

from src.models import FundBudgetLine
from src.models.enums import BUDGET_ITEM_CATEGORY, BudgetItem, BudgetLineCategory, label_zh
from src.models.types import Money
from src.services.errors import ErrorCode, FieldProblem

MONEY = Money()
PLACES = MONEY.scale
WHOLE_DIGITS = MONEY.max_digits - MONEY.scale
ORDER = {item: position for position, item in enumerate(BudgetItem)}
LINES = "input.lines"


@dataclass(frozen=True)
class BudgetLineInput:
    item: BudgetItem
    initial_amount: Decimal  # 年初预算
    adjusted_amount: Decimal | None = None  # 调整后预算数; None while the budget is not adjusted


def _amount_problem(value: Decimal, item: BudgetItem, label: str) -> tuple[str, ErrorCode] | None:
    name = f"{label_zh(item)}{label}（元）"
    if not value.is_finite():
        return f"{name}须为有限的数值（不能是 NaN 或无穷大）", ErrorCode.INVALID
    if abs(value) >= Decimal(10) ** WHOLE_DIGITS:
        return f"{name}超出范围（整数部分最多 {WHOLE_DIGITS} 位）", ErrorCode.OUT_OF_RANGE
    if value != value.quantize(Decimal(1).scaleb(-PLACES)):  # 1.50000 is 1.5: trailing zeros are fine
        return f"{name}最多 {PLACES} 位小数", ErrorCode.OUT_OF_RANGE
    if value < 0 and BUDGET_ITEM_CATEGORY[item] != BudgetLineCategory.BALANCE:
        return f"{name}不能为负数（结余项除外）", ErrorCode.OUT_OF_RANGE
    return None


def line_problems(lines: list[BudgetLineInput]) -> list[FieldProblem]:
    """Every problem of the lines, each on its field (input.lines.2.initialAmount)."""
    if not lines:
        return [FieldProblem(LINES, "至少填写一个预算科目", ErrorCode.REQUIRED)]
    if len(lines) > len(BudgetItem):
        message = f"预算科目至多 {len(BudgetItem)} 行（本次 {len(lines)} 行）"
        return [FieldProblem(LINES, message, ErrorCode.OUT_OF_RANGE)]
    problems: list[FieldProblem] = []
    seen: set[BudgetItem] = set()
    for index, line in enumerate(lines):
        if line.item in seen:
            message = f"预算科目“{label_zh(line.item)}”重复"
            problems.append(FieldProblem(f"{LINES}.{index}.item", message, ErrorCode.DUPLICATE))
        seen.add(line.item)
        amounts = (("initialAmount", line.initial_amount, "年初预算"),
                   ("adjustedAmount", line.adjusted_amount, "调整后预算数"))  # fmt: skip
        for field, value, label in amounts:
            found = None if value is None else _amount_problem(value, line.item, label)
            if found is not None:
                problems.append(FieldProblem(f"{LINES}.{index}.{field}", *found))
    return problems


def line_rows(budget_id: int, lines: list[BudgetLineInput]) -> list[FundBudgetLine]:
    """The rows of checked lines: category from the item, ordered as BudgetItem."""
    return [
        FundBudgetLine(
            budget_id=budget_id,
            category=BUDGET_ITEM_CATEGORY[line.item],
            item=line.item,
            initial_amount=line.initial_amount,
            adjusted_amount=line.adjusted_amount,
            sort_order=ORDER[line.item],
        )
        for line in sorted(lines, key=lambda line: ORDER[line.item])
    ]


def lines_record(lines: list[BudgetLineInput]) -> list[dict[str, str | None]]:
    """The lines as the audit trail keeps them (exact decimals as text)."""
    return [
        {
            "item": line.item.value,
            "initialAmount": str(line.initial_amount),
            "adjustedAmount": None if line.adjusted_amount is None else str(line.adjusted_amount),
        }
        for line in sorted(lines, key=lambda line: ORDER[line.item])
    ]
