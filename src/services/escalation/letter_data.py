"""What one letter of a case is made of (FORMS §4C), read for an actor who may read the case: the issuers
(财政厅 first, then the joint issuers chosen at opening), the prefecture's bodies it is addressed to (its
finance and the counterparts of the joint issuers), the letter's own texts and content, its number, sending
day and answer-by date. The context (src/reports/contexts/escalation_letter.py) turns it into the
document's keys."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import EscalationLetter, Organization, Region
from src.models.enums import ActorType
from src.models.escalation import LEVEL_KINDS, LEVEL_TITLES, EscalationDocumentKind
from src.services.actors import Actor
from src.services.errors import NotFound
from src.services.escalation.cases import organizations_of, visible_case

LEVEL_OF = {kind: level for level, kind in LEVEL_KINDS.items()}


@dataclass(frozen=True)
class EscalationLetterData:
    year: int
    level: int
    title: str  # 预算绩效管理提醒督促书 …
    region_name: str
    issuers: list[str]  # 财政厅 first, then the joint issuers
    recipients: list[str]  # the prefecture's bodies, its tax bureau last
    number: str
    sent_on: date
    answer_by: date
    reason: str
    facts: str
    requirement: str
    content: dict[str, Any]


async def escalation_letter_data(
    *, session: AsyncSession, actor: Actor, case_id: int, kind: EscalationDocumentKind
) -> EscalationLetterData:
    """The letter of `kind` of the case; NotFound when `actor` may not read it or it was not sent."""
    row = await visible_case(session=session, actor=actor, case_id=case_id)
    level = LEVEL_OF[kind]
    stmt = select(EscalationLetter).where(
        EscalationLetter.case_id == case_id, EscalationLetter.level == level
    )
    letter = (await session.exec(stmt)).first()
    if letter is None:
        raise NotFound(LEVEL_TITLES[level], case_id, f"该督办事项尚未发出《{LEVEL_TITLES[level]}》")
    region = await session.get_one(Region, row.region_id)
    ids = [row.organization_id, *(row.co_issuer_ids or [])]
    found = (await session.exec(select(Organization).where(col(Organization.id).in_(ids)))).all()
    by_id = {o.id: o for o in found}
    issuers = [by_id[i] for i in ids if i in by_id]
    wanted = [ActorType.FINANCE, *(o.actor_type for o in issuers[1:])]
    recipients = await organizations_of(session, row.region_id, wanted)
    return EscalationLetterData(
        year=row.year,
        level=level,
        title=LEVEL_TITLES[level],
        region_name=region.name,
        issuers=[o.name for o in issuers],
        recipients=[o.name for o in recipients],
        number=letter.document_number,
        sent_on=letter.sent_on,
        answer_by=letter.answer_by,
        reason=letter.reason,
        facts=letter.facts,
        requirement=letter.requirement,
        content=letter.content,
    )
