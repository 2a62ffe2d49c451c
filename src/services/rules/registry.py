"""The keys of the regional rules (Art. 23), one typed definition each: kind, Chinese label, the province's
built-in default (DOMAIN.md §6, §7, §10), the allowed range or choices. The rules that tie keys together are
in consistency.py.

A value is stored as its canonical text (`RegionalRule.value`): a decimal with exactly its declared places
("60.00"), a month and day zero-padded ("05-31"), a choice's code ("ALL_OR_NOTHING"), a text as typed without
the spaces around it ("成"). `parse` turns what a user typed into that text or says what is wrong; `typed`
turns stored text into the Python value.

Most keys set a policy, which a region inherits from the regions above it unless it sets its own. A key with a
`region_default` names the region itself (its document abbreviation, region_defaults.py): no region inherits
another's value, and a region without its own takes the default derived from its code, name and level.

Statutory dates are not rules to loosen: a region's detailed rules are made 「根据本办法」 (Art. 23), so a
deadline the text fixes (1月底 Art. 13, 5月底 7月10日 7月底 Art. 17) has that date as its `latest`: a region
may set an earlier internal date, never a later one. Each key has a `scope`, who may set it:
- PROVINCE_ONLY: PROVINCIAL_REPORT_DEADLINE (the provincial agency's report to 财政厅) and
  PROVINCIAL_SUMMARY_DEADLINE (财政厅's summary upward) are duties of provincial bodies (Art. 17
  「省级绩效评价由财政厅牵头…」): a prefecture's rules cannot bind them, nobody below the province reads them.
- ANY_REGION, the rest. MONITORING_COMPILATION_DEADLINE is the prefecture's own duty (Art. 13
  「各市（州）财政部门…牵头汇总」: it may fix an earlier internal date, the province may for all);
  SELF_EVALUATION_DEADLINE the pooling region's (Art. 17: a prefecture's finance organises the
  self-evaluation of the funds it pools); the monitoring keys (lights, execution, ≤ indicators, red
  periods, periods, entry and report days) the pooling region's, whose finance and administration
  organise monitoring (Art. 13 「由统筹地区财政部门、社会保险行政部门组织开展」); the goal, scoring and
  grading keys come from practice, not from the text (DOMAIN §10, FORMS §6), which Art. 23 lets a
  prefecture adapt; the document abbreviation names the region.

The scoring keys (read by src/services/evaluation/scoring.py): the indicator weight total (90, the
Sichuan form's 绩效指标（90分）) and the execution points (10, 预算执行情况（10分）) make 100; "=" and "≤"
variants; the over-achievement reduction (none by default: 财预〔2020〕10号 reduces only where the target
proves set too low, which is the evaluator's finding) and the completion above which it applies (120 %, as
the monitoring's blue light); the Art. 18 deviation (20 % of the target either way) that makes a cause
required even when met; level-1 weights, free by default (the Sichuan form), or fixed per category
(9 / 18 / 36 / 27 of 90).
A stored value that breaks either (written before these limits) is ignored when rules are read (reads.py):
the value of the region above applies; `fundperf migrate` reports such rows (statutory.py).
"""

from src.services.rules.after_evaluation import AFTER_EVALUATION
from src.services.rules.builders import count_rule as _count
from src.services.rules.builders import deadline_rule as _deadline
from src.services.rules.builders import decimal_rule as _decimal
from src.services.rules.definition import (
    CHOICE_LABELS,
    EqIndicatorScoring,
    IndicatorCoverage,
    LeIndicatorLighting,
    LeIndicatorScoring,
    Level1Weights,
    MonitoringPeriods,
    MonthDay,
    OverAchievementReduction,
    RuleDefinition,
    RuleKey,
    RuleKind,
    RuleScope,
    RuleSource,
    RuleValue,
    RuleValueError,
)
from src.services.rules.region_defaults import document_abbreviation

# The definition's vocabulary, re-exported: callers import keys and values from the registry.
__all__ = [
    "CHOICE_LABELS",
    "DEFINITION",
    "DEFINITIONS",
    "DOCUMENT_ABBREVIATION_LENGTH",
    "EqIndicatorScoring",
    "IndicatorCoverage",
    "LeIndicatorLighting",
    "LeIndicatorScoring",
    "Level1Weights",
    "MonitoringPeriods",
    "MonthDay",
    "OverAchievementReduction",
    "RuleDefinition",
    "RuleKey",
    "RuleKind",
    "RuleScope",
    "RuleSource",
    "RuleValue",
    "RuleValueError",
    "defaults",
]


# The longest abbreviation: with a family code (FAMILY_MAX_LENGTH, src/subjects/documents.py) it makes a
# document number's prefix (DocumentNumber.prefix, 16 characters).
DOCUMENT_ABBREVIATION_LENGTH = 8

K = RuleKey
DEFINITIONS: tuple[RuleDefinition, ...] = (
    # The Sichuan form: 绩效指标（90分） + 预算执行情况（10分） (FORMS §2B; consistency.py: they make 100).
    _decimal(K.INDICATOR_WEIGHT_TOTAL, "绩效指标权重合计（分）", "90.00"),
    RuleDefinition(
        key=K.INDICATOR_COVERAGE,
        kind=RuleKind.CHOICE,
        label="绩效指标须涵盖的类别与性质（第九条）",
        default=IndicatorCoverage.ALL_CATEGORIES_BOTH_KINDS.value,
        choices=IndicatorCoverage,
    ),
    _deadline(
        K.MONITORING_COMPILATION_DEADLINE,
        "市（州）汇总上年运行监控情况报告截止日（第十三条）",
        "01-31",
        basis="第十三条：各市（州）财政部门每年1月底前牵头汇总本地上年运行监控情况报告",
    ),
    _deadline(
        K.SELF_EVALUATION_DEADLINE,
        "统筹地区完成上年度自评并上报截止日（第十七条）",
        "05-31",
        basis="第十七条：上年度统筹地区自评工作需在每年5月底前完成",
    ),
    _deadline(
        K.PROVINCIAL_REPORT_DEADLINE,
        "省级绩效评价报告送财政厅截止日（第十七条）",
        "07-10",
        basis="第十七条：上年度省级绩效评价报告应于每年7月10日前送财政厅",
        scope=RuleScope.PROVINCE_ONLY,
    ),
    _deadline(
        K.PROVINCIAL_SUMMARY_DEADLINE,
        "财政厅汇总上报省级绩效评价截止日（第十七条）",
        "07-31",
        basis="第十七条：财政厅于7月底前完成汇总并上报",
        scope=RuleScope.PROVINCE_ONLY,
    ),
    _decimal(K.LIGHT_RED_BELOW, "运行监控红灯：完成进度低于（%）", "60.00", maximum="1000"),
    _decimal(K.LIGHT_YELLOW_BELOW, "运行监控黄灯：完成进度低于（%）", "80.00", maximum="1000"),
    _decimal(K.LIGHT_BLUE_FROM, "运行监控蓝灯：完成进度不低于（%）", "120.00", maximum="1000"),
    _decimal(K.EXECUTION_RED_BELOW, "预算执行红灯：执行进度低于（%）", "60.00"),
    _decimal(K.EXECUTION_YELLOW_BELOW, "预算执行黄灯：执行进度低于（%）", "80.00"),
    _decimal(K.GRADE_EXCELLENT_FROM, "评价等级“优”：得分不低于", "90.00"),
    _decimal(K.GRADE_GOOD_FROM, "评价等级“良”：得分不低于", "80.00"),
    _decimal(K.GRADE_FAIR_FROM, "评价等级“中”：得分不低于", "60.00"),
    RuleDefinition(
        key=K.EQ_INDICATOR_SCORING,
        kind=RuleKind.CHOICE,
        label="“=”类指标未达到目标值时的计分方式",
        default=EqIndicatorScoring.ALL_OR_NOTHING.value,
        choices=EqIndicatorScoring,
    ),
    _decimal(K.QUALITATIVE_ACHIEVED_FROM, "定性指标“达成”：得分不低于权重的（%）", "80.00"),
    _decimal(K.QUALITATIVE_PARTLY_FROM, "定性指标“部分达成”：得分不低于权重的（%）", "60.00"),
    _decimal(K.EXECUTION_POINTS, "预算执行率分值（分）", "10.00", minimum_inclusive=True),
    _decimal(K.EXECUTION_REASON_BELOW, "预算执行率低于此值须说明原因（%）", "90.00"),
    RuleDefinition(
        key=K.DOCUMENT_ABBREVIATION,
        kind=RuleKind.TEXT,
        label="发文机关代字简称（发文字号，如“川”财社〔2026〕1号）",
        default="川",
        length=DOCUMENT_ABBREVIATION_LENGTH,
        refused="〔〕[]()（）【】",
        region_default=document_abbreviation,
        distinct=True,
    ),
    RuleDefinition(
        key=K.LE_INDICATOR_LIGHTING,
        kind=RuleKind.CHOICE,
        label="运行监控“≤”类指标亮灯方式",
        default=LeIndicatorLighting.WITHIN_OR_RED.value,
        choices=LeIndicatorLighting,
    ),
    _decimal(K.LE_YELLOW_EXCESS_BELOW, "运行监控“≤”类指标黄灯：超出目标值低于（%）", "10.00", maximum="1000"),
    _decimal(
        K.EXECUTION_LARGE_DEVIATION_BELOW,
        "预算执行偏差较大、应按规定调整：执行进度低于（%）（第十四条）",
        "40.00",
    ),
    _count(
        K.ADJUSTMENT_REVIEW_RED_PERIODS,
        "绩效目标连续红灯达此期数，提请评估调整（第十四条）",
        "3",
        minimum="1",
        maximum="12",
    ),
    RuleDefinition(
        key=K.MONITORING_PERIODS,
        kind=RuleKind.CHOICE,
        label="运行监控比较周期（第十三条）",
        default=MonitoringPeriods.QUARTERLY.value,
        choices=MonitoringPeriods,
    ),
    _count(
        K.MONITORING_ENTRY_DUE_DAYS,
        "监控数据填报时限：期末后第几日前（及时性）",
        "10",
        minimum="1",
        maximum="28",
    ),
    _count(
        K.MONITORING_REPORT_DUE_DAYS,
        "运行监控情况报告报送时限：期末后第几日前",
        "20",
        minimum="1",
        maximum="28",
    ),
    RuleDefinition(
        key=K.LE_INDICATOR_SCORING,
        kind=RuleKind.CHOICE,
        label="“≤”类指标超出目标值时的计分方式",
        default=LeIndicatorScoring.LINEAR_TO_DOUBLE.value,
        choices=LeIndicatorScoring,
    ),
    RuleDefinition(
        key=K.OVER_ACHIEVEMENT_REDUCTION,
        kind=RuleKind.CHOICE,
        label="完成值高于指标值较多时是否按偏离度调减分值",
        default=OverAchievementReduction.NONE.value,
        choices=OverAchievementReduction,
    ),
    _decimal(
        K.OVER_ACHIEVEMENT_FROM,
        "完成值高于指标值较多：完成比例不低于（%）",
        "120.00",
        minimum="100",
        maximum="1000",
    ),
    _decimal(
        K.DEVIATION_CAUSE_FROM,
        "偏离绩效目标较大、须说明原因：完成值偏离指标值不低于（%）（第十八条）",
        "20.00",
        maximum="1000",
    ),
    RuleDefinition(
        key=K.LEVEL1_WEIGHTS,
        kind=RuleKind.CHOICE,
        label="一级指标权重是否由实施细则规定",
        default=Level1Weights.FREE.value,
        choices=Level1Weights,
    ),
    # The demo's split of national practice (10/20/40/30 of 100) taken to the 90 points of the Sichuan form.
    _decimal(K.LEVEL1_WEIGHT_DECISION, "一级指标“决策”权重（分）", "9.00", minimum_inclusive=True),
    _decimal(K.LEVEL1_WEIGHT_PROCESS, "一级指标“过程”权重（分）", "18.00", minimum_inclusive=True),
    _decimal(K.LEVEL1_WEIGHT_OUTPUT, "一级指标“产出”权重（分）", "36.00", minimum_inclusive=True),
    _decimal(K.LEVEL1_WEIGHT_BENEFIT, "一级指标“效益”权重（分）", "27.00", minimum_inclusive=True),
    *AFTER_EVALUATION,  # Art. 19–22 (after_evaluation.py)
)
DEFINITION: dict[RuleKey, RuleDefinition] = {d.key: d for d in DEFINITIONS}
assert list(DEFINITION) == list(RuleKey), "one definition per key, in the order of RuleKey"


def defaults() -> dict[RuleKey, RuleValue]:
    return {d.key: d.typed(d.default) for d in DEFINITIONS}
