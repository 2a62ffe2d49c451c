"""The 两书一函 escalation (Art. 22 「对工作推进不力的，要严格按照预算绩效管理跟踪问效“两书一函”制度
予以提醒督促、要求整改和工作约谈」): one case per prefecture and budget year, opened by 财政厅
(人社厅, 省医保局, 省税务局 joint issuers by their duties) with a reason, optionally from the
prefectures' assessment; up to three letters in order (1 提醒督促书, 2 整改通知书, 3 约谈函), each
numbered at sending, answered by the prefecture's finance, judged by the province; closed with a
resolution after a satisfactory answer.
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import Versioned
from src.models.escalation_enums import (
    LAST_LEVEL,
    LEVEL_KINDS,
    LEVEL_STEPS,
    LEVEL_TITLES,
    EscalationDocumentKind,
    EscalationEventKind,
    EscalationStatus,
)
from src.models.types import FREE_TEXT_MAX_LENGTH, StrEnumType, UTCDateTime

__all__ = [
    "LAST_LEVEL",
    "LEVEL_KINDS",
    "LEVEL_STEPS",
    "LEVEL_TITLES",
    "EscalationCase",
    "EscalationDocumentKind",
    "EscalationEventKind",
    "EscalationLetter",
    "EscalationStatus",
]


def _text() -> Any:
    return Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)


class EscalationCase(Versioned, table=True):
    """One prefecture's 两书一函 case of one budget year (Art. 22)."""

    __tablename__ = "escalation_case"
    __table_args__ = (sa.UniqueConstraint("region_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)  # the prefecture (市（州）) escalated
    province_id: int = Field(foreign_key="region.id")  # where 财政厅 opens it
    year: int = Field(index=True)  # the budget year whose performance management was weak
    # The prefectures' assessment that found it weak (Art. 22 考核): a published round's row of this
    # prefecture and year (cases.open_case checks it).
    assessment_id: int | None = Field(
        default=None, foreign_key="prefecture_assessment.id", index=True, ondelete="SET NULL"
    )
    reason: str = _text()  # why it is opened (工作推进不力的情形)
    status: EscalationStatus = Field(default=EscalationStatus.OPEN, sa_type=StrEnumType(EscalationStatus))
    level: int = 0  # the last letter sent: 0 none, 1 提醒督促, 2 要求整改, 3 工作约谈
    organization_id: int = Field(foreign_key="organization.id")  # 财政厅 (牵头)
    # The joint issuers besides 财政厅 (人社厅, 省医保局, 省税务局 as their duties concern),
    # chosen at opening.
    co_issuer_ids: list[int] | None = Field(default=None, sa_type=sa.JSON)
    opened_by: int | None = Field(default=None, foreign_key="app_user.id")
    resolution: str = _text()  # why it is closed (办结意见)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    closed_by: int | None = Field(default=None, foreign_key="app_user.id")


class EscalationLetter(SQLModel, table=True):
    """One of the case's letters (level 1 to 3), written and sent at once, answered by the prefecture."""

    __tablename__ = "escalation_letter"
    __table_args__ = (sa.UniqueConstraint("case_id", "level"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="escalation_case.id", index=True, ondelete="CASCADE")
    level: int  # 1 提醒督促书, 2 整改通知书, 3 约谈函
    reason: str = _text()  # 事由
    facts: str = _text()  # the facts found (存在问题)
    requirement: str = _text()  # what the prefecture must do (工作要求)
    # Level 2: {"issues": [{problem, requirement, deadline, responsible}]} (问题清单);
    # level 3: {"interview": {matter, time, place, interviewees, materials}} (FORMS §4C).
    content: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    document_number: str = Field(max_length=48)  # drawn at sending
    sent_at: datetime = Field(sa_type=UTCDateTime())
    sent_on: date  # the day of sending in China: the wait and the answer-by count from it
    sent_by: int | None = Field(default=None, foreign_key="app_user.id")
    answer_by: date  # sent_on + the ESCALATION_ANSWER_DAYS rule
    answer: str = _text()  # the prefecture's answer (整改落实情况)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    answered_by: int | None = Field(default=None, foreign_key="app_user.id")
    unresolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime())  # the province's judgment
    unresolved_note: str = _text()
