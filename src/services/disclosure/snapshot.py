"""The public content of a disclosure, copied at approval (what is reported and published is what was
approved: a goal adjusted or a note edited later never reaches it). Only what the public may read: the
region, the year, per goal its fund, name and indicator targets, per result its fund, score and grade, and
the public notes — no internal id but the disclosure's, no person, no review reason, no third party.

A provincial evaluation's score is the average of the self-evaluations it aggregates (its snapshot as
approved), graded by the province's bands (Art. 23)."""

from decimal import Decimal
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Disclosure, DisclosureItem, FundType, Goal, Indicator, Region
from src.models.disclosure import DisclosureItemKind
from src.models.enums import Comparator, IndicatorKind, label_zh
from src.models.evaluation import GRADE_LABELS, SelfEvaluation
from src.models.provincial_evaluation import ProvincialEvaluation
from src.reports.contexts.goal_rows import number
from src.services.disclosure.items import record_of
from src.services.evaluation.scoring import grade_of, scoring_rules

CENT = Decimal("0.01")
VERSION = 1  # of the snapshot's shape (the public API and the document read it)


def target_text(indicator: Indicator) -> str:
    """年度指标值: ≥1,200人, ≤10%, 达成."""
    if indicator.kind == IndicatorKind.QUALITATIVE or indicator.comparator == Comparator.GRADE:
        return label_zh(indicator.target_grade) if indicator.target_grade else "—"
    if indicator.target_value is None:
        return "—"
    return f"{label_zh(indicator.comparator)}{number(indicator.target_value)}{indicator.unit}"


async def _goal(session: AsyncSession, goal: Goal, fund: str, note: str) -> dict[str, Any]:
    stmt = (
        select(Indicator)
        .where(Indicator.goal_id == goal.id)
        .order_by(col(Indicator.sort_order), col(Indicator.id))
    )
    indicators = (await session.exec(stmt)).all()
    return {
        "fund": fund,
        "goal": goal.title,
        "indicators": [{"name": i.level3, "target": target_text(i)} for i in indicators],
        "note": note,
    }


async def _result(
    session: AsyncSession, row: SelfEvaluation | ProvincialEvaluation, fund: str, note: str
) -> dict[str, Any]:
    if isinstance(row, SelfEvaluation):
        score, grade = row.total_score, row.grade
    else:
        raw = (row.snapshot or {}).get("average_score")
        score = Decimal(raw) if raw is not None else None
        rules = await scoring_rules(session=session, region_id=row.region_id, year=row.year)
        grade = grade_of(total=score, rules=rules).value if score is not None else None
    return {
        "fund": fund,
        "kind": "PROVINCIAL" if isinstance(row, ProvincialEvaluation) else "SELF",
        "score": str(score.quantize(CENT)) if score is not None else None,
        "grade": grade,
        "gradeLabel": GRADE_LABELS.get(grade) if grade else None,
        "note": note,
    }


async def items_of(session: AsyncSession, disclosure_id: int) -> list[DisclosureItem]:
    stmt = (
        select(DisclosureItem)
        .where(DisclosureItem.disclosure_id == disclosure_id)
        .order_by(col(DisclosureItem.sort_order), col(DisclosureItem.id))
    )
    return list((await session.exec(stmt)).all())


async def public_content(session: AsyncSession, disclosure: Disclosure) -> dict[str, Any]:
    """The disclosure's public content as of now (what approval copies)."""
    region = await session.get(Region, disclosure.region_id)
    assert region is not None and disclosure.id is not None
    funds = {f.id: f for f in (await session.exec(select(FundType))).all()}
    goals: list[tuple[int, dict[str, Any]]] = []
    results: list[tuple[int, dict[str, Any]]] = []
    for item in await items_of(session, disclosure.id):
        row = await record_of(session, item.kind, item.record_id)
        if row is None:
            continue  # gone since it was chosen: approval refuses a disclosure whose items are not all there
        fund = funds[row.fund_type_id]
        if isinstance(row, Goal):
            goals.append((fund.sort_order, await _goal(session, row, fund.name_zh, item.note)))
        else:
            assert item.kind != DisclosureItemKind.GOAL
            results.append((fund.sort_order, await _result(session, row, fund.name_zh, item.note)))
    return {
        "version": VERSION,
        "region": {"code": region.code, "name": region.name},
        "year": disclosure.year,
        "title": f"{region.name}{disclosure.year}年度社会保险基金预算绩效信息公开",
        "preface": disclosure.preface,
        "goals": [g for _, g in sorted(goals, key=lambda pair: pair[0])],
        "results": [r for _, r in sorted(results, key=lambda pair: pair[0])],
    }
