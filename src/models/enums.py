"""Domain codes from DOMAIN.md. Values are stored as strings; labels are what users read."""

from enum import StrEnum


class RegionLevel(StrEnum):
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"


class Administration(StrEnum):
    """The administration that supervises a fund (人社 or 医保)."""

    HRSS = "HRSS"
    MEDICAL_SECURITY = "MEDICAL_SECURITY"


class PoolingLevel(StrEnum):
    NATIONAL = "NATIONAL"
    PROVINCIAL_UNIFIED = "PROVINCIAL_UNIFIED"
    PROVINCIAL_ADJUSTMENT = "PROVINCIAL_ADJUSTMENT"
    PREFECTURE = "PREFECTURE"
    COUNTY = "COUNTY"


class ActorType(StrEnum):
    FINANCE = "FINANCE"
    HRSS = "HRSS"
    MEDICAL_SECURITY = "MEDICAL_SECURITY"
    AGENCY = "AGENCY"
    TAX = "TAX"
    NATIONAL = "NATIONAL"
    THIRD_PARTY = "THIRD_PARTY"


class GoalHorizon(StrEnum):
    OVERALL = "OVERALL"
    ANNUAL = "ANNUAL"


class GoalStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    PRELIMINARY_REVIEWED = "PRELIMINARY_REVIEWED"
    REVIEWED = "REVIEWED"
    SUBMITTED_TO_NATIONAL = "SUBMITTED_TO_NATIONAL"
    ISSUED_GUIDING = "ISSUED_GUIDING"
    NATIONAL_APPROVED = "NATIONAL_APPROVED"
    ISSUED = "ISSUED"
    RETURNED = "RETURNED"
    SUPERSEDED = "SUPERSEDED"


class IndicatorCategory(StrEnum):
    """Level-1 indicator categories (Art. 9)."""

    DECISION = "DECISION"
    PROCESS = "PROCESS"
    OUTPUT = "OUTPUT"
    BENEFIT = "BENEFIT"


class IndicatorKind(StrEnum):
    QUANTITATIVE = "QUANTITATIVE"
    QUALITATIVE = "QUALITATIVE"


class Comparator(StrEnum):
    GE = "GE"  # ≥
    LE = "LE"  # ≤
    EQ = "EQ"  # =
    GRADE = "GRADE"  # qualitative grade (达成 / 部分达成 / 未达成)


class QualitativeGrade(StrEnum):
    ACHIEVED = "ACHIEVED"  # 达成
    PARTLY_ACHIEVED = "PARTLY_ACHIEVED"  # 部分达成
    NOT_ACHIEVED = "NOT_ACHIEVED"  # 未达成


class Aggregation(StrEnum):
    """How a quantitative indicator of a province-wide goal splits among pooling regions (Art. 6)."""

    SUM = "SUM"  # amounts and counts: the regions' targets add up to the province's
    RATE = "RATE"  # ratios (numerator ÷ denominator): each region takes the province's value by default
    NONE = "NONE"  # qualitative indicators and per-region standards: the province's value


class TaxVerdict(StrEnum):
    """The tax department's word on a draft goal (Art. 5, 7: the agency drafts 商税务部门)."""

    CONCUR = "CONCUR"
    OBJECT = "OBJECT"


class BudgetStatus(StrEnum):
    DRAFT = "DRAFT"
    APPROVED = "APPROVED"


class BudgetLineCategory(StrEnum):
    REVENUE = "REVENUE"
    EXPENDITURE = "EXPENDITURE"
    BALANCE = "BALANCE"


class BudgetItem(StrEnum):
    CONTRIBUTION = "CONTRIBUTION"
    FISCAL_SUBSIDY = "FISCAL_SUBSIDY"
    INTEREST = "INTEREST"
    TRANSFER_IN = "TRANSFER_IN"
    OTHER_REVENUE = "OTHER_REVENUE"
    BENEFITS = "BENEFITS"
    TRANSFER_OUT = "TRANSFER_OUT"
    OTHER_EXPENDITURE = "OTHER_EXPENDITURE"
    CURRENT_BALANCE = "CURRENT_BALANCE"
    ACCUMULATED_BALANCE = "ACCUMULATED_BALANCE"


# Keyed by (class, member): members of different enums can share a value (DRAFT).
_LABELS: list[tuple[StrEnum, str]] = [
    (RegionLevel.PROVINCE, "省"),
    (RegionLevel.PREFECTURE, "市（州）"),
    (RegionLevel.COUNTY, "县（市、区）"),
    (Administration.HRSS, "人力资源社会保障部门"),
    (Administration.MEDICAL_SECURITY, "医疗保障部门"),
    (PoolingLevel.NATIONAL, "全国统筹"),
    (PoolingLevel.PROVINCIAL_UNIFIED, "统收统支省级统筹"),
    (PoolingLevel.PROVINCIAL_ADJUSTMENT, "调剂金模式省级统筹"),
    (PoolingLevel.PREFECTURE, "市（州）级统筹"),
    (PoolingLevel.COUNTY, "县级统筹"),
    (ActorType.FINANCE, "财政部门"),
    (ActorType.HRSS, "人力资源社会保障行政部门"),
    (ActorType.MEDICAL_SECURITY, "医疗保障行政部门"),
    (ActorType.AGENCY, "社会保险经办机构"),
    (ActorType.TAX, "税务部门"),
    (ActorType.NATIONAL, "国家相关部门"),
    (ActorType.THIRD_PARTY, "第三方机构"),
    (GoalHorizon.OVERALL, "总体目标"),
    (GoalHorizon.ANNUAL, "年度目标"),
    (GoalStatus.DRAFT, "草稿"),
    (GoalStatus.SUBMITTED, "已报送"),
    (GoalStatus.PRELIMINARY_REVIEWED, "已初审"),
    (GoalStatus.REVIEWED, "已审核"),
    (GoalStatus.SUBMITTED_TO_NATIONAL, "已报国家审核"),
    (GoalStatus.ISSUED_GUIDING, "已下达（指导性）"),
    (GoalStatus.NATIONAL_APPROVED, "国家已审核"),
    (GoalStatus.ISSUED, "已正式下达"),
    (GoalStatus.RETURNED, "已退回"),
    (GoalStatus.SUPERSEDED, "已被新版本取代"),
    (IndicatorCategory.DECISION, "决策"),
    (IndicatorCategory.PROCESS, "过程"),
    (IndicatorCategory.OUTPUT, "产出"),
    (IndicatorCategory.BENEFIT, "效益"),
    (IndicatorKind.QUANTITATIVE, "定量"),
    (IndicatorKind.QUALITATIVE, "定性"),
    (Comparator.GE, "≥"),
    (Comparator.LE, "≤"),
    (Comparator.EQ, "="),
    (Comparator.GRADE, "定性"),
    (QualitativeGrade.ACHIEVED, "达成"),
    (QualitativeGrade.PARTLY_ACHIEVED, "部分达成"),
    (QualitativeGrade.NOT_ACHIEVED, "未达成"),
    (Aggregation.SUM, "加总分解"),
    (Aggregation.RATE, "比率（沿用全省值）"),
    (Aggregation.NONE, "不分解（沿用全省值）"),
    (TaxVerdict.CONCUR, "同意"),
    (TaxVerdict.OBJECT, "不同意"),
    (BudgetStatus.DRAFT, "编制中"),
    (BudgetStatus.APPROVED, "已批复"),
    (BudgetLineCategory.REVENUE, "收入"),
    (BudgetLineCategory.EXPENDITURE, "支出"),
    (BudgetLineCategory.BALANCE, "结余"),
    (BudgetItem.CONTRIBUTION, "社会保险费收入"),
    (BudgetItem.FISCAL_SUBSIDY, "财政补贴收入"),
    (BudgetItem.INTEREST, "利息收入"),
    (BudgetItem.TRANSFER_IN, "转移收入"),
    (BudgetItem.OTHER_REVENUE, "其他收入"),
    (BudgetItem.BENEFITS, "社会保险待遇支出"),
    (BudgetItem.TRANSFER_OUT, "转移支出"),
    (BudgetItem.OTHER_EXPENDITURE, "其他支出"),
    (BudgetItem.CURRENT_BALANCE, "本年收支结余"),
    (BudgetItem.ACCUMULATED_BALANCE, "年末滚存结余"),
]
LABELS_ZH: dict[tuple[type[StrEnum], str], str] = {(type(m), m.value): label for m, label in _LABELS}
# The same labels by the member's identity, for label_zh: a member lives as long as its class (the
# process), and its id is one C call where the (class, value) key reads `.value`, a Python property.
_LABELS_BY_ID: dict[int, str] = {id(m): label for m, label in _LABELS}

BUDGET_ITEM_CATEGORY: dict[BudgetItem, BudgetLineCategory] = {
    BudgetItem.CONTRIBUTION: BudgetLineCategory.REVENUE,
    BudgetItem.FISCAL_SUBSIDY: BudgetLineCategory.REVENUE,
    BudgetItem.INTEREST: BudgetLineCategory.REVENUE,
    BudgetItem.TRANSFER_IN: BudgetLineCategory.REVENUE,
    BudgetItem.OTHER_REVENUE: BudgetLineCategory.REVENUE,
    BudgetItem.BENEFITS: BudgetLineCategory.EXPENDITURE,
    BudgetItem.TRANSFER_OUT: BudgetLineCategory.EXPENDITURE,
    BudgetItem.OTHER_EXPENDITURE: BudgetLineCategory.EXPENDITURE,
    BudgetItem.CURRENT_BALANCE: BudgetLineCategory.BALANCE,
    BudgetItem.ACCUMULATED_BALANCE: BudgetLineCategory.BALANCE,
}


def add_labels(pairs: list[tuple[StrEnum, str]]) -> None:
    """A domain's own enums' labels (src/models/monitoring.py), added where its models are defined."""
    for member, label in pairs:
        key = (type(member), member.value)
        if key in LABELS_ZH:
            raise ValueError(f"label of {member!r} given twice")
        LABELS_ZH[key] = label
        _LABELS_BY_ID[id(member)] = label


def label_zh(value: StrEnum) -> str:
    found = _LABELS_BY_ID.get(id(value))
    return found if found is not None else LABELS_ZH.get((type(value), value.value), value.value)
