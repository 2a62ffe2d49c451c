"""What the 绩效信息公开 document is made of, read for an actor who may read the disclosure: the public
content (the snapshot once approved; while a draft, what approving would copy now), the finance body that
publishes it and its date (published, else approved, else none). The context
(src/reports/contexts/performance_disclosure.py) turns it into the document's keys."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Disclosure, Organization
from src.models.base import utcnow
from src.models.disclosure import DisclosureStatus
from src.services.actors import Actor
from src.services.deadlines.items import china_date
from src.services.disclosure.disclosures import visible_disclosure
from src.services.disclosure.snapshot import public_content


@dataclass(frozen=True)
class DisclosureDocumentData:
    content: dict[str, Any]  # snapshot.py's shape
    issuer: str  # the region's finance body
    fixed: bool  # approved or later: the content is the snapshot
    on: date | None  # published, else approved
    number: str = ""  # 发文字号, once published


async def document_data_of(session: AsyncSession, row: Disclosure) -> DisclosureDocumentData:
    organization = await session.get(Organization, row.organization_id)
    issuer = organization.name if organization is not None else ""
    fixed = row.status != DisclosureStatus.DRAFT and row.snapshot is not None
    content = row.snapshot if fixed and row.snapshot is not None else await public_content(session, row)
    moment = row.published_at or row.approved_at
    return DisclosureDocumentData(
        content=content,
        issuer=issuer,
        fixed=fixed,
        on=china_date(moment) if moment else None,
        number=row.document_number or "",
    )


async def disclosure_document_data(
    *, session: AsyncSession, actor: Actor, disclosure_id: int
) -> DisclosureDocumentData:
    row = await visible_disclosure(session=session, actor=actor, disclosure_id=disclosure_id)
    return await document_data_of(session, row)


async def disclosure_versions(session: AsyncSession, rows: Sequence[Disclosure]) -> dict[int, list[Any]]:
    """A draft's document also reads the goals and results chosen: its fingerprint is its version and the
    moment it is asked (a draft's document is made anew each time); an approved one's is its own version."""
    return {
        r.id or 0: [r.id, r.row_version, r.status.value]
        + ([] if r.status != DisclosureStatus.DRAFT else [utcnow().isoformat()])
        for r in rows
    }
