"""The performance disclosure as a subject (Art. 21): the region's finance's 绩效信息公开 of a year, seen by
the region's bodies and the regions above (src/services/disclosure/scope.py), announcing its edits and steps
through the event bus. Its document, the 社会保险基金预算绩效信息公开, is rendered when it is published and
served on the public route (src/public/routes.py); it is numbered (财社) when published."""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.disclosure import Disclosure, DisclosureDocumentKind, DisclosureEventKind
from src.models.enums import ActorType
from src.reports.contexts.performance_disclosure import performance_disclosure_context
from src.services.actors import Actor
from src.services.disclosure import scope
from src.services.disclosure.document_data import disclosure_document_data, disclosure_versions
from src.subjects.documents import FINANCE_SOCIAL_SECURITY, DocumentSpec, NumberSpec
from src.subjects.registry import Registry, SubjectSpec

# Issued by the region's finance as a 财社 document when it is published.
NUMBER = NumberSpec(issuer=ActorType.FINANCE, family=FINANCE_SOCIAL_SECURITY)


async def _document(*, session: AsyncSession, actor: Actor, subject_id: int) -> dict[str, Any]:
    data = await disclosure_document_data(session=session, actor=actor, disclosure_id=subject_id)
    return performance_disclosure_context(data)


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name=scope.SUBJECT,
            model=Disclosure,
            label="绩效信息公开",
            scope=scope.disclosure_scope,
            clause=scope.visible_disclosures_clause,
            event_kinds=DisclosureEventKind,
            event_labels={
                DisclosureEventKind.DISCLOSURE_STATUS_CHANGED: "绩效信息公开状态变更",
                DisclosureEventKind.DISCLOSURE_CHANGED: "绩效信息公开内容修改",
            },
        )
    )
    registry.add_document(
        DocumentSpec(
            kind=DisclosureDocumentKind.PERFORMANCE_DISCLOSURE,
            label="社会保险基金预算绩效信息公开",
            subject=scope.SUBJECT,
            build_context=_document,
            versions=disclosure_versions,
            template="PERFORMANCE_DISCLOSURE.docx",
            number=NUMBER,
        )
    )
