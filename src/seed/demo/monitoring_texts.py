"""The demo's Chinese texts of monitoring: what an entry says of an indicator off track (全年预计完成情况,
偏差原因 by category, 完成目标可能性; FORMS §3) and what a warning's response says (Art. 14)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from src.models.enums import Aggregation, BudgetItem, Comparator, label_zh
from src.models.monitoring import CompletionLikelihood, DeviationCause, Light
from src.services.monitoring.comparison import Lit


def period_label(year: int, month: int) -> str:
    return f"{year}年1-{month}月"


def day_label(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Theme:
    """Why an indicator of this kind falls behind, and what is done about it."""

    causes: tuple[tuple[DeviationCause, str], ...]
    measure: str


THEMES: dict[str, Theme] = {
    "subsidy": Theme(
        ((DeviationCause.FUNDING, "上级财政补助资金分批下达，部分资金尚未拨付到位"),),
        "协调同级财政部门加快补助资金拨付，按月跟踪资金到位情况",
    ),
    "revenue": Theme(
        (
            (DeviationCause.OTHER, "部分企业生产经营困难，缴费人数增长放缓，存在欠费和缓缴情况"),
            (DeviationCause.SYSTEM, "灵活就业人员参保缴费政策调整，征缴衔接工作尚在推进"),
        ),
        "会同税务部门加强征缴，开展参保扩面专项行动，清理欠费",
    ),
    "expenditure": Theme(
        ((DeviationCause.OTHER, "部分待遇和费用集中在下半年结算，前期支出进度偏慢"),),
        "加快待遇核发和医疗费用结算进度，确保应付尽付",
    ),
    "medical": Theme(
        ((DeviationCause.HARDWARE, "异地就医直接结算系统升级切换，部分定点医疗机构尚未完成接入"),),
        "加快定点医疗机构直接结算接入和系统联调，扩大直接结算覆盖面",
    ),
    "rectification": Theme(
        ((DeviationCause.STAFFING, "专项检查发现问题较多，整改涉及追回资金，整改周期较长"),),
        "建立问题整改台账，逐项明确责任人和时限，按月通报整改进度",
    ),
    "handling": Theme(
        ((DeviationCause.STAFFING, "业务量阶段性增加，经办人员不足，审核环节办理时间延长"),),
        "调配经办力量，优化办理流程，压缩审核时限",
    ),
    "skills": Theme(
        ((DeviationCause.SYSTEM, "技能提升补贴申领条件调整，符合条件的参保职工人数较年初预计明显减少"),),
        "加强政策宣传和主动服务，对符合条件人员应发尽发",
    ),
    "balance": Theme(
        ((DeviationCause.OTHER, "收入进度快于支出进度，阶段性结余偏高"),),
        "加强收支预测分析，合理安排支出进度",
    ),
    "reserve": Theme(
        ((DeviationCause.OTHER, "待遇支出增长快于基金收入增长，累计结余增长放缓"),),
        "加强基金收支预测和风险预警，多渠道筹集资金",
    ),
    "prevention": Theme(
        ((DeviationCause.OTHER, "工伤预防项目集中实施，费用支出进度前移"),),
        "严格按项目计划控制工伤预防费使用进度",
    ),
    "enterprise": Theme(
        ((DeviationCause.SYSTEM, "稳岗返还政策条件调整，部分企业裁员率超标不符合返还条件"),),
        "通过大数据比对主动识别符合条件企业，实行免申即享",
    ),
    "qualitative": Theme(
        (
            (DeviationCause.SYSTEM, "相关制度修订和配套办法尚未完成"),
            (DeviationCause.STAFFING, "经办人员调整，业务衔接需要时间"),
        ),
        "加快制度修订和业务培训，按时完成相关工作",
    ),
    "other": Theme(
        ((DeviationCause.OTHER, "受季节性因素影响，阶段性进度偏慢"),),
        "加强分析调度，按月跟踪进度，确保全年目标如期实现",
    ),
}
_THEME_WORDS = (
    ("到位", "subsidy"),
    ("整改", "rectification"),
    ("异地就医", "medical"),
    ("支付比例", "medical"),
    ("技能提升", "skills"),
    ("可支付月数", "reserve"),
    ("结余", "balance"),
    ("预防费", "prevention"),
    ("稳岗", "enterprise"),
    ("认定", "handling"),
    ("时限", "handling"),
    ("核定", "handling"),
    ("支出", "expenditure"),
    ("发放", "expenditure"),
    ("领取", "expenditure"),
    ("收入", "revenue"),
    ("征缴", "revenue"),
    ("参保", "revenue"),
    ("缴费", "revenue"),
)
ITEM_THEMES = {
    BudgetItem.CONTRIBUTION: "revenue",
    BudgetItem.FISCAL_SUBSIDY: "subsidy",
    BudgetItem.BENEFITS: "expenditure",
}
CAUSE_FIELDS = {
    DeviationCause.FUNDING: "cause_funding",
    DeviationCause.SYSTEM: "cause_system",
    DeviationCause.STAFFING: "cause_staffing",
    DeviationCause.HARDWARE: "cause_hardware",
    DeviationCause.OTHER: "cause_other",
}


def theme_of(level3: str, qualitative: bool = False) -> Theme:
    if qualitative:
        return THEMES["qualitative"]
    for word, theme in _THEME_WORDS:
        if word in level3:
            return THEMES[theme]
    return THEMES["other"]


def likelihood(light: Light, late_in_year: bool, hopeless: bool) -> CompletionLikelihood | None:
    if light in (Light.GREEN, Light.BLUE):
        return CompletionLikelihood.CERTAIN
    if light == Light.RED and hopeless and late_in_year:
        return CompletionLikelihood.IMPOSSIBLE
    if light in (Light.RED, Light.YELLOW):
        return CompletionLikelihood.POSSIBLE
    return None


def forecast(level3: str, comparator: Comparator, lit: Lit, chance: CompletionLikelihood | None) -> str:
    """全年预计完成情况 of an indicator off track."""
    if comparator == Comparator.GRADE:
        if lit.light == Light.RED:
            return "相关工作尚未落实到位，预计年底前可部分达成"
        return "相关工作正在推进，预计年底前可达成"
    if comparator == Comparator.LE:
        return (
            f"按目前情况测算，预计全年{level3}将超出目标值{lit.deviation or Decimal(0)}%左右，需采取措施控制"
        )
    if chance == CompletionLikelihood.IMPOSSIBLE:
        share = min(lit.ratio or Decimal(0), Decimal(100)).quantize(Decimal(1))
        return f"按目前进度测算，预计全年仅能完成目标值的{share}%左右，难以完成全年目标"
    if lit.light == Light.RED:
        return "按目前进度测算，全年目标完成存在较大困难，需加大工作力度"
    return "预计后续月份加快进度后可基本完成全年目标"


def cause_fields(theme: Theme) -> dict[str, str]:
    return {CAUSE_FIELDS[cause]: text for cause, text in theme.causes}


def _detail(lit: Lit, comparator: Comparator, aggregation: Aggregation) -> str:
    """How far off: a grade, the excess over a cap, the share of the expected progress (an amount or count
    through the year) or of the target (a rate or level, compared with the annual target itself)."""
    if comparator == Comparator.GRADE:
        return "完成情况为" + ("未达成" if lit.light == Light.RED else "部分达成")
    if comparator == Comparator.LE:
        return f"超出目标值{lit.deviation}%"
    if aggregation == Aggregation.SUM:
        return f"完成进度为序时进度的{lit.ratio}%"
    return f"完成值为目标值的{lit.ratio}%"


def correction_note(
    *, level3: str, comparator: Comparator, aggregation: Aggregation, lit: Lit, period: str, agency: str
) -> str:
    theme = theme_of(level3, comparator == Comparator.GRADE)
    detail = _detail(lit, comparator, aggregation)
    return (
        f"{period}监控显示“{level3}”{label_zh(lit.light)}，{detail}，偏离绩效目标。"
        f"已提示警示{agency}分析偏差原因，{theme.measure}。"
    )


def urge_note(*, item: BudgetItem, lit: Lit, period: str, agency: str, due: date) -> str:
    theme = THEMES[ITEM_THEMES.get(item, "other")]
    return (
        f"{period}{label_zh(item)}执行进度为序时进度的{lit.ratio}%，滞后于时间进度。已督促{agency}"
        f"加快执行进度，{theme.measure}，{day_label(due)}前执行进度达到序时进度的80%以上。"
    )


def recovered_note(*, period: str, light: Light) -> str:
    return f"{period}监控已恢复至正常区间（{label_zh(light)}），偏差已纠正，警示关闭。"


YEAR_END_CLOSE = "年度运行监控已结束，偏差原因及整改情况纳入年度绩效自评报告，警示关闭。"
