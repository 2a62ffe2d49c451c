"""The goal table (绩效目标表, FORMS.md §1D) of one goal, as the document that issues it (Art. 10): the red
版头 with its issuer and number, the title, the covering notice, the table, the signature and the 版记.

Keys (every value a display string, or a list of them):
- `issued`: the goal is in force through an issue (guiding or formal, Art. 10; a superseded version stays
  issued, under the number it was issued with). Only then do the red 版头 and the number print.
- `draft_mark`: "" when issued, else the mark printed in the place of the 版头 (DRAFT_MARKS): 草稿 for a
  goal being drafted or reworked (DRAFT, RETURNED), 征求意见稿 for one in the review chain (SUBMITTED …
  NATIONAL_APPROVED: approved nationally is not yet issued).
- `issuer`, `signer`, `printer`: the issuing body (the goal region's finance, Art. 5, 10 and policy's
  GOAL_ISSUE), the same name in the 版头, the signature and the 印发机关.
- `doc_number`, `date`, `print_date`: the number the goal was issued under and the day of that issue
  (成文日期 and 印发日期, 2026年3月5日); "" until it is issued. Rendering reads them, never assigns them.
- `title` (the year once, full-width brackets) and `title_lines` (broken only between words).
- `recipients`, `body`, `cc`: the covering notice (contexts/goal_notice.py).
- `department`: 主管部门, the supervising administration's department in the region.
- `content`, `content_paragraphs`, `overall_content`, `overall_paragraphs`: the goal's text and, for an
  annual goal, its overall goal's 总体目标 (Art. 8), as paragraphs printed exactly.
- `budget`: contexts/goal_budget.py (figures that cross-foot in 万元, with their `basis`).
- `rows`: contexts/goal_rows.py (category order; direction, kind, handed_down, note); `handed_down_all`: the
  mark every row shares, printed once under the grid.

The goal is read through goals_select with the requester's actor, so a document never shows more than the
API would to the same person.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, Indicator, Organization, Region
from src.models.enums import ActorType, GoalHorizon, GoalStatus, label_zh
from src.models.goal import GoalDocumentKind
from src.reports.contexts import goal_notice as notice
from src.reports.contexts.goal_budget import goal_budget, wan_yuan
from src.reports.contexts.goal_rows import (
    common_mark,
    handed_down_marks,
    in_category_order,
    indicator_rows,
    level2_order,
    number,
)
from src.services import policy
from src.services.actors import Actor
from src.services.errors import NotFound
from src.services.goals.issuing import guiding_number
from src.services.goals.reads import GoalQuery, goals_select

__all__ = ["date_zh", "goal_table_context", "number", "wan_yuan"]

KIND = GoalDocumentKind.GOAL_TABLE
CHINA = ZoneInfo("Asia/Shanghai")
NONE = "—"
DRAFT_MARKS = {GoalStatus.DRAFT: "草稿", GoalStatus.RETURNED: "草稿"}
REVIEW_MARK = "征求意见稿"
ISSUED_OR_WAS = policy.ISSUED_STATES | {GoalStatus.SUPERSEDED}


def date_zh(moment: datetime) -> str:
    """成文日期 (GB/T 9704 7.3.5): Arabic numerals, no leading zeros, in China's time."""
    local = moment.astimezone(CHINA)
    return f"{local.year}年{local.month}月{local.day}日"


async def _related_numbers(session: AsyncSession, goal: Goal) -> dict[int, str]:
    """The numbers the goal's parent and previous version were issued under, by goal id."""
    ids = sorted({g for g in (goal.parent_goal_id, goal.previous_version_id) if g is not None})
    if not ids:
        return {}
    stmt = select(Goal.id, Goal.document_number).where(col(Goal.id).in_(ids))
    return {goal_id or 0: text or "" for goal_id, text in (await session.exec(stmt)).all()}


async def _bodies(session: AsyncSession, region: Region) -> notice.Bodies:
    above = await session.get(Region, region.parent_id) if region.parent_id is not None else None
    ids = [region.id] + ([above.id] if above is not None else [])
    organizations = (
        await session.exec(
            select(Organization).where(
                or_(col(Organization.region_id).in_(ids), Organization.actor_type == ActorType.NATIONAL)
            )
        )
    ).all()
    return notice.Bodies(region=region, above=above, organizations=organizations)


async def _organization_name(session: AsyncSession, organization_id: int | None, none: str = NONE) -> str:
    if organization_id is None:
        return none
    organization = await session.get(Organization, organization_id)
    return organization.name if organization is not None else none


async def _overall_content(session: AsyncSession, actor: Actor, goal: Goal) -> str:
    if goal.overall_goal_id is None:
        return ""
    stmt = goals_select(GoalQuery(), actor).where(col(Goal.id) == goal.overall_goal_id)
    overall = (await session.exec(stmt)).first()
    return overall.content if overall is not None else ""


async def _has_children(session: AsyncSession, goal: Goal) -> bool:
    stmt = select(Goal.id).where(Goal.parent_goal_id == goal.id).limit(1)
    return (await session.exec(stmt)).first() is not None


async def goal_table_context(*, session: AsyncSession, actor: Actor, goal_id: int) -> dict[str, Any]:
    goal = (await session.exec(goals_select(GoalQuery(), actor).where(col(Goal.id) == goal_id))).first()
    if goal is None:
        raise NotFound("绩效目标", goal_id)
    region = await session.get(Region, goal.region_id)
    fund = await session.get(FundType, goal.fund_type_id)
    assert region is not None and fund is not None
    indicators = (
        await session.exec(
            select(Indicator)
            .where(Indicator.goal_id == goal.id)
            .order_by(col(Indicator.sort_order), col(Indicator.id))
        )
    ).all()
    ordered = in_category_order(indicators, await level2_order(session))
    rows = indicator_rows(ordered, await handed_down_marks(session, ordered))
    bodies = await _bodies(session, region)
    issuing_body = await _organization_name(session, goal.issuer_organization_id, "")
    issuer = issuing_body or bodies.find(region, ActorType.FINANCE) or f"{region.name}财政部门"
    issued = goal.status in ISSUED_OR_WAS and goal.issued_at is not None
    guiding = await guiding_number(session, goal)
    formal = goal.status == GoalStatus.ISSUED or (
        goal.status == GoalStatus.SUPERSEDED and goal.document_number not in (None, guiding)
    )
    handed_down = await _has_children(session, goal)
    numbers = await _related_numbers(session, goal)
    kind = "总体目标" if goal.horizon == GoalHorizon.OVERALL else "目标"  # the period says 年度 already
    subject = f"{region.name}{notice.period_of(goal)}{notice.full_width(fund.name_zh)}预算绩效{kind}"
    facts = notice.NoticeFacts(
        subject=subject,
        formal=formal,
        guiding_number=guiding if formal else "",
        province_wide=region.parent_id is None,
        parent_number=numbers.get(goal.parent_goal_id or 0, ""),
        handed_down=handed_down,
        version=goal.version,
        previous_number=numbers.get(goal.previous_version_id or 0, ""),
        adjustment_reason=goal.adjustment_reason or "",
    )
    issue_date = date_zh(goal.issued_at) if issued and goal.issued_at is not None else ""
    overall = await _overall_content(session, actor, goal)
    return {
        "issued": issued,
        "draft_mark": "" if issued else DRAFT_MARKS.get(goal.status, REVIEW_MARK),
        "issuer": issuer,
        "doc_number": (goal.document_number or "") if issued else "",
        "title": notice.title_of(goal, region, fund),
        "title_lines": notice.title_lines(goal, region, fund),
        "recipients": notice.recipients(bodies, fund, handed_down=handed_down),
        "body": notice.body(facts),
        "signer": issuer,
        "cc": notice.cc(bodies, fund),
        "printer": issuer,
        "print_date": issue_date,
        "fund": notice.full_width(fund.name_zh),
        "region": region.name,
        "administration": label_zh(fund.administration),
        "department": notice.department(bodies, fund),
        "drafter": await _organization_name(session, goal.drafter_organization_id),
        "co_drafter": await _organization_name(session, goal.co_drafter_organization_id),
        "period": notice.period_of(goal),
        "status": label_zh(goal.status),
        "version": str(goal.version),
        "budget": await goal_budget(session, goal),
        "content": goal.content or NONE,
        "content_paragraphs": notice.content_paragraphs(goal.content),
        "overall_content": overall,
        "overall_paragraphs": notice.content_paragraphs(overall),
        "rows": rows,
        "handed_down_all": common_mark(rows),
        "weight_total": number(sum((i.weight for i in indicators), Decimal(0))),
        "date": issue_date,
    }
