"""The evaluation-result feedback (评价结果反馈, Art. 19): 财政厅牵头组织人力资源社会保障厅、省医保局、
省税务局…提出有针对性的建议措施，并及时将评价结果反馈相关地区和经办机构. One per pooling region × fund ×
year, answering that region's self-evaluation, written by 财政厅 and sent as a joint letter with the fund's
administration (人社厅 or 省医保局) and 省税务局 (FORMS §4C). The self-evaluation's score and grade are
copied at sending (what the letter said stays what it said); the region's finance, administration and
agency each acknowledge it (one recipient row each).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import Versioned
from src.models.enums import ActorType
from src.models.evaluation import SCORE
from src.models.feedback_enums import FeedbackDocumentKind, FeedbackEventKind, FeedbackStatus
from src.models.types import FREE_TEXT_MAX_LENGTH, StrEnumType, UTCDateTime

__all__ = [
    "FEEDBACK_TEXTS",
    "EvaluationFeedback",
    "EvaluationFeedbackRecipient",
    "FeedbackDocumentKind",
    "FeedbackEventKind",
    "FeedbackStatus",
]

# The letter's parts in FORMS §4C's order (二 to 五; 一 is the score and grade).
FEEDBACK_TEXTS = ("achievements", "problems", "recommendations", "rectification", "application")


def _text() -> Any:
    return Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)


class EvaluationFeedback(Versioned, table=True):
    """评价结果反馈函 of one fund's self-evaluation in one pooling region (Art. 19)."""

    __tablename__ = "evaluation_feedback"
    __table_args__ = (sa.UniqueConstraint("region_id", "fund_type_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)  # the pooling region it is addressed to
    province_id: int = Field(foreign_key="region.id")  # where 财政厅 writes it
    fund_type_id: int = Field(foreign_key="fund_type.id")
    year: int = Field(index=True)  # the budget year evaluated
    # What it answers: it goes with it (as the self-evaluation's lines do).
    self_evaluation_id: int = Field(foreign_key="self_evaluation.id", unique=True, ondelete="CASCADE")
    status: FeedbackStatus = Field(default=FeedbackStatus.DRAFT, sa_type=StrEnumType(FeedbackStatus))
    achievements: str = _text()  # 二、主要成效
    problems: str = _text()  # 三、存在问题
    recommendations: str = _text()  # 建议措施 (Art. 19 「提出有针对性的建议措施」)
    rectification: str = _text()  # 四、整改要求
    application: str = _text()  # 五、结果应用
    organization_id: int = Field(foreign_key="organization.id")  # 财政厅 (牵头)
    # Copied from the self-evaluation at sending (一、评价结果).
    score: Decimal | None = Field(default=None, sa_type=SCORE)
    grade: str | None = Field(default=None, max_length=16)
    # The joint issuers besides 财政厅, resolved at sending: the administration's body, then 省税务局.
    co_issuer_ids: list[int] | None = Field(default=None, sa_type=sa.JSON)
    document_number: str | None = Field(default=None, max_length=48)  # drawn at sending
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    answer_by: date | None = None  # 整改 answered by: sending day + the region's FEEDBACK_ANSWER_DAYS
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime())  # the last of the three


class EvaluationFeedbackRecipient(SQLModel, table=True):
    """One body of the region a feedback is addressed to (主送); it sees the letter and acknowledges it."""

    __tablename__ = "evaluation_feedback_recipient"
    __table_args__ = (sa.UniqueConstraint("feedback_id", "organization_id"),)

    id: int | None = Field(default=None, primary_key=True)
    feedback_id: int = Field(foreign_key="evaluation_feedback.id", index=True, ondelete="CASCADE")
    organization_id: int = Field(foreign_key="organization.id")
    actor_type: ActorType = Field(sa_type=StrEnumType(ActorType))  # FINANCE, HRSS/MEDICAL_SECURITY, AGENCY
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    acknowledged_by: int | None = Field(default=None, foreign_key="app_user.id")
