"""The letters' answer-by dates (Art. 22; FORMS §4C 「收文之日起30日内」 by the province's
ESCALATION_ANSWER_DAYS), registered as a deadline source (src/domains/escalation.py): one item per letter
sent to a prefecture of the area whose answer-by date falls in the context's year, addressed to the
prefecture's finance (who answers), done when answered. One statement beside what the context reads."""

from datetime import date

from sqlmodel import col, select

from src.models import EscalationCase, EscalationLetter
from src.models.enums import ActorType
from src.models.escalation import LEVEL_TITLES
from src.services.deadlines.context import DeadlineContext
from src.services.deadlines.items import DeadlineItem, DeadlineSource

ESCALATION_ANSWER = "ESCALATION_ANSWER"
KINDS = {ESCALATION_ANSWER: "答复“两书一函”（第二十二条）"}


async def escalation_deadlines(ctx: DeadlineContext) -> list[DeadlineItem]:
    stmt = (
        select(EscalationCase, EscalationLetter)
        .join(EscalationLetter, col(EscalationLetter.case_id) == EscalationCase.id)
        .where(
            col(EscalationCase.region_id).in_(list(ctx.regions)),
            col(EscalationLetter.answer_by) >= date(ctx.year, 1, 1),
            col(EscalationLetter.answer_by) <= date(ctx.year, 12, 31),
        )
        .order_by(col(EscalationCase.id), col(EscalationLetter.level))
    )
    items: list[DeadlineItem] = []
    for case, letter in (await ctx.session.exec(stmt)).all():
        region = ctx.regions[case.region_id]
        items.append(
            DeadlineItem(
                kind=ESCALATION_ANSWER,
                region=region,
                actor_type=ActorType.FINANCE,
                administration=None,
                fund_type_id=None,
                year=case.year,
                # The letter's level (1 to 3) keeps the items of one case apart (DeadlineItem.key).
                period=letter.level,
                due_on=letter.answer_by,
                done_at=letter.answered_at,
                label=f"{region.name}答复《{LEVEL_TITLES[letter.level]}》（{letter.document_number}）",
            )
        )
    return items


SOURCE = DeadlineSource(name="escalation", kinds=KINDS, items=escalation_deadlines)
