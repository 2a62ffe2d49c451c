"""财政厅's publishing of the assessment (Art. 22 考核结果通报) as a deadline row (issue 21 point 5),
registered as the source "assessment" (src/domains/assessment.py): in the context's year, the round of the
year before is due by the province's ASSESSMENT_DEADLINE (the text sets no date; the province's default is
10月31日), done when published. The duty is listed once the province has opened any round up to that year:
before its first round the system has no assessment practice to hold it to. One statement beside what the
context reads."""

from datetime import date

from sqlmodel import col, select

from src.models.assessment import AssessmentRound
from src.models.enums import ActorType, RegionLevel
from src.services.deadlines.context import DeadlineContext
from src.services.deadlines.items import DeadlineItem, DeadlineSource

ASSESSMENT_PUBLISH = "ASSESSMENT_PUBLISH"
KINDS = {ASSESSMENT_PUBLISH: "财政厅通报上年度各市（州）预算绩效管理工作考核结果（第二十二条）"}


async def assessment_deadlines(ctx: DeadlineContext) -> list[DeadlineItem]:
    provinces = ctx.of_level(RegionLevel.PROVINCE)
    if not provinces:
        return []
    assessed = ctx.year - 1
    stmt = select(AssessmentRound).where(
        col(AssessmentRound.region_id).in_([p.id for p in provinces]), AssessmentRound.year <= assessed
    )
    rounds = (await ctx.session.exec(stmt)).all()
    items = []
    for province in provinces:
        mine = [r for r in rounds if r.region_id == province.id]
        if not mine:
            continue
        this_year = next((r for r in mine if r.year == assessed), None)
        deadline = ctx.rules(province.id).assessment_deadline
        items.append(
            DeadlineItem(
                kind=ASSESSMENT_PUBLISH,
                region=province,
                actor_type=ActorType.FINANCE,
                administration=None,
                fund_type_id=None,
                year=assessed,
                period=None,
                due_on=date(ctx.year, deadline.month, deadline.day),
                done_at=this_year.published_at if this_year else None,
                label=f"{assessed}年度各市（州）社会保险基金预算绩效管理工作考核结果通报",
            )
        )
    return items


SOURCE = DeadlineSource(name="assessment", kinds=KINDS, items=assessment_deadlines)
