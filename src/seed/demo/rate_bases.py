"""What a demo rate indicator's numerator and denominator count (the library's 指标解释): persons or cases
in proportion to the insured (计算基数), or a budget amount; and how the denominator grows in the year.

A rate is entered as its numerator and denominator (so it rolls up by summing both, Art. 12); its value is
their quotient in percent. Cumulative 1-N月: a denominator of cases handled grows through the year, one of
monthly payments by the month, one of persons covered stays.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from src.models.enums import BudgetItem


class Growth(StrEnum):
    MONTHLY = "MONTHLY"  # paid every month: N months' worth by month N (应发放人次)
    YEARLY = "YEARLY"  # handled through the year: N/12 of the year's by month N (受理件数, 应征缴额)
    STOCK = "STOCK"  # a state at the month's end (应参保人数)


@dataclass(frozen=True)
class RateBase:
    per_insured: float = 0.0  # persons or cases per insured person; 0 for a budget amount
    item: BudgetItem | None = None  # the budget line the denominator is a share of
    growth: Growth = Growth.MONTHLY
    steady: bool = True  # stays near its target in practice (a payment rate): always green
    pooled: bool = False  # a figure of the pooled fund itself: entered by the pooling region, not its parts


RATE_BASES: dict[str, RateBase] = {
    "参保率": RateBase(1.05, growth=Growth.STOCK),
    "基本医疗保险参保率": RateBase(1.04, growth=Growth.STOCK),
    "参保对象满意度": RateBase(0.0003, growth=Growth.STOCK),
    "基金监督检查发现问题整改率": RateBase(0.00003, growth=Growth.YEARLY, steady=False),
    "待遇按时足额发放率": RateBase(0.3),
    "基本养老金按时足额发放率": RateBase(0.3),
    "基础养老金按月发放及时率": RateBase(0.35),
    "失业保险金按时足额发放率": RateBase(0.02),
    "工伤保险待遇按时足额发放率": RateBase(0.01),
    "生育津贴按时发放率": RateBase(0.0015),
    "异地就医住院费用直接结算率": RateBase(0.004, growth=Growth.YEARLY, steady=False),
    "工伤认定按时办结率": RateBase(0.004, growth=Growth.YEARLY, steady=False),
    "新增退休人员待遇核定及时率": RateBase(0.012, growth=Growth.YEARLY),
    "退休人员社会化管理服务率": RateBase(0.35, growth=Growth.STOCK),
    "符合条件老年居民待遇领取率": RateBase(0.4, growth=Growth.STOCK),
    "困难群体代缴覆盖率": RateBase(0.05, growth=Growth.STOCK),
    "机关事业单位参保覆盖率": RateBase(0.0012, growth=Growth.STOCK),
    "养老保险费征缴率": RateBase(item=BudgetItem.CONTRIBUTION, growth=Growth.YEARLY),
    "全国统筹调剂资金上解及时率": RateBase(item=BudgetItem.TRANSFER_OUT, growth=Growth.YEARLY, pooled=True),
    "政策范围内住院费用基金支付比例": RateBase(item=BudgetItem.BENEFITS, growth=Growth.YEARLY),
    "基金结余率": RateBase(item=BudgetItem.BENEFITS, growth=Growth.YEARLY, steady=False, pooled=True),
    "工伤预防费使用比例": RateBase(
        item=BudgetItem.CONTRIBUTION, growth=Growth.YEARLY, steady=False, pooled=True
    ),
}
DEFAULT_BASE = RateBase(0.3)

# Rates read off the budget execution itself (序时: against the budget's share of the time elapsed), by the
# pooling region, which holds the whole budget.
REVENUE_COMPLETION = "基金收入预算完成率"
EXPENDITURE_EXECUTION = "基金支出预算执行率"
SUBSIDY_ARRIVAL = ("财政补助资金到位率", "居民医保财政补助到位率")
BUDGET_ADJUSTMENT = "预算调整率"
FROM_EXECUTION = {REVENUE_COMPLETION, EXPENDITURE_EXECUTION, *SUBSIDY_ARRIVAL, BUDGET_ADJUSTMENT}


def rate_base(level3: str) -> RateBase:
    return RATE_BASES.get(level3, DEFAULT_BASE)


def grown(amount: Decimal, growth: Growth, month: int) -> Decimal:
    """A year's (or a month's, MONTHLY) denominator as it stands at the end of `month`."""
    if growth == Growth.MONTHLY:
        return amount * month
    if growth == Growth.YEARLY:
        return amount * month / 12
    return amount
