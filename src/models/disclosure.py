"""The performance disclosure (绩效信息公开, Art. 21 「逐步推动社会保险基金预算重要绩效目标、绩效评价结果等
绩效信息向同级人大报送并向社会公开」): one per region × year, kept by that region's finance (the level of its
人大). Its items name the goals and evaluation results chosen, each with a short public note. At approval
the public content is copied into `snapshot` (what is reported and published is what was approved; later
edits of a goal never reach it); the public API reads the snapshot of published disclosures only.
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import Versioned
from src.models.disclosure_enums import (
    DisclosureDocumentKind,
    DisclosureEventKind,
    DisclosureItemKind,
    DisclosureStatus,
)
from src.models.types import StrEnumType, UTCDateTime

__all__ = [
    "NOTE_MAX_LENGTH",
    "PREFACE_MAX_LENGTH",
    "Disclosure",
    "DisclosureDocumentKind",
    "DisclosureEventKind",
    "DisclosureItem",
    "DisclosureItemKind",
    "DisclosureStatus",
]

NOTE_MAX_LENGTH = 500  # a short public note (说明) on one item
PREFACE_MAX_LENGTH = 2000  # the disclosure's own public introduction


class Disclosure(Versioned, table=True):
    """绩效信息公开 of one region and budget year (Art. 21)."""

    __tablename__ = "disclosure"
    __table_args__ = (sa.UniqueConstraint("region_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    year: int = Field(index=True)
    status: DisclosureStatus = Field(default=DisclosureStatus.DRAFT, sa_type=StrEnumType(DisclosureStatus))
    organization_id: int = Field(foreign_key="organization.id")  # the region's finance
    preface: str = Field(default="", max_length=PREFACE_MAX_LENGTH)  # 说明, printed before 一、
    last_edited_by: int = Field(foreign_key="app_user.id")  # four eyes: the approver is another user
    approved_by: int | None = Field(default=None, foreign_key="app_user.id")
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    reported_on: date | None = None  # 报送同级人大 (the date given by the finance)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    document_number: str | None = Field(default=None, max_length=48)  # drawn at publishing (财社)
    # The public content as approved (snapshot.py); None while a draft.
    snapshot: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    # The rendered 绩效信息公开 document the public route serves (a report job), requested at publishing.
    document_job_id: int | None = None  # no foreign key: jobs are swept, the disclosure stays


class DisclosureItem(SQLModel, table=True):
    """One goal or evaluation result chosen for a disclosure, with its public note."""

    __tablename__ = "disclosure_item"
    __table_args__ = (sa.UniqueConstraint("disclosure_id", "kind", "record_id"),)

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True, ondelete="CASCADE")
    kind: DisclosureItemKind = Field(sa_type=StrEnumType(DisclosureItemKind))
    record_id: int  # the goal, self-evaluation or provincial evaluation (by kind)
    note: str = Field(default="", max_length=NOTE_MAX_LENGTH)
    sort_order: int = 0
