"""indicator lineage: one id for an indicator across the versions of its goal (Art. 14)

Every indicator gets lineage_id (a UUID, as goals have), not null, indexed, unique per goal. Rows made before
carried no link to the indicator they were copied from, so the carry-over uses the best evidence there is:

- Indicators of goals of the same goal lineage (the versions of one goal) with the same level-1 category,
  level-2 name and level-3 name are copies of one another and share one new lineage id. This holds for a
  pooling region's inherited indicators too: they keep one lineage across the region goal's versions (the
  province's lineage they follow is that of the indicator inherited_from_id names, unchanged here).
- Where one version holds two indicators with the same three names, nothing tells which of them an earlier
  or later one was copied from: every indicator of that group gets a lineage of its own.
- Every other indicator (renamed or re-categorised in a later version, or only in one version) gets a new
  lineage of its own.

An indicator deleted in one version and added again under the same names in a later one is taken for the
same indicator: the names are all the evidence there is.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 09:00:00.000000
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lineage_id", sa.Uuid(), nullable=True))
    _backfill_lineage()
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.alter_column("lineage_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.create_index(batch_op.f("ix_indicator_lineage_id"), ["lineage_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_indicator_goal_id_lineage_id"), ["goal_id", "lineage_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_indicator_goal_id_lineage_id"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_indicator_lineage_id"))
        batch_op.drop_column("lineage_id")


def _backfill_lineage() -> None:
    """The rule of the module's docstring: (goal lineage, level 1, level 2, level 3) names one indicator
    lineage, unless a version holds that name twice."""
    conn = op.get_bind()
    goal = sa.table("goal", sa.column("id", sa.Integer()), sa.column("lineage_id", sa.Uuid()))
    indicator = sa.table(
        "indicator",
        sa.column("id", sa.Integer()),
        sa.column("goal_id", sa.Integer()),
        sa.column("level1", sa.String()),
        sa.column("level2", sa.String()),
        sa.column("level3", sa.String()),
        sa.column("lineage_id", sa.Uuid()),
    )
    rows = conn.execute(
        sa.select(
            indicator.c.id,
            indicator.c.goal_id,
            goal.c.lineage_id,
            indicator.c.level1,
            indicator.c.level2,
            indicator.c.level3,
        ).join(goal, goal.c.id == indicator.c.goal_id)
    ).all()
    groups: dict[tuple[object, ...], list[tuple[int, int]]] = defaultdict(list)
    for indicator_id, goal_id, goal_lineage, level1, level2, level3 in rows:
        groups[(goal_lineage, level1, level2, level3)].append((indicator_id, goal_id))
    updates: list[dict[str, object]] = []
    for members in groups.values():
        goal_ids = [goal_id for _, goal_id in members]
        shared = uuid.uuid4() if len(set(goal_ids)) == len(goal_ids) else None
        updates += [{"indicator_id": i, "lineage": shared or uuid.uuid4()} for i, _ in members]
    if updates:
        conn.execute(
            indicator.update()
            .where(indicator.c.id == sa.bindparam("indicator_id"))
            .values(lineage_id=sa.bindparam("lineage")),
            updates,
        )
