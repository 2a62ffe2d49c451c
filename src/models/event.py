"""Events: the outbox of status changes (issue 10). Each row is written in the same transaction as the change
it announces, so a rolled-back change leaves none; a relay publishes rows after commit and marks them.

The id only grows: it orders events and is the data version (`dataVersion`). What decides who may see an
event is its subject's scope, copied onto it when it is written (region path, the administrations it is
addressed to, whether the subject is a draft or otherwise hidden from below, the one user it may be for,
whether it is public, how high it reaches, the subject whose assignees see it), so visibility needs no join
per event and per subscriber.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import utcnow
from src.models.types import UTCDateTime

# Kinds and subject types are the registry's (src/subjects/registry.py): each domain declares its own.
KIND_MAX_LENGTH = 64
SUBJECT_TYPE_MAX_LENGTH = 32


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
    kind: str = Field(max_length=KIND_MAX_LENGTH, index=True)
    subject_type: str = Field(max_length=SUBJECT_TYPE_MAX_LENGTH)
    subject_id: int
    # The subject's scope when the event was written (src/subjects/scope.py): who may see the event.
    region_id: int = Field(foreign_key="region.id", index=True)
    region_path: str = Field(max_length=255)
    fund_type_id: int | None = Field(default=None, foreign_key="fund_type.id")
    administrations: str = Field(default="", max_length=64)  # recipients: "|HRSS|MEDICAL_SECURITY|"
    draft: bool = False  # not seen from the regions below its own
    public: bool = False  # seen by everyone (a region's detailed rules)
    hidden_below: bool = False  # not seen from the regions below its own, though no draft (a batch)
    top_path: str | None = Field(default=None, max_length=255)  # the highest region it reaches (a batch)
    audience_user_id: int | None = Field(default=None, foreign_key="app_user.id")  # the one user it is for
    # The subject whose assignees see it (its scope's key: a document's event, its subject's; Art. 17
    # assignments); None for what is no one subject (a batch) or not assignable.
    scope_subject_type: str | None = Field(default=None, max_length=SUBJECT_TYPE_MAX_LENGTH)
    scope_subject_id: int | None = None
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    actor_organization_id: int | None = Field(default=None, foreign_key="organization.id")
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
