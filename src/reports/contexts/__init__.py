"""One context builder per document kind, registered with the kind (src/domains/): database state, read
with the requester's visibility, as plain data (display strings, lists and dicts) for the template."""

from collections.abc import Mapping
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.reports.kinds import kind_label
from src.services.actors import Actor
from src.subjects.registry import registry

# Characters a file name may not hold on the common systems users save to.
_UNSAFE_IN_NAMES = str.maketrans({c: "_" for c in '\\/:*?"<>|'})


async def build_context(*, session: AsyncSession, actor: Actor, kind: str, subject_id: int) -> dict[str, Any]:
    """The template context of `kind` for its subject `subject_id`; NotFound when the actor may not read
    the subject."""
    spec = registry().documents[str(kind)]
    context: dict[str, Any] = await spec.build_context(session=session, actor=actor, subject_id=subject_id)
    return context


def file_stem(kind: str, context: Mapping[str, Any]) -> str:
    """The document's Chinese file name without extension (its title, else the kind's label)."""
    title = str(context.get("title") or kind_label(kind))
    return title.translate(_UNSAFE_IN_NAMES)[:120]
