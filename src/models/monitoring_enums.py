"""The codes of in-year monitoring (Art. 11–14) and their Chinese labels; the tables are in monitoring.py."""

from enum import StrEnum

from src.models.enums import add_labels


# What monitoring announces, one enum per subject (src/domains/monitoring.py registers them with labels).
class ActualEventKind(StrEnum):
    MONITORING_ACTUALS_RECORDED = "MONITORING_ACTUALS_RECORDED"  # indicator actuals entered or corrected


class ExecutionEventKind(StrEnum):
    MONITORING_EXECUTION_RECORDED = "MONITORING_EXECUTION_RECORDED"  # budget execution entered or corrected


class WarningEventKind(StrEnum):
    MONITORING_WARNING_RAISED = "MONITORING_WARNING_RAISED"  # Art. 14 提示警示
    MONITORING_WARNING_ANSWERED = "MONITORING_WARNING_ANSWERED"  # correction, urge, adjustment or close


class MonitoringReportEventKind(StrEnum):
    MONITORING_REPORT_STATUS_CHANGED = (
        "MONITORING_REPORT_STATUS_CHANGED"  # a step: submit, concur, accept, ...
    )
    MONITORING_REPORT_CHANGED = "MONITORING_REPORT_CHANGED"  # the draft's text edited


class CompilationEventKind(StrEnum):
    MONITORING_COMPILATION_CHANGED = "MONITORING_COMPILATION_CHANGED"  # drafted or edited
    MONITORING_COMPILATION_SENT = "MONITORING_COMPILATION_SENT"  # Art. 13, each January
    MONITORING_COMPILATION_ACKNOWLEDGED = "MONITORING_COMPILATION_ACKNOWLEDGED"  # a recipient acknowledged it


class DeadlineEventKind(StrEnum):
    DEADLINE_OVERDUE = "DEADLINE_OVERDUE"  # something due was not done by its date (announced once)


class MonitoringDocumentKind(StrEnum):
    MONITORING_TABLE = "MONITORING_TABLE"  # 绩效运行监控表 (FORMS §3): one goal × period as a table
    MONITORING_REPORT = "MONITORING_REPORT"  # 运行监控情况报告 (Art. 13)
    MONITORING_COMPILATION = "MONITORING_COMPILATION"  # 市（州）上年运行监控情况汇总报告 (Art. 13)
    # The entry sheet (XLSX) of a goal in force for the requester's region: pre-filled with what it entered
    # so far, or empty; uploaded back to /uploads/monitoring-entries.
    MONITORING_ENTRY_SHEET = "MONITORING_ENTRY_SHEET"
    MONITORING_ENTRY_FORM = "MONITORING_ENTRY_FORM"


class CompletionLikelihood(StrEnum):
    """完成目标可能性 (FORMS §3)."""

    CERTAIN = "CERTAIN"  # 确定能
    POSSIBLE = "POSSIBLE"  # 有可能
    IMPOSSIBLE = "IMPOSSIBLE"  # 完全不可能


class DeviationCause(StrEnum):
    """偏差原因分析 categories (FORMS §3)."""

    FUNDING = "FUNDING"  # 经费保障
    SYSTEM = "SYSTEM"  # 制度保障
    STAFFING = "STAFFING"  # 人员保障
    HARDWARE = "HARDWARE"  # 硬件条件保障
    OTHER = "OTHER"  # 其他


class Light(StrEnum):
    """The target comparison's verdict on one indicator or execution line (DOMAIN §10)."""

    GREEN = "GREEN"
    YELLOW = "YELLOW"
    RED = "RED"
    BLUE = "BLUE"  # over-run: ahead of the time's share by the rule's margin, also worth a look
    NONE = "NONE"  # nothing entered for the period


class WarningKind(StrEnum):
    INDICATOR = "INDICATOR"  # 绩效目标执行出现偏差 → 提示警示纠偏
    EXECUTION = "EXECUTION"  # 预算执行进度滞后 → 督促加快进度


class WarningStatus(StrEnum):
    OPEN = "OPEN"  # raised, no response yet
    RESPONSE_DRAFT = "RESPONSE_DRAFT"  # a response saved, not yet given: seen in its region and below only
    ANSWERED = "ANSWERED"  # a response given (correction, urge, adjustment)
    CLOSED = "CLOSED"  # closed with a reason, or resolved by a later period


class WarningResponseKind(StrEnum):
    CORRECTION = "CORRECTION"  # 纠偏：a correction note
    URGE = "URGE"  # 督促加快执行进度, with the date by which
    ADJUSTMENT = "ADJUSTMENT"  # 按程序调整: opens the goal's adjustment (Art. 14)
    CLOSE = "CLOSE"  # closed with a reason


class MonitoringReportStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    ACCEPTED = "ACCEPTED"  # finance and the supervising administration both accepted it
    RETURNED = "RETURNED"  # back to the agency with a reason


class CompilationStatus(StrEnum):
    DRAFT = "DRAFT"
    SENT = "SENT"  # sent to 财政厅、人社厅、省医保局、省税务局


add_labels(
    [
        (CompletionLikelihood.CERTAIN, "确定能"),
        (CompletionLikelihood.POSSIBLE, "有可能"),
        (CompletionLikelihood.IMPOSSIBLE, "完全不可能"),
        (DeviationCause.FUNDING, "经费保障"),
        (DeviationCause.SYSTEM, "制度保障"),
        (DeviationCause.STAFFING, "人员保障"),
        (DeviationCause.HARDWARE, "硬件条件保障"),
        (DeviationCause.OTHER, "其他"),
        (Light.GREEN, "绿灯"),
        (Light.YELLOW, "黄灯"),
        (Light.RED, "红灯"),
        (Light.BLUE, "蓝灯"),
        (Light.NONE, "未填报"),
        (WarningKind.INDICATOR, "绩效目标执行偏差"),
        (WarningKind.EXECUTION, "预算执行进度滞后"),
        (WarningStatus.OPEN, "待处置"),
        (WarningStatus.RESPONSE_DRAFT, "处置意见草稿"),
        (WarningStatus.ANSWERED, "已处置"),
        (WarningStatus.CLOSED, "已关闭"),
        (WarningResponseKind.CORRECTION, "提示警示纠偏"),
        (WarningResponseKind.URGE, "督促加快执行进度"),
        (WarningResponseKind.ADJUSTMENT, "按程序调整绩效目标"),
        (WarningResponseKind.CLOSE, "关闭"),
        (MonitoringReportStatus.DRAFT, "草稿"),
        (MonitoringReportStatus.SUBMITTED, "已报送"),
        (MonitoringReportStatus.ACCEPTED, "已审核通过"),
        (MonitoringReportStatus.RETURNED, "已退回"),
        (CompilationStatus.DRAFT, "草稿"),
        (CompilationStatus.SENT, "已报送"),
    ]
)
