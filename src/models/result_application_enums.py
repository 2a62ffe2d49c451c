"""The codes of the evaluation-result application (评价结果应用, Art. 20) and their Chinese labels; the
tables are in result_application.py."""

from enum import StrEnum

from src.models.enums import add_labels


class ResultApplicationStatus(StrEnum):
    DRAFT = "DRAFT"  # the finance body writes it; read where it is written only
    RECORDED = "RECORDED"  # 已登记: finalized by finance; the regions above read it too


class ApplicationKind(StrEnum):
    """How an evaluation's result was used (Art. 20)."""

    POLICY = "POLICY"  # 作为完善社会保险基金管理相关政策的重要依据
    MANAGEMENT = "MANAGEMENT"  # 作为改进管理的重要依据
    FUND_ALLOCATION = "FUND_ALLOCATION"  # 逐步在资金安排中应用
    NEXT_YEAR_GOAL = "NEXT_YEAR_GOAL"  # the next year's performance goal changed (links the goal)
    NEXT_YEAR_BUDGET = "NEXT_YEAR_BUDGET"  # the next year's fund budget changed (links the budget)


class ResultApplicationEventKind(StrEnum):
    RESULT_APPLICATION_STATUS_CHANGED = "RESULT_APPLICATION_STATUS_CHANGED"  # created, recorded
    RESULT_APPLICATION_CHANGED = "RESULT_APPLICATION_CHANGED"  # its uses edited
    RESULT_APPLICATION_DELETED = "RESULT_APPLICATION_DELETED"  # a draft deleted (written before it goes)


add_labels(
    [
        (ResultApplicationStatus.DRAFT, "草稿"),
        (ResultApplicationStatus.RECORDED, "已登记"),
        (ApplicationKind.POLICY, "完善相关政策"),
        (ApplicationKind.MANAGEMENT, "改进管理"),
        (ApplicationKind.FUND_ALLOCATION, "资金安排"),
        (ApplicationKind.NEXT_YEAR_GOAL, "下一年度绩效目标"),
        (ApplicationKind.NEXT_YEAR_BUDGET, "下一年度预算"),
    ]
)
