"""The rectification items' due dates (Art. 20; FORMS §4C 「收文之日起三十日内…制定整改措施」 by the region's
RECTIFICATION_DAYS), registered as the deadline source named "rectification" (src/domains/rectification.py;
other domains read its rows by that name): one item per rectification item of the area due in the
context's year, for its owner, done when the finance that raised it VERIFIED it. One statement beside what
the context reads."""

from datetime import date

from sqlmodel import col, select

from src.models import FundType, Organization, RectificationItem
from src.services.deadlines.context import DeadlineContext
from src.services.deadlines.items import DeadlineItem, DeadlineSource

NAME = "rectification"
RECTIFICATION_ITEM = "RECTIFICATION_ITEM"
KINDS = {RECTIFICATION_ITEM: "整改事项整改到位（第二十条）"}
PROBLEM_IN_LABEL = 40  # characters of the problem in the item's label


async def rectification_deadlines(ctx: DeadlineContext) -> list[DeadlineItem]:
    stmt = (
        select(RectificationItem, Organization, FundType)
        .join(Organization, col(Organization.id) == RectificationItem.owner_organization_id)
        .join(FundType, col(FundType.id) == RectificationItem.fund_type_id)
        .where(
            col(RectificationItem.region_id).in_(list(ctx.regions)),
            col(RectificationItem.due_on) >= date(ctx.year, 1, 1),
            col(RectificationItem.due_on) <= date(ctx.year, 12, 31),
        )
        .order_by(col(RectificationItem.id))
    )
    items: list[DeadlineItem] = []
    for item, owner, fund in (await ctx.session.exec(stmt)).all():
        region = ctx.regions[item.region_id]
        problem = item.problem.replace("\n", " ")
        if len(problem) > PROBLEM_IN_LABEL:
            problem = problem[:PROBLEM_IN_LABEL] + "…"
        items.append(
            DeadlineItem(
                kind=RECTIFICATION_ITEM,
                region=region,
                actor_type=owner.actor_type,
                administration=fund.administration,
                fund_type_id=item.fund_type_id,
                year=item.year,
                period=None,
                due_on=item.due_on,
                done_at=item.verified_at,
                label=f"{region.name}{fund.name_zh}{item.year}年度整改事项：{problem}",
                instance=item.id,
            )
        )
    return items


SOURCE = DeadlineSource(name=NAME, kinds=KINDS, items=rectification_deadlines)
