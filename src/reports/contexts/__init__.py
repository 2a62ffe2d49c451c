"""One context builder per document kind: database state, read with the requester's visibility, as plain
data (display strings, lists and dicts) for the template."""

from collections.abc import Mapping
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.reports.contexts.goal_table import goal_table_context
from src.reports.kinds import KIND_LABELS, ReportKind
from src.services.actors import Actor

# Characters a file name may not hold on the common systems users save to.
_UNSAFE_IN_NAMES = str.maketrans({c: "_" for c in '\\/:*?"<>|'})


async def build_context(
    *, session: AsyncSession, actor: Actor, kind: ReportKind, goal_id: int
) -> dict[str, Any]:
    """The template context of `kind` for `goal_id`; NotFound when the actor may not read the goal."""
    match kind:
        case ReportKind.GOAL_TABLE:
            return await goal_table_context(session=session, actor=actor, goal_id=goal_id)


def file_stem(kind: ReportKind, context: Mapping[str, Any]) -> str:
    """The document's Chinese file name without extension (its title, else the kind's label)."""
    title = str(context.get("title") or KIND_LABELS[kind])
    return title.translate(_UNSAFE_IN_NAMES)[:120]
