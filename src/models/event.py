"""Events: the outbox of status changes (issue 10). Each row is written in the same transaction as the change
it announces, so a rolled-back change leaves none; a relay publishes rows after commit and marks them.

The id only grows: it orders events and is the data version (`dataVersion`). What decides who may see an
event is copied onto it when it is written (region path, the fund's administration, the goal's status, the
one user a job without a goal belongs to), so visibility needs no join per event and per subscriber.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import utcnow
from src.models.enums import Administration, GoalStatus
from src.models.types import StrEnumType, UTCDateTime


class EventKind(StrEnum):
    GOAL_STATUS_CHANGED = "GOAL_STATUS_CHANGED"  # a step of the chain (submit, review, issue, return, ...)
    GOAL_DECOMPOSED = "GOAL_DECOMPOSED"  # a region's goal drafted or reopened from a province-wide table
    GOAL_ADJUSTMENT_REQUESTED = "GOAL_ADJUSTMENT_REQUESTED"  # Art. 14: the next version opened to adjust
    GOAL_TAX_OPINION = "GOAL_TAX_OPINION"  # Art. 7: the tax bureau concurred or objected
    BUDGET_APPROVED = "BUDGET_APPROVED"
    REPORT_JOB_CHANGED = "REPORT_JOB_CHANGED"  # a document job started, progressed, succeeded or failed


EVENT_KIND_LABELS: dict[EventKind, str] = {
    EventKind.GOAL_STATUS_CHANGED: "绩效目标状态变更",
    EventKind.GOAL_DECOMPOSED: "绩效目标分解下达",
    EventKind.GOAL_ADJUSTMENT_REQUESTED: "绩效目标申请调整",
    EventKind.GOAL_TAX_OPINION: "税务部门会商意见",
    EventKind.BUDGET_APPROVED: "基金预算批复",
    EventKind.REPORT_JOB_CHANGED: "报告任务进度",
}


class SubjectType(StrEnum):
    GOAL = "Goal"
    FUND_BUDGET = "FundBudget"
    REPORT_JOB = "ReportJob"


class Event(SQLModel, table=True):
    __table_args__ = (
        # The relay's work list: what is not yet published, in id order.
        sa.Index(
            "ix_event_unpublished",
            "id",
            sqlite_where=sa.text("published_at IS NULL"),
            postgresql_where=sa.text("published_at IS NULL"),
        ),
        # Ids only grow, even past a deleted last row: an id is a data version and a catch-up cursor.
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: EventKind = Field(sa_type=StrEnumType(EventKind), index=True)
    subject_type: SubjectType = Field(sa_type=StrEnumType(SubjectType))
    subject_id: int
    region_id: int = Field(foreign_key="region.id", index=True)
    region_path: str = Field(max_length=255)
    fund_type_id: int | None = Field(default=None, foreign_key="fund_type.id")
    administration: Administration | None = Field(default=None, sa_type=StrEnumType(Administration))
    # For goals and their documents: the goal's status then (drafts are not seen from above).
    goal_status: GoalStatus | None = Field(default=None, sa_type=StrEnumType(GoalStatus))
    # A job whose goal is gone is its requester's alone.
    audience_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    actor_organization_id: int | None = Field(default=None, foreign_key="organization.id")
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
