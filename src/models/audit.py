"""The audit trail: one row per successful mutation, written in the same transaction; never changed."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import utcnow
from src.models.types import UTCDateTime


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_target", "target_type", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    operation: str = Field(max_length=64, index=True)  # the mutation, e.g. goalSubmit
    target_type: str = Field(max_length=32)
    target_id: int | None = None
    # {"field": {"before": ..., "after": ...}} for the fields the operation changed.
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
