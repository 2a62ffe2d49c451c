"""The rectification items (整改事项, Art. 20 「绩效评价中发现的问题要及时分类进行整改」): one per problem of
a region's fund in a budget year, sorted by Art. 20's kinds (rectification_enums.TREATMENT_OF), raised by a
finance body (财政厅 for any region, a region's finance for its own), owned by a body of the item's region
that rectifies it and reports it done with its evidence files, verified (closed) or returned by the finance
that raised it."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import Versioned
from src.models.rectification_enums import (
    TREATMENT_OF,
    RectificationCategory,
    RectificationEventKind,
    RectificationStatus,
    RectificationTreatment,
)
from src.models.types import FREE_TEXT_MAX_LENGTH, StrEnumType, UTCDateTime

__all__ = [
    "TREATMENT_OF",
    "RectificationCategory",
    "RectificationEventKind",
    "RectificationEvidence",
    "RectificationItem",
    "RectificationStatus",
    "RectificationTreatment",
]
SOURCE_TEXT_MAX_LENGTH = 200
FILE_NAME_MAX_LENGTH = 120


def _text() -> Any:
    return Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)


class RectificationItem(Versioned, table=True):
    """整改事项 of one problem (Art. 20)."""

    __tablename__ = "rectification_item"

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)  # the region it concerns
    fund_type_id: int = Field(foreign_key="fund_type.id")
    year: int = Field(index=True)  # the budget year the problem was found in
    category: RectificationCategory = Field(sa_type=StrEnumType(RectificationCategory))
    problem: str = _text()
    # Where it came from: a feedback's 四、整改要求, a self-evaluation, a provincial evaluation, or 来源 text.
    feedback_id: int | None = Field(
        default=None, foreign_key="evaluation_feedback.id", index=True, ondelete="SET NULL"
    )
    self_evaluation_id: int | None = Field(
        default=None, foreign_key="self_evaluation.id", ondelete="SET NULL"
    )
    provincial_evaluation_id: int | None = Field(
        default=None, foreign_key="provincial_evaluation.id", ondelete="SET NULL"
    )
    source_text: str = Field(default="", max_length=SOURCE_TEXT_MAX_LENGTH)
    owner_organization_id: int = Field(foreign_key="organization.id")  # who rectifies it
    raised_by_organization_id: int = Field(foreign_key="organization.id")  # the finance that verifies it
    raised_on: date  # China's day it was raised
    due_on: date  # raised_on + the region's RECTIFICATION_DAYS, editable within limits
    status: RectificationStatus = Field(
        default=RectificationStatus.OPEN, sa_type=StrEnumType(RectificationStatus)
    )
    measures: str = _text()  # 整改措施
    cause: str = _text()  # 原因分析 (required before reporting for the ANALYSE_AND_REMEDY kinds)
    progress: str = _text()  # 整改进展
    return_reason: str = _text()  # the last return's reason
    reported_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime())  # closed

    @property
    def treatment(self) -> RectificationTreatment:
        return TREATMENT_OF[self.category]


class RectificationEvidence(SQLModel, table=True):
    """One evidence file of an item (整改佐证材料), stored under `storage_key` (src/reports/storage.py)."""

    __tablename__ = "rectification_evidence"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="rectification_item.id", index=True, ondelete="CASCADE")
    storage_key: str = Field(max_length=200, unique=True)
    file_name: str = Field(max_length=FILE_NAME_MAX_LENGTH)  # as uploaded
    content_type: str = Field(max_length=100)  # by its magic bytes
    size: int
    sha256: str = Field(max_length=64)
    uploaded_by: int = Field(foreign_key="app_user.id")
    uploaded_at: datetime = Field(sa_type=UTCDateTime())
