"""Fields shared by mutable records."""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Timestamped(SQLModel):
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class Versioned(Timestamped):
    # Optimistic concurrency: an update names the row_version it read; a stale one is a conflict.
    row_version: int = Field(default=1)
