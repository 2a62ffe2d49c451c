"""Webhooks (issue 10): events POSTed to a URL an administrator registered, for systems that cannot hold a
socket. The hook sees what its user may read (a fresh look at that user before every batch) and what its
filter lets through; every attempt is kept as a WebhookDelivery.

The cursor (last_event_id) says which events were handled: delivered, or given up on after the last attempt.
Only one process delivers a hook at a time: it holds the lease (lease_until in the future) while it does.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import Versioned, utcnow
from src.models.types import UTCDateTime

WEBHOOK_NAME_MAX_LENGTH = 100
WEBHOOK_URL_MAX_LENGTH = 2000
WEBHOOK_SECRET_MIN_LENGTH = 16
WEBHOOK_SECRET_MAX_LENGTH = 200
DELIVERY_ERROR_MAX_LENGTH = 1000


class WebhookEventKind(StrEnum):
    """What a webhook announces, to administrators (src/domains/webhooks.py registers it with its label)."""

    WEBHOOK_CHANGED = "WEBHOOK_CHANGED"  # created, changed or deleted (payload: the operation, the fields)


class Webhook(Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=WEBHOOK_NAME_MAX_LENGTH)
    url: str = Field(max_length=WEBHOOK_URL_MAX_LENGTH)
    secret: str = Field(max_length=WEBHOOK_SECRET_MAX_LENGTH)  # signs deliveries; never shown again
    # Whose visibility the hook has (typically a service account); an inactive user's hook gets nothing.
    user_id: int = Field(foreign_key="app_user.id", index=True)
    # The filter: kinds (EventKind values; empty: every kind), a region with or without those below, a fund.
    kinds: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    region_id: int | None = Field(default=None, foreign_key="region.id")
    include_descendants: bool = True
    fund_type_id: int | None = Field(default=None, foreign_key="fund_type.id")
    enabled: bool = True
    # Events up to this id were handled (delivered or given up on); a new hook starts at the latest event.
    last_event_id: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})
    # Events given up on in a row (after the last attempt); a delivered event resets it.
    consecutive_failures: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})
    disabled_reason: str | None = Field(default=None, sa_type=sa.Text)  # why the dispatcher disabled it
    # The next attempt at the event after the cursor, after a failed one (exponential backoff).
    retry_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    # A process delivers the hook until then (taken only when past: one process at a time).
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime())
    created_by_id: int = Field(foreign_key="app_user.id")


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    __table_args__ = (sa.Index("ix_webhook_delivery_webhook_event", "webhook_id", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhook.id", ondelete="CASCADE")
    event_id: int = Field(foreign_key="event.id", index=True)
    attempt: int  # 1 for the first POST of this event to this hook
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    status_code: int | None = None  # None: no answer (timeout, connection refused, ...)
    error: str | None = Field(default=None, max_length=DELIVERY_ERROR_MAX_LENGTH)
    duration_ms: int
    succeeded: bool
