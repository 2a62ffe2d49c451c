"""Fields shared by mutable records."""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.types import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


# Server defaults too, so bulk inserts that bypass the ORM still get them.
class Timestamped(SQLModel):
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_type=UTCDateTime(),
        sa_column_kwargs={"server_default": sa.func.now()},
    )
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_type=UTCDateTime(),
        sa_column_kwargs={"server_default": sa.func.now()},
    )


class Versioned(Timestamped):
    # Optimistic concurrency: an update names the row_version it read; a stale one is a conflict.
    row_version: int = Field(default=1, sa_column_kwargs={"server_default": sa.text("1")})
