"""绩效自评表 (FORMS.md §2B adapted to a fund, §2C) of one self-evaluation: a landscape form filled by the
pooling region's agency (实施单位) and signed by it. A form, not a 公文: no 版头, 主送 or 版记.

Keys (display strings, or lists of them): `draft_mark` (草稿 while the self-evaluation is a draft or
returned, else ""), `title` and `title_lines`, `year`, `filler` (实施单位, who fills it), `fund`, `region`,
`department` (主管部门), `goal_number` (the number the goal evaluated was issued under, — before),
`budget` {initial, budget, executed, points, rate, score, reason} in 万元 (基金支出), `goal_paragraphs`
(预期目标: the goal's text), `result_paragraphs` (实际完成情况: the 评价结论), `rows` (the indicators in
category order: self_evaluation_rows.py), `weight_total` and `indicator_score` (合计 of the indicators),
`indicator_share` (the points the indicators count for, 90), `total_score`, `grade` (优/良/中/差),
`problem_paragraphs` and `measure_paragraphs` (存在问题, 改进措施), `signer` and `date` (the submission,
"" before).

The self-evaluation is read through visible_self_evaluation with the requester's actor: a document never
shows more than the API would to the same person.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, Region
from src.models.evaluation import GRADE_LABELS, SelfEvaluation, SelfEvaluationLine, SelfEvaluationStatus
from src.reports.contexts.goal_rows import in_category_order, level2_order, number
from src.reports.contexts.goal_table import date_zh
from src.reports.contexts.monitoring_common import (
    LANDSCAPE_TITLE_WIDTH,
    NONE,
    Bodies,
    bodies,
    fund_name,
    fund_words,
    paragraphs,
    pct,
    title_lines,
    wan_yuan,
)
from src.reports.contexts.self_evaluation_rows import score_text, self_evaluation_rows
from src.services.actors import Actor
from src.services.evaluation.scope import visible_self_evaluations_clause
from src.services.evaluation.scoring import ScoringRules, scoring_rules
from src.services.evaluation.self_evaluations import (
    SelfEvaluationQuery,
    lines_of,
    lines_of_many,
    self_evaluations_select,
    visible_self_evaluation,
)
from src.services.monitoring.state import rules_of
from src.subjects.documents import BatchScope

DRAFT_MARK = "草稿"
DRAFTS = (SelfEvaluationStatus.DRAFT, SelfEvaluationStatus.RETURNED)
HUNDRED = Decimal(100)


def budget_block(evaluation: SelfEvaluation, points: Decimal) -> dict[str, str]:
    """基金支出's execution block: the figures in 万元, the points, the rate and its score, the reason."""
    return {
        "initial": wan_yuan(evaluation.initial_budget),
        "budget": wan_yuan(evaluation.adjusted_budget),
        "executed": wan_yuan(evaluation.executed),
        "points": number(points),
        "rate": pct(evaluation.execution_rate),
        "score": score_text(evaluation.execution_score),
        "reason": evaluation.execution_reason or NONE,
    }


def _form(
    evaluation: SelfEvaluation,
    *,
    region: Region,
    fund: FundType,
    goal: Goal,
    found: Bodies,
    rules: ScoringRules,
    lines: Sequence[SelfEvaluationLine],
) -> dict[str, Any]:
    """The form's context from what it is made of (read one by one or for a whole batch)."""
    words = [region.name, f"{evaluation.year}年度", *fund_words(fund), "绩效自评表"]
    filler = found.agency(region, fund)
    weights = sum((line.weight for line in lines), Decimal(0))
    scores = sum((line.score for line in lines), Decimal(0))
    return {
        "draft_mark": DRAFT_MARK if evaluation.status in DRAFTS else "",
        "title": "".join(words),
        "title_lines": title_lines(words, LANDSCAPE_TITLE_WIDTH),
        "year": f"{evaluation.year}年度",
        "filler": filler,
        "fund": fund_name(fund),
        "region": region.name,
        "department": found.department(region, fund),
        "goal_number": goal.document_number or NONE,
        "budget": budget_block(evaluation, rules.execution_points),
        "goal_paragraphs": paragraphs(goal.content) or [NONE],
        "result_paragraphs": paragraphs(evaluation.conclusion) or [NONE],
        "rows": self_evaluation_rows(lines),
        "weight_total": number(weights),
        "indicator_score": score_text(scores),
        "indicator_share": number(HUNDRED - rules.execution_points),
        "total_score": score_text(evaluation.total_score),
        "grade": GRADE_LABELS.get(evaluation.grade or "", NONE),
        "problem_paragraphs": paragraphs(evaluation.problems) or [NONE],
        "measure_paragraphs": paragraphs(evaluation.measures) or [NONE],
        "signer": filler,
        "date": date_zh(evaluation.submitted_at) if evaluation.submitted_at is not None else "",
    }


async def self_evaluation_form_context(
    *, session: AsyncSession, actor: Actor, evaluation_id: int
) -> dict[str, Any]:
    evaluation, _ = await visible_self_evaluation(session=session, actor=actor, evaluation_id=evaluation_id)
    region = await session.get(Region, evaluation.region_id)
    fund = await session.get(FundType, evaluation.fund_type_id)
    goal = await session.get(Goal, evaluation.goal_id)
    assert region is not None and fund is not None and goal is not None
    return _form(
        evaluation,
        region=region,
        fund=fund,
        goal=goal,
        found=await bodies(session, [region.id or 0]),
        rules=await scoring_rules(session=session, region_id=evaluation.region_id, year=evaluation.year),
        lines=in_category_order(await lines_of(session, evaluation_id), await level2_order(session)),
    )


async def self_evaluation_form_contexts(
    *, session: AsyncSession, actor: Actor, evaluation_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    """The forms of those of `evaluation_ids` that `actor` may read (the others absent), by id: a batch's
    chunk in eight statements whatever its size, where one form by one costs about ten each."""
    visible = visible_self_evaluations_clause(actor)
    stmt = select(SelfEvaluation).where(col(SelfEvaluation.id).in_(sorted(set(evaluation_ids))), visible)
    evaluations = (await session.exec(stmt)).all()
    if not evaluations:
        return {}
    region_ids = {e.region_id for e in evaluations}
    regions = {r.id: r for r in (await session.exec(select(Region).where(col(Region.id).in_(region_ids))))}
    fund_ids = {e.fund_type_id for e in evaluations}
    funds = {f.id: f for f in (await session.exec(select(FundType).where(col(FundType.id).in_(fund_ids))))}
    goal_ids = {e.goal_id for e in evaluations}
    goals = {g.id: g for g in (await session.exec(select(Goal).where(col(Goal.id).in_(goal_ids))))}
    found = await bodies(session, sorted(region_ids))
    rules = await rules_of(session, regions.values())
    lines = await lines_of_many(session, [e.id or 0 for e in evaluations])
    library = await level2_order(session)
    return {
        e.id or 0: _form(
            e,
            region=regions[e.region_id],
            fund=funds[e.fund_type_id],
            goal=goals[e.goal_id],
            found=found,
            rules=ScoringRules.of(rules[e.region_id]),
            lines=in_category_order(lines.get(e.id or 0, []), library),
        )
        for e in evaluations
    }


async def self_evaluation_versions(
    session: AsyncSession, evaluations: Sequence[SelfEvaluation]
) -> dict[int, list[Any]]:
    """The self-evaluation (every edit and step claims it), its lines (how many, when they last changed)
    and the goal it evaluates (its number is printed)."""
    ids = [e.id or 0 for e in evaluations]
    line = SelfEvaluationLine
    stmt = (
        sa.select(col(line.evaluation_id), func.count(), func.max(col(line.updated_at)))
        .where(col(line.evaluation_id).in_(ids))
        .group_by(col(line.evaluation_id))
    )
    rows = (await (await session.connection()).execute(stmt)).all()
    found = {row[0]: [row[1], str(row[2])] for row in rows}
    goals = {e.goal_id for e in evaluations}
    goal_stmt = sa.select(col(Goal.id), col(Goal.row_version)).where(col(Goal.id).in_(goals))
    goal_rows = (await (await session.connection()).execute(goal_stmt)).all()
    goal_versions = {row[0]: row[1] for row in goal_rows}
    return {
        e.id or 0: [
            e.id,
            e.row_version,
            e.updated_at.isoformat(),
            found.get(e.id or 0),
            goal_versions.get(e.goal_id),
        ]
        for e in evaluations
    }


async def self_evaluation_batch(
    session: AsyncSession, actor: Actor, scope: BatchScope, limit: int
) -> Sequence[SelfEvaluation]:
    """The self-evaluations of the batch's fund and year in its region and below that `actor` may read,
    drafts (and those returned for rework) only if the scope includes them; by id, at most `limit`."""
    statuses = tuple(s for s in SelfEvaluationStatus if scope.include_drafts or s not in DRAFTS)
    query = SelfEvaluationQuery(
        year=scope.year,
        fund_type_code=scope.fund_type_code,
        region_code=scope.region_code,
        include_descendants=True,
        statuses=statuses,
    )
    stmt = self_evaluations_select(query, actor).order_by(col(SelfEvaluation.id)).limit(limit)
    return (await session.exec(stmt)).all()
