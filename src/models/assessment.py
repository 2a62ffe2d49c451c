"""The assessment of the prefectures' social insurance fund budget performance work (考核, Art. 22):
「财政厅、人力资源社会保障厅、省医保局、省税务局应按照部门职责开展对各市（州）…的考核，建立考核结果通报制度」.

One round per province and budget year, opened, computed and published by 财政厅 after 人社厅, 省医保局 and
省税务局 each concurred with the current computation (a recompute voids them); one row per prefecture, its
measurable facts (raw counts and 0–100 sub-scores), total, rank and outcome. Published, it is frozen and its
考核结果通报 numbered.
"""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field

from src.models.assessment_enums import (
    AssessmentDocumentKind,
    AssessmentEventKind,
    AssessmentOutcome,
    AssessmentStatus,
)
from src.models.base import Versioned
from src.models.evaluation import SCORE
from src.models.types import StrEnumType, UTCDateTime

__all__ = [
    "AssessmentDocumentKind",
    "AssessmentEventKind",
    "AssessmentOutcome",
    "AssessmentRound",
    "AssessmentStatus",
    "PrefectureAssessment",
]


class AssessmentRound(Versioned, table=True):
    """考核 of one budget year in a province (Art. 22)."""

    __tablename__ = "assessment_round"
    __table_args__ = (sa.UniqueConstraint("region_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)  # the province (concurrence.Concurred)
    year: int = Field(index=True)  # the budget year assessed
    status: AssessmentStatus = Field(default=AssessmentStatus.DRAFT, sa_type=StrEnumType(AssessmentStatus))
    organization_id: int = Field(foreign_key="organization.id")  # 财政厅
    # Each compute counts up; a body's concurrence names the computation it read (按照部门职责).
    content_revision: int = 0
    hrss_concurred_revision: int | None = None
    medical_security_concurred_revision: int | None = None
    tax_concurred_revision: int | None = None
    computed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    # The weights and bands the computation used (rule key → canonical text), printed in the notice.
    weights: dict[str, str] | None = Field(default=None, sa_type=sa.JSON)
    co_issuer_ids: list[int] | None = Field(default=None, sa_type=sa.JSON)  # 人社厅, 省医保局, 省税务局
    document_number: str | None = Field(default=None, max_length=48)  # drawn at publishing
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime())


class PrefectureAssessment(Versioned, table=True):
    """One prefecture's result in a round: its facts over itself and the regions below it for the year."""

    __tablename__ = "prefecture_assessment"
    __table_args__ = (sa.UniqueConstraint("round_id", "region_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="assessment_round.id", index=True, ondelete="CASCADE")
    region_id: int = Field(foreign_key="region.id", index=True)  # the prefecture
    year: int
    # Copied from the round at publishing: a prefecture reads its own row only once published.
    published: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # 按时完成: deadline rows of the year due (or done) by now, and those done by their date.
    deadlines_due: int = 0
    deadlines_on_time: int = 0
    deadlines_score: Decimal | None = Field(default=None, sa_type=SCORE)  # None: not applicable
    # 绩效自评: owed by the pooling regions, submitted, accepted, the accepted ones' average score.
    evaluations_owed: int = 0
    evaluations_submitted: int = 0
    evaluations_accepted: int = 0
    evaluations_average: Decimal | None = Field(default=None, sa_type=SCORE)
    evaluations_score: Decimal | None = Field(default=None, sa_type=SCORE)
    # 整改: rectification items due (or closed), closed, closed by their date.
    rectification_items: int = 0
    rectification_closed: int = 0
    rectification_on_time: int = 0
    rectification_score: Decimal | None = Field(default=None, sa_type=SCORE)
    # 预警处置: warnings whose answer was due (or given), answered in time.
    warnings_due: int = 0
    warnings_in_time: int = 0
    warnings_score: Decimal | None = Field(default=None, sa_type=SCORE)
    total: Decimal = Field(default=Decimal(0), sa_type=SCORE)
    rank: int = 0  # 1 = best; ties share a rank (1, 2, 2, 4)
    outcome: AssessmentOutcome = Field(
        default=AssessmentOutcome.NORMAL, sa_type=StrEnumType(AssessmentOutcome)
    )
