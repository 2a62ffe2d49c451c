"""In-year monitoring (Art. 11–14): actuals per indicator and month, budget execution per item and month, the
warnings the target comparison raises and their responses, the monitoring reports and the prefectures'
January compilations, and the overdue notices of deadlines.

Every monitoring row carries its pooling region and fund (the goal's) beside the region that entered it, so
that its visibility and roll-up are one indexed select, never a join through goals. Values are cumulative
from January to the period's month (「1-N月」, FORMS §3), as the national monitoring form reports them.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import Versioned, utcnow
from src.models.enums import BudgetItem, QualitativeGrade
from src.models.monitoring_enums import (
    ActualEventKind,
    CompilationEventKind,
    CompilationStatus,
    CompletionLikelihood,
    DeadlineEventKind,
    DeviationCause,
    ExecutionEventKind,
    Light,
    MonitoringDocumentKind,
    MonitoringReportEventKind,
    MonitoringReportStatus,
    WarningEventKind,
    WarningKind,
    WarningResponseKind,
    WarningStatus,
)
from src.models.types import FREE_TEXT_MAX_LENGTH, Money, ScaledDecimal, StrEnumType, UTCDateTime

# The codes (monitoring_enums.py) are re-exported: `from src.models.monitoring import Light` reads as before.
__all__ = [
    "ACTUAL_VALUE",
    "CELL_TEXT_MAX_LENGTH",
    "PERCENT",
    "ActualEventKind",
    "BudgetExecution",
    "CompilationEventKind",
    "CompilationStatus",
    "CompletionLikelihood",
    "DeadlineEventKind",
    "DeadlineNotice",
    "DeviationCause",
    "ExecutionEventKind",
    "IndicatorActual",
    "Light",
    "MonitoringCompilation",
    "MonitoringCompilationRecipient",
    "MonitoringDocumentKind",
    "MonitoringReport",
    "MonitoringReportEventKind",
    "MonitoringReportStatus",
    "MonitoringReportTransition",
    "MonitoringWarning",
    "WarningEventKind",
    "WarningKind",
    "WarningResponseKind",
    "WarningStatus",
]

# Actual values keep the precision of targets (Indicator.target_value).
ACTUAL_VALUE = ScaledDecimal(20, 4)
# A light's ratio or deviation in percent, two places ("57.14").
PERCENT = ScaledDecimal(12, 2)
# Short texts of an entry row (one cell of the monitoring form).
CELL_TEXT_MAX_LENGTH = 500


class IndicatorActual(Versioned, table=True):
    """One indicator's actual to the end of one month, entered by one region (Art. 13): the pooling region's
    agency, or for a fund pooled above it, a prefecture's or county's agency its own part (Art. 6)."""

    __tablename__ = "indicator_actual"
    __table_args__ = (
        sa.UniqueConstraint("indicator_lineage_id", "region_id", "month"),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="month_in_year"),
        sa.Index("ix_indicator_actual_scope", "pooling_region_id", "fund_type_id", "year", "month"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The goal in force when it was entered; the indicator by its lineage (an adjustment keeps the history).
    goal_id: int = Field(foreign_key="goal.id", index=True)
    goal_lineage_id: uuid.UUID = Field(sa_type=sa.Uuid(), index=True)
    indicator_lineage_id: uuid.UUID = Field(sa_type=sa.Uuid())
    pooling_region_id: int = Field(foreign_key="region.id")  # the goal's region
    region_id: int = Field(foreign_key="region.id", index=True)  # who entered: the pooling region or a part
    fund_type_id: int = Field(foreign_key="fund_type.id")
    year: int
    month: int  # 1-N月: the value is cumulative from January to this month
    value: Decimal | None = Field(default=None, sa_type=ACTUAL_VALUE)  # quantitative; a rate's own quotient
    numerator: Decimal | None = Field(default=None, sa_type=ACTUAL_VALUE)  # rates: summed when rolled up
    denominator: Decimal | None = Field(default=None, sa_type=ACTUAL_VALUE)
    grade: QualitativeGrade | None = Field(default=None, sa_type=StrEnumType(QualitativeGrade))  # qualitative
    forecast: str = Field(default="", max_length=CELL_TEXT_MAX_LENGTH)  # 全年预计完成情况
    cause_funding: str = Field(default="", max_length=CELL_TEXT_MAX_LENGTH)  # 偏差原因：经费保障
    cause_system: str = Field(default="", max_length=CELL_TEXT_MAX_LENGTH)  # 制度保障
    cause_staffing: str = Field(default="", max_length=CELL_TEXT_MAX_LENGTH)  # 人员保障
    cause_hardware: str = Field(default="", max_length=CELL_TEXT_MAX_LENGTH)  # 硬件条件保障
    cause_other: str = Field(default="", max_length=CELL_TEXT_MAX_LENGTH)  # 其他
    likelihood: CompletionLikelihood | None = Field(default=None, sa_type=StrEnumType(CompletionLikelihood))
    remark: str = Field(default="", max_length=CELL_TEXT_MAX_LENGTH)
    organization_id: int = Field(foreign_key="organization.id")
    user_id: int = Field(foreign_key="app_user.id")


class BudgetExecution(Versioned, table=True):
    """One budget line's execution to the end of one month (Art. 12: contributions collected, subsidy
    arrived, benefits paid, other expenditure; balances as at the month's end), entered like actuals."""

    __tablename__ = "budget_execution"
    __table_args__ = (
        sa.UniqueConstraint("budget_id", "item", "region_id", "month"),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="month_in_year"),
        sa.Index("ix_budget_execution_scope", "pooling_region_id", "fund_type_id", "year", "month"),
    )

    id: int | None = Field(default=None, primary_key=True)
    budget_id: int = Field(foreign_key="fund_budget.id", index=True)
    item: BudgetItem = Field(sa_type=StrEnumType(BudgetItem))
    pooling_region_id: int = Field(foreign_key="region.id")
    region_id: int = Field(foreign_key="region.id", index=True)
    fund_type_id: int = Field(foreign_key="fund_type.id")
    year: int
    month: int
    amount: Decimal = Field(sa_type=Money())
    organization_id: int = Field(foreign_key="organization.id")
    user_id: int = Field(foreign_key="app_user.id")


class MonitoringWarning(Versioned, table=True):
    """A warning the target comparison raised for one period (Art. 14), for the pooling region's bodies to
    answer: an indicator off its expected progress, or a budget line behind the time."""

    __tablename__ = "monitoring_warning"
    __table_args__ = (
        # One warning per thing watched and period: evaluating a period again never raises it twice.
        sa.UniqueConstraint("key"),
        sa.Index("ix_monitoring_warning_scope", "region_id", "fund_type_id", "year", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # "INDICATOR:<lineage>:<region id>:<year>-<month>" or
    # "EXECUTION:<item>:<region id>:<fund id>:<year>-<month>"
    # (a budget item is the fund's: two funds of one region lag apart).
    key: str = Field(max_length=120)
    kind: WarningKind = Field(sa_type=StrEnumType(WarningKind))
    region_id: int = Field(foreign_key="region.id", index=True)  # the pooling region (responsible bodies)
    fund_type_id: int = Field(foreign_key="fund_type.id")
    goal_id: int = Field(foreign_key="goal.id", index=True)
    indicator_lineage_id: uuid.UUID | None = Field(default=None, sa_type=sa.Uuid())
    budget_item: BudgetItem | None = Field(default=None, sa_type=StrEnumType(BudgetItem))
    year: int
    month: int
    light: Light = Field(sa_type=StrEnumType(Light))
    ratio: Decimal | None = Field(default=None, sa_type=PERCENT)  # completion ÷ expected progress, %
    deviation: Decimal | None = Field(default=None, sa_type=PERCENT)  # ratio − 100, %
    # Execution: 「执行偏差较大的应及时按规定进行调整」 (Art. 14): more than urging is due.
    large_deviation: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # Indicator: its goal red ADJUSTMENT_REVIEW_RED_PERIODS periods in a row, for assessment and adjustment.
    adjustment_review: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    status: WarningStatus = Field(default=WarningStatus.OPEN, sa_type=StrEnumType(WarningStatus))
    response: WarningResponseKind | None = Field(default=None, sa_type=StrEnumType(WarningResponseKind))
    response_note: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)
    urge_due_on: date | None = None
    adjustment_goal_id: int | None = Field(default=None, foreign_key="goal.id")
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    responder_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    responder_organization_id: int | None = Field(default=None, foreign_key="organization.id")


class MonitoringReport(Versioned, table=True):
    """运行监控情况报告 (Art. 13): drafted by the pooling region's agency with tax, accepted by finance and
    the supervising administration, for one fund and the period 1-N月."""

    __tablename__ = "monitoring_report"
    __table_args__ = (sa.UniqueConstraint("region_id", "fund_type_id", "year", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    fund_type_id: int = Field(foreign_key="fund_type.id")
    year: int = Field(index=True)
    month: int
    status: MonitoringReportStatus = Field(
        default=MonitoringReportStatus.DRAFT, sa_type=StrEnumType(MonitoringReportStatus)
    )
    progress: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)  # 执行进展
    problems: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)  # 存在问题
    measures: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)  # 改进措施
    content_revision: int = 0
    tax_concurred_revision: int | None = None
    drafter_organization_id: int = Field(foreign_key="organization.id")
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    finance_accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    administration_accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    return_reason: str | None = Field(default=None, sa_type=sa.Text)


class MonitoringReportTransition(SQLModel, table=True):
    """One step of a monitoring report: who moved it, from where to where, when and why."""

    __tablename__ = "monitoring_report_transition"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="monitoring_report.id", index=True)
    action: str = Field(max_length=32)
    from_status: MonitoringReportStatus = Field(sa_type=StrEnumType(MonitoringReportStatus))
    to_status: MonitoringReportStatus = Field(sa_type=StrEnumType(MonitoringReportStatus))
    reason: str | None = Field(default=None, sa_type=sa.Text)
    user_id: int = Field(foreign_key="app_user.id")
    organization_id: int = Field(foreign_key="organization.id")
    at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime(), sa_column_kwargs={"server_default": sa.func.now()}
    )


class MonitoringCompilation(Versioned, table=True):
    """A prefecture's compilation of its area's monitoring reports for the previous year (Art. 13), led by
    its finance and sent by the end of January to 财政厅、人社厅、省医保局、省税务局."""

    __tablename__ = "monitoring_compilation"
    __table_args__ = (sa.UniqueConstraint("region_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)  # the prefecture
    year: int = Field(index=True)  # the year monitored; sent in the next January
    status: CompilationStatus = Field(default=CompilationStatus.DRAFT, sa_type=StrEnumType(CompilationStatus))
    summary: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)  # 总体情况
    problems: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)
    measures: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)
    organization_id: int = Field(foreign_key="organization.id")  # the prefecture's finance
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    document_number: str | None = Field(default=None, max_length=48)


class MonitoringCompilationRecipient(SQLModel, table=True):
    """One body a compilation is addressed to; it sees the compilation and acknowledges it."""

    __tablename__ = "monitoring_compilation_recipient"
    __table_args__ = (sa.UniqueConstraint("compilation_id", "organization_id"),)

    id: int | None = Field(default=None, primary_key=True)
    compilation_id: int = Field(foreign_key="monitoring_compilation.id", index=True, ondelete="CASCADE")
    organization_id: int = Field(foreign_key="organization.id")
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime())


class DeadlineNotice(SQLModel, table=True):
    """That an item's deadline passed undone was announced (once: the periodic task inserts here first)."""

    __tablename__ = "deadline_notice"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=160, unique=True)  # "<what>:<region id>:<fund or ->:<year>[:<period>]"
    region_id: int = Field(foreign_key="region.id", index=True)
    fund_type_id: int | None = Field(default=None, foreign_key="fund_type.id")  # None: not about one fund
    organization_id: int | None = Field(default=None, foreign_key="organization.id")
    label: str = Field(
        default="", max_length=200, sa_column_kwargs={"server_default": ""}
    )  # what was due, as the deadlines query names it
    due_on: date
    noticed_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime(), sa_column_kwargs={"server_default": sa.func.now()}
    )
