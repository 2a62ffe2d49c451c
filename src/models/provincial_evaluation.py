"""The provincial evaluation (省级绩效评价, Art. 17, 18): one per fund × year at the province, led by 财政厅,
carried out by the provincial agency of the fund's administration with 省税务局 under the administration's
guidance; it rolls up the fund's self-evaluations (services/evaluation/provincial/aggregate.py) and carries
the report's narrative (FORMS §4A). What was sent stays what was sent: the aggregate is kept as JSON at
submission. And 财政厅's summary of a year's reports, reported upward by the end of July, with its number.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import Versioned, utcnow
from src.models.enums import PoolingLevel
from src.models.provincial_evaluation_enums import (
    ProvincialEvaluationDocumentKind,
    ProvincialEvaluationEventKind,
    ProvincialEvaluationStatus,
    ProvincialSummaryEventKind,
    ProvincialSummaryStatus,
)
from src.models.types import FREE_TEXT_MAX_LENGTH, StrEnumType, UTCDateTime

__all__ = [
    "NARRATIVE",
    "SUMMARY_NARRATIVE",
    "ProvincialEvaluation",
    "ProvincialEvaluationDocumentKind",
    "ProvincialEvaluationEventKind",
    "ProvincialEvaluationStatus",
    "ProvincialEvaluationSummary",
    "ProvincialEvaluationTransition",
    "ProvincialSummaryEventKind",
    "ProvincialSummaryStatus",
]

# The report's narrative in FORMS §4A's order (ProvincialReportData's fields of the same names).
NARRATIVE = ("overview", "work", "conclusion", "analysis", "problems", "suggestions", "other")
SUMMARY_NARRATIVE = ("overview", "problems", "next_steps")


def _text() -> Any:
    return Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)


class ProvincialEvaluation(Versioned, table=True):
    """省级分险种绩效评价 of one fund for one budget year (Art. 17, 18)."""

    __tablename__ = "provincial_evaluation"
    __table_args__ = (sa.UniqueConstraint("region_id", "fund_type_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)  # the province
    fund_type_id: int = Field(foreign_key="fund_type.id")
    year: int = Field(index=True)  # the budget year evaluated (sent by 10 July of the next)
    pooling_level: PoolingLevel = Field(
        sa_type=StrEnumType(PoolingLevel)
    )  # which regions owe a self-evaluation
    status: ProvincialEvaluationStatus = Field(
        default=ProvincialEvaluationStatus.DRAFT, sa_type=StrEnumType(ProvincialEvaluationStatus)
    )
    overview: str = _text()  # 一、基本情况
    work: str = _text()  # 二、绩效评价工作开展情况
    conclusion: str = _text()  # 三、综合评价情况及评价结论
    analysis: str = _text()  # 四、绩效评价指标分析
    problems: str = _text()  # 五、主要经验及做法、存在的问题及原因分析
    suggestions: str = _text()  # 六、有关建议
    other: str = _text()  # 七、其他需要说明的问题
    content_revision: int = 0
    tax_concurred_revision: int | None = None
    opener_organization_id: int = Field(foreign_key="organization.id")  # 财政厅 (牵头)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    late: bool = False  # sent after the PROVINCIAL_REPORT_DEADLINE (marked, not refused)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    return_reason: str | None = Field(default=None, sa_type=sa.Text)
    # The aggregate as sent (aggregate.py to_json); None while a draft reads the live one.
    snapshot: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)


class ProvincialEvaluationTransition(SQLModel, table=True):
    """One step of a provincial evaluation: who moved it, from where to where, when and why."""

    __tablename__ = "provincial_evaluation_transition"

    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="provincial_evaluation.id", index=True)
    action: str = Field(max_length=32)
    from_status: ProvincialEvaluationStatus | None = Field(
        default=None, sa_type=StrEnumType(ProvincialEvaluationStatus)
    )
    to_status: ProvincialEvaluationStatus = Field(sa_type=StrEnumType(ProvincialEvaluationStatus))
    reason: str | None = Field(default=None, sa_type=sa.Text)
    user_id: int = Field(foreign_key="app_user.id")
    organization_id: int = Field(foreign_key="organization.id")
    at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime(), sa_column_kwargs={"server_default": sa.func.now()}
    )


class ProvincialEvaluationSummary(Versioned, table=True):
    """财政厅's summary of a year's provincial evaluations, reported upward by the end of July (Art. 17):
    addressed to the national departments, copied to 人社厅, 省医保局 and 省税务局."""

    __tablename__ = "provincial_evaluation_summary"
    __table_args__ = (sa.UniqueConstraint("region_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)  # the province
    year: int = Field(index=True)  # the budget year evaluated
    status: ProvincialSummaryStatus = Field(
        default=ProvincialSummaryStatus.DRAFT, sa_type=StrEnumType(ProvincialSummaryStatus)
    )
    overview: str = _text()  # 总体情况
    problems: str = _text()  # 存在的问题
    next_steps: str = _text()  # 下一步工作
    organization_id: int = Field(foreign_key="organization.id")  # 财政厅, which compiles and sends it
    document_number: str | None = Field(default=None, max_length=48)  # drawn at sending
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    late: bool = False  # sent after the PROVINCIAL_SUMMARY_DEADLINE (marked, not refused)
