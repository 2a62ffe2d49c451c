"""What the provincial evaluation's documents are made of (Art. 17, 18; FORMS §4A): plain data, built by the
provincial evaluation's services from the records and read by the documents' context builders, so neither
side knows how the other works.

`ProvincialAggregate` is a fund's year of self-evaluations rolled up (scores, grades, their distribution,
the regions below the pass band, shortfalls by indicator, budget execution); `ProvincialReportData` is one
省级分险种绩效评价报告 (the aggregate, its narrative in FORMS §4A's order, who prepared it, where it stands);
`ProvincialSummaryData` is 财政厅's July summary of a year's reports, reported upward.
Amounts are in 元 as stored; scores keep two places; grades are scoring.Grade codes (EXCELLENT …).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class RegionResult:
    """One pooling region's self-evaluation as the aggregate counts it."""

    region_code: str
    region_name: str  # 成都市, 武侯区
    prefecture_code: str  # the prefecture it lies in (itself for a prefecture; "" for the province)
    prefecture_name: str
    status: str  # SelfEvaluationStatus code: SUBMITTED or ACCEPTED (drafts are not counted)
    total_score: Decimal | None
    grade: str | None  # scoring.Grade code
    execution_rate: Decimal | None  # 执行率, percent
    late: bool  # submitted after the self-evaluation deadline


@dataclass(frozen=True)
class ScoreBand:
    """A bar of the score distribution: [low, high) but the last, which includes 100."""

    label: str  # "60–70分"; "60分以下"; "90分及以上"
    low: Decimal
    high: Decimal
    count: int


@dataclass(frozen=True)
class IndicatorShortfall:
    """An indicator (by its level-3 name within its categories) that some regions did not meet."""

    level1: str  # 产出指标 (label)
    level2: str
    level3: str
    evaluated: int  # regions whose form has this indicator
    not_met: int
    regions: list[str]  # names of the regions that did not meet it, in region order
    causes: list[str]  # their analysed causes (Art. 18), one per region, "" where none


@dataclass(frozen=True)
class ExecutionRollup:
    """预算执行情况 of the fund's expenditure, summed over the regions counted."""

    initial_budget: Decimal
    adjusted_budget: Decimal
    executed: Decimal
    rate: Decimal | None  # executed ÷ adjusted, percent; None when nothing was budgeted


@dataclass(frozen=True)
class ProvincialAggregate:
    fund_code: str
    fund_name: str  # 企业职工基本养老保险基金
    year: int  # the budget year evaluated
    pooling_level: str  # PoolingLevel code
    expected: int  # pooling regions that owe a self-evaluation
    missing: list[str]  # names of those with none submitted
    regions: list[RegionResult]  # counted ones, in region order
    average_score: Decimal | None
    highest: Decimal | None
    lowest: Decimal | None
    pass_from: Decimal  # the region's GRADE_FAIR_FROM (the pass band's floor)
    grade_counts: dict[str, int]  # every Grade code → count (zeros included), EXCELLENT first
    score_bands: list[ScoreBand]  # the bands' edges from the grade rules, lowest first
    below_pass: list[RegionResult]  # total score below pass_from
    shortfalls: list[IndicatorShortfall]  # most regions not meeting first
    execution: ExecutionRollup


@dataclass(frozen=True)
class ProvincialReportData:
    """One 省级分险种绩效评价报告 (FORMS §4A outline), as its reader may see it."""

    aggregate: ProvincialAggregate
    title: str  # 四川省2025年度企业职工基本养老保险基金预算绩效评价报告
    preparer: str  # 四川省社会保险事业管理局 (the provincial agency)
    co_preparer: str  # 国家税务总局四川省税务局 (商省税务局); "" if none
    recipient: str  # 四川省财政厅
    third_party: str  # the organization it was assigned to (Art. 17 第三方), "" if none
    status: str  # its status code
    status_label: str
    submitted_on: date | None
    approved_on: date | None
    late: bool  # sent to 财政厅 after the PROVINCIAL_EVALUATION_DEADLINE
    # Narrative in FORMS §4A's order; empty ones are printed as 「无」.
    overview: str  # 一、基本情况
    work: str  # 二、绩效评价工作开展情况
    conclusion: str  # 三、综合评价情况及评价结论
    analysis: str  # 四、绩效评价指标分析
    problems: str  # 五、主要经验及做法、存在的问题及原因分析
    suggestions: str  # 六、有关建议
    other: str  # 七、其他需要说明的问题


@dataclass(frozen=True)
class SummaryFundRow:
    """One fund in the July summary."""

    fund_name: str
    evaluated: int
    expected: int
    average_score: Decimal | None
    grade_counts: dict[str, int]
    below_pass: int
    execution_rate: Decimal | None
    report_status_label: str  # the fund's provincial report: 已审核通过, or 未报送


@dataclass(frozen=True)
class ProvincialSummaryData:
    """财政厅's summary of a year's provincial evaluations, reported upward by the end of July (Art. 17)."""

    year: int  # the budget year evaluated
    title: str  # 四川省财政厅关于2025年度社会保险基金预算绩效评价情况的报告
    issuer: str  # 四川省财政厅
    number: str  # 川财社〔2026〕12号, "" until sent
    recipients: list[str]  # 财政部、人力资源社会保障部、国家医疗保障局、国家税务总局
    copies_to: list[str]  # 抄送: 人社厅、省医保局、省税务局
    status: str
    status_label: str
    sent_on: date | None
    late: bool  # after the PROVINCIAL_SUMMARY_DEADLINE
    funds: list[SummaryFundRow] = field(default_factory=list)
    overview: str = ""  # 总体情况
    problems: str = ""  # 存在的问题
    next_steps: str = ""  # 下一步工作
