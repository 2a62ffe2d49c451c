"""Self-evaluation (统筹地区自评, Art. 15–18): one per pooling region × fund × year, on the annual goal in
force on 31 December, its form (FORMS §2B adapted to a fund, §2C): the budget execution block, every
indicator with target, actual, weight, score and the reason for a shortfall, and the narrative (评价结论,
存在问题, 改进措施). Who carries it out and who receives it follows the fund's pooling level (Art. 17),
kept on the row as it was when opened.
"""

import uuid
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import Versioned, utcnow
from src.models.enums import Comparator, IndicatorCategory, IndicatorKind, PoolingLevel, QualitativeGrade
from src.models.evaluation_enums import (
    GRADE_LABELS,
    SelfEvaluationDocumentKind,
    SelfEvaluationEventKind,
    SelfEvaluationStatus,
)
from src.models.goal import TARGET_VALUE, WEIGHT
from src.models.types import FREE_TEXT_MAX_LENGTH, Money, ScaledDecimal, StrEnumType, UTCDateTime

__all__ = [
    "GRADE_LABELS",
    "SCORE",
    "SelfEvaluation",
    "SelfEvaluationDocumentKind",
    "SelfEvaluationEventKind",
    "SelfEvaluationLine",
    "SelfEvaluationStatus",
    "SelfEvaluationTransition",
]

# Scores keep two places (得分 of the form); actuals the precision of targets.
SCORE = ScaledDecimal(8, 2)
PERCENT = ScaledDecimal(12, 2)


class SelfEvaluation(Versioned, table=True):
    """绩效自评 of one fund in one pooling region for one year (Art. 17, 18)."""

    __tablename__ = "self_evaluation"
    __table_args__ = (sa.UniqueConstraint("region_id", "fund_type_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)  # the pooling region
    fund_type_id: int = Field(foreign_key="fund_type.id")
    year: int = Field(index=True)  # the budget year evaluated (due by the end of May of the next)
    goal_id: int = Field(foreign_key="goal.id", index=True)  # the version in force on 31 December
    pooling_level: PoolingLevel = Field(sa_type=StrEnumType(PoolingLevel))  # the routing (Art. 17)
    status: SelfEvaluationStatus = Field(
        default=SelfEvaluationStatus.DRAFT, sa_type=StrEnumType(SelfEvaluationStatus)
    )
    conclusion: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)  # 评价结论
    problems: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)  # 存在问题
    measures: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)  # 改进措施
    # 预算执行情况 (基金支出): 年初预算, 调整后预算数, 全年执行数; prefilled from the budget and monitoring,
    # editable with a reason; 原因 where the rate is below the rule's threshold.
    initial_budget: Decimal | None = Field(default=None, sa_type=Money())
    adjusted_budget: Decimal | None = Field(default=None, sa_type=Money())
    executed: Decimal | None = Field(default=None, sa_type=Money())
    prefilled_initial_budget: Decimal | None = Field(default=None, sa_type=Money())
    prefilled_adjusted_budget: Decimal | None = Field(default=None, sa_type=Money())
    prefilled_executed: Decimal | None = Field(default=None, sa_type=Money())
    budget_edit_reason: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)
    execution_reason: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)
    execution_rate: Decimal | None = Field(default=None, sa_type=PERCENT)
    execution_score: Decimal | None = Field(default=None, sa_type=SCORE)
    total_score: Decimal | None = Field(default=None, sa_type=SCORE)
    grade: str | None = Field(default=None, max_length=16)  # scoring.Grade; GRADE_LABELS
    content_revision: int = 0
    tax_concurred_revision: int | None = None
    opener_organization_id: int = Field(foreign_key="organization.id")  # the pooling region's finance
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    late: bool = False  # submitted after the SELF_EVALUATION_DEADLINE (marked, not refused)
    finance_accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    administration_accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    return_reason: str | None = Field(default=None, sa_type=sa.Text)


class SelfEvaluationLine(Versioned, table=True):
    """One indicator of the goal (by lineage) on the self-evaluation form: its target and weight as the goal
    set them, the actual prefilled from monitoring (an edit needs a reason), the score, and for one not met
    or deviating, the analysed cause and the improvement measures (Art. 18)."""

    __tablename__ = "self_evaluation_line"
    __table_args__ = (sa.UniqueConstraint("evaluation_id", "indicator_lineage_id"),)

    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="self_evaluation.id", index=True, ondelete="CASCADE")
    indicator_id: int = Field(foreign_key="indicator.id")
    indicator_lineage_id: uuid.UUID = Field(sa_type=sa.Uuid())
    sort_order: int = 0
    level1: IndicatorCategory = Field(sa_type=StrEnumType(IndicatorCategory))
    level2: str = Field(max_length=64)
    level3: str = Field(max_length=128)
    kind: IndicatorKind = Field(sa_type=StrEnumType(IndicatorKind))
    comparator: Comparator = Field(sa_type=StrEnumType(Comparator))
    unit: str = Field(default="", max_length=16)
    weight: Decimal = Field(sa_type=WEIGHT)
    target_value: Decimal | None = Field(default=None, sa_type=TARGET_VALUE)
    target_grade: QualitativeGrade | None = Field(default=None, sa_type=StrEnumType(QualitativeGrade))
    actual_value: Decimal | None = Field(default=None, sa_type=TARGET_VALUE)
    actual_grade: QualitativeGrade | None = Field(default=None, sa_type=StrEnumType(QualitativeGrade))
    prefilled_value: Decimal | None = Field(default=None, sa_type=TARGET_VALUE)
    prefilled_grade: QualitativeGrade | None = Field(default=None, sa_type=StrEnumType(QualitativeGrade))
    actual_reason: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)
    chosen_score: Decimal | None = Field(default=None, sa_type=SCORE)  # qualitative: within its band
    score: Decimal = Field(default=Decimal(0), sa_type=SCORE)
    met: bool = False
    deviates: bool = False
    cause: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)  # 原因分析
    measures: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)  # 改进措施


class SelfEvaluationTransition(SQLModel, table=True):
    """One step of a self-evaluation: who moved it, from where to where, when and why."""

    __tablename__ = "self_evaluation_transition"

    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="self_evaluation.id", index=True)
    action: str = Field(max_length=32)
    from_status: SelfEvaluationStatus | None = Field(default=None, sa_type=StrEnumType(SelfEvaluationStatus))
    to_status: SelfEvaluationStatus = Field(sa_type=StrEnumType(SelfEvaluationStatus))
    reason: str | None = Field(default=None, sa_type=sa.Text)
    user_id: int = Field(foreign_key="app_user.id")
    organization_id: int = Field(foreign_key="organization.id")
    at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime(), sa_column_kwargs={"server_default": sa.func.now()}
    )
