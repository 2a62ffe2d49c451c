"""Assignments (Art. 17 「绩效评价工作可委托中介机构、高等院校、专家等第三方具体实施」): finance entrusts one
record of an assignable subject (a self-evaluation) to a third-party organization for a period. Its users
then read that record and take the actions its subject lets assignees take, while the assignment is
active: from `starts_at` until `ends_at` (exclusive), unless ended early (`ended_at`, with the reason).

The period is given as China calendar dates, both inclusive (src/services/assignments/period.py); it is
stored as the UTC instants that bound it (00:00 Beijing time of the first day, and of the day after the
last), so whether it is active is one comparison with `now`.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field

from src.models.base import Timestamped
from src.models.event import SUBJECT_TYPE_MAX_LENGTH
from src.models.types import UTCDateTime

ASSIGNMENT_NOTE_MAX_LENGTH = 500
END_REASON_MAX_LENGTH = 500


class Assignment(Timestamped, table=True):
    __tablename__ = "assignment"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="period"),
        # The actor's load: the active assignments of an organization.
        sa.Index("ix_assignment_organization_period", "organization_id", "starts_at", "ends_at"),
        sa.Index("ix_assignment_subject", "subject_type", "subject_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject_type: str = Field(max_length=SUBJECT_TYPE_MAX_LENGTH)  # a registered subject's name
    subject_id: int
    organization_id: int = Field(foreign_key="organization.id")  # the assignee: a THIRD_PARTY organization
    starts_at: datetime = Field(sa_type=UTCDateTime())
    ends_at: datetime = Field(sa_type=UTCDateTime())  # exclusive
    note: str = Field(default="", max_length=ASSIGNMENT_NOTE_MAX_LENGTH)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime())  # ended early
    end_reason: str | None = Field(default=None, max_length=END_REASON_MAX_LENGTH)
    ended_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_by_id: int = Field(foreign_key="app_user.id")


class AssignmentEventKind(StrEnum):
    """What an assignment announces (src/domains/assignments.py registers it with its label)."""

    ASSIGNMENT_CHANGED = "ASSIGNMENT_CHANGED"  # created or ended (payload: the operation, the record)
