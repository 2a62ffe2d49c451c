"""The 两书一函 escalation as a subject (Art. 22): a prefecture's case, seen where
src/services/escalation/scope.py says (the province until its first letter, then the prefecture too),
announcing its steps through the event bus; its letters' answer-by dates (src/services/escalation/
deadlines.py) are listed by the `deadlines` query. Its three documents, 提醒督促书, 整改通知书 and 约谈函, are
numbered when each is sent (escalation.numbers)."""

from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.escalation import LEVEL_KINDS, EscalationCase, EscalationDocumentKind, EscalationEventKind
from src.reports.contexts.escalation_letter import escalation_letter_context
from src.services.actors import Actor
from src.services.escalation import deadlines, numbers, scope
from src.services.escalation.letter_data import escalation_letter_data
from src.services.escalation.versions import case_versions
from src.subjects.documents import DocumentSpec
from src.subjects.registry import Registry, SubjectSpec


def _letter(kind: EscalationDocumentKind) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def build(*, session: AsyncSession, actor: Actor, subject_id: int) -> dict[str, Any]:
        data = await escalation_letter_data(session=session, actor=actor, case_id=subject_id, kind=kind)
        return escalation_letter_context(data)

    return build


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name=scope.SUBJECT,
            model=EscalationCase,
            label="“两书一函”督办事项",
            scope=scope.case_scope,
            clause=scope.visible_cases_clause,
            event_kinds=EscalationEventKind,
            event_labels={EscalationEventKind.ESCALATION_STATUS_CHANGED: "“两书一函”督办状态变更"},
        )
    )
    registry.add_deadlines(deadlines.SOURCE)
    for kind in LEVEL_KINDS.values():
        registry.add_document(
            DocumentSpec(
                kind=kind,  # the kind its number is drawn under when its letter is sent
                label=numbers.LABELS[kind],
                subject=scope.SUBJECT,
                build_context=_letter(kind),
                versions=case_versions,
                template=f"{kind.value}.docx",
                number=numbers.NUMBERS[kind],
            )
        )
