"""The codes of the rectification items (整改事项, Art. 20) and their Chinese labels; the tables are in
rectification.py."""

from enum import StrEnum

from src.models.enums import add_labels


class RectificationCategory(StrEnum):
    """The problem kinds Art. 20 names, in its two groups (TREATMENT_OF)."""

    GOAL_SETTING = "GOAL_SETTING"  # 绩效目标设置不合理
    RULES_INCOMPLETE = "RULES_INCOMPLETE"  # 管理制度不健全
    GOAL_DEVIATION = "GOAL_DEVIATION"  # 执行中绩效目标实现偏离
    EXECUTION_LAG = "EXECUTION_LAG"  # 预算进度执行偏差
    SUPERVISION = "SUPERVISION"  # 监督管理运行不畅


class RectificationTreatment(StrEnum):
    STRENGTHEN_MANAGEMENT = "STRENGTHEN_MANAGEMENT"  # 着力加强绩效目标管理，不断健全完善管理制度
    ANALYSE_AND_REMEDY = "ANALYSE_AND_REMEDY"  # 认真分析原因、提出整改措施


TREATMENT_OF = {
    RectificationCategory.GOAL_SETTING: RectificationTreatment.STRENGTHEN_MANAGEMENT,
    RectificationCategory.RULES_INCOMPLETE: RectificationTreatment.STRENGTHEN_MANAGEMENT,
    RectificationCategory.GOAL_DEVIATION: RectificationTreatment.ANALYSE_AND_REMEDY,
    RectificationCategory.EXECUTION_LAG: RectificationTreatment.ANALYSE_AND_REMEDY,
    RectificationCategory.SUPERVISION: RectificationTreatment.ANALYSE_AND_REMEDY,
}


class RectificationStatus(StrEnum):
    OPEN = "OPEN"  # raised; the owner rectifies
    REPORTED = "REPORTED"  # the owner reports it done (measures, cause where required, evidence)
    RETURNED = "RETURNED"  # the finance that raised it sends it back with a reason
    VERIFIED = "VERIFIED"  # the finance that raised it verifies it: closed


class RectificationEventKind(StrEnum):
    RECTIFICATION_ITEM_STATUS_CHANGED = "RECTIFICATION_ITEM_STATUS_CHANGED"  # raised, reported, verified...
    RECTIFICATION_ITEM_CHANGED = "RECTIFICATION_ITEM_CHANGED"  # edited, evidence added or removed


add_labels(
    [
        (RectificationCategory.GOAL_SETTING, "绩效目标设置不合理"),
        (RectificationCategory.RULES_INCOMPLETE, "管理制度不健全"),
        (RectificationCategory.GOAL_DEVIATION, "绩效目标实现偏离"),
        (RectificationCategory.EXECUTION_LAG, "预算进度执行偏差"),
        (RectificationCategory.SUPERVISION, "监督管理运行不畅"),
        (RectificationTreatment.STRENGTHEN_MANAGEMENT, "加强绩效目标管理、健全完善管理制度"),
        (RectificationTreatment.ANALYSE_AND_REMEDY, "分析原因、提出整改措施"),
        (RectificationStatus.OPEN, "整改中"),
        (RectificationStatus.REPORTED, "已报整改完成"),
        (RectificationStatus.RETURNED, "已退回"),
        (RectificationStatus.VERIFIED, "已核实销号"),
    ]
)
