"""The letters' numbers (发文字号): the two 书 are 财政厅's 财社 documents (川财社〔2026〕N号), the 约谈函 a
函 (川财社函〔2026〕N号); each letter of a case is its own act, so the two 书 of one case get two numbers."""

from typing import Any

from src.models.enums import ActorType
from src.models.escalation import LEVEL_KINDS, LEVEL_TITLES, EscalationDocumentKind
from src.subjects.documents import FINANCE_SOCIAL_SECURITY, DocumentSpec, NumberSpec
from src.subjects.registry import registry

SUBJECT = "EscalationCase"
LETTER_FAMILY = f"{FINANCE_SOCIAL_SECURITY}函"
NUMBERS = {
    EscalationDocumentKind.ESCALATION_REMINDER: NumberSpec(ActorType.FINANCE, FINANCE_SOCIAL_SECURITY),
    EscalationDocumentKind.ESCALATION_RECTIFICATION_NOTICE: NumberSpec(
        ActorType.FINANCE, FINANCE_SOCIAL_SECURITY
    ),
    EscalationDocumentKind.ESCALATION_INTERVIEW_LETTER: NumberSpec(ActorType.FINANCE, LETTER_FAMILY),
}
LABELS = {kind: LEVEL_TITLES[level] for level, kind in LEVEL_KINDS.items()}


async def _no_document(**_: Any) -> dict[str, Any]:
    raise NotImplementedError("the letter's document kind is registered with its template")


async def _no_versions(*_: Any) -> dict[int, list[Any]]:
    raise NotImplementedError("the letter's document kind is registered with its template")


def number_spec(kind: EscalationDocumentKind) -> DocumentSpec:
    """The kind as numbering reads it: the registered one once its template is, else the same kind,
    subject and number without a template (the number drawn is the document's either way)."""
    registered: DocumentSpec | None = registry().documents.get(kind)
    if registered is not None:
        return registered
    return DocumentSpec(
        kind=kind, label=LABELS[kind], subject=SUBJECT, build_context=_no_document, versions=_no_versions,
        number=NUMBERS[kind],
    )  # fmt: skip
