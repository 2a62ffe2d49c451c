"""event.public: an event of a record everyone may read (a region's detailed rules, Art. 23)

Every write is now an event (issue 17), regional rules included; they are read by every user, so their
events are too. Existing events are of records that are not public.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNPUBLISHED = "published_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("event", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    # SQLite's batch mode copies the table to drop a column; its partial index would not come back with
    # its WHERE.
    op.drop_index("ix_event_unpublished", table_name="event")
    with op.batch_alter_table("event", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column("public")
    op.create_index(
        "ix_event_unpublished",
        "event",
        ["id"],
        sqlite_where=sa.text(UNPUBLISHED),
        postgresql_where=sa.text(UNPUBLISHED),
    )
