"""The provincial evaluation's deadlines (Art. 17 「上年度省级绩效评价报告应于每年7月10日前送财政厅，财政厅
于7月底前完成汇总并上报」), registered as a deadline source (src/domains/provincial_evaluation.py):

- PROVINCIAL_EVALUATION: per fund active in the year before the context's year that some pooling region of
  the province evaluates (an annual goal of that year was in force: self-evaluations were owed, as
  evaluation/deadlines.py lists them), the provincial agency of its administration sends the report to
  财政厅 by the province's PROVINCIAL_REPORT_DEADLINE (07-10); done when SUBMITTED or APPROVED, at its
  (latest) submission.
- PROVINCIAL_SUMMARY: 财政厅 sends the year's summary upward by PROVINCIAL_SUMMARY_DEADLINE (07-31), when any
  report is owed; done when SENT.

Both are the province's: an area below it lists none. Three statements beside what the context reads.
"""

from datetime import date

from sqlmodel import col, select

from src.models import Goal, Region
from src.models.enums import ActorType, GoalHorizon, RegionLevel
from src.models.provincial_evaluation import (
    ProvincialEvaluation,
    ProvincialEvaluationStatus,
    ProvincialEvaluationSummary,
    ProvincialSummaryStatus,
)
from src.services.deadlines.context import DeadlineContext
from src.services.deadlines.items import DeadlineItem, DeadlineSource
from src.services.evaluation.in_force import WERE_IN_FORCE

PROVINCIAL_EVALUATION = "PROVINCIAL_EVALUATION"
PROVINCIAL_SUMMARY = "PROVINCIAL_SUMMARY"
KINDS = {
    PROVINCIAL_EVALUATION: "上年度省级绩效评价报告送财政厅（第十七条）",
    PROVINCIAL_SUMMARY: "财政厅汇总上报上年度省级绩效评价（第十七条）",
}
SENT = (ProvincialEvaluationStatus.SUBMITTED, ProvincialEvaluationStatus.APPROVED)


async def provincial_deadlines(ctx: DeadlineContext) -> list[DeadlineItem]:
    province = next((r for r in ctx.regions.values() if r.level == RegionLevel.PROVINCE), None)
    if province is None:
        return []
    evaluated = ctx.year - 1
    goals = select(Goal.fund_type_id).where(
        Goal.horizon == GoalHorizon.ANNUAL,
        Goal.start_year == evaluated,
        col(Goal.status).in_(WERE_IN_FORCE),
        col(Goal.region_id).in_(
            select(Region.id).where(col(Region.path).startswith(province.path, autoescape=True))
        ),
    )
    evaluated_funds = set((await ctx.session.exec(goals.distinct())).all())
    funds = {
        p.fund_type_id: p for p in await ctx.pooled_funds(evaluated) if p.fund_type_id in evaluated_funds
    }
    rules = ctx.rules(province.id)
    sent = select(ProvincialEvaluation.fund_type_id, ProvincialEvaluation.submitted_at).where(
        ProvincialEvaluation.region_id == province.id,
        ProvincialEvaluation.year == evaluated,
        col(ProvincialEvaluation.status).in_(SENT),
    )
    done = dict((await ctx.session.exec(sent)).all())
    report_due = date(ctx.year, rules.provincial_report_deadline.month, rules.provincial_report_deadline.day)
    items = [
        DeadlineItem(
            kind=PROVINCIAL_EVALUATION,
            region=province,
            actor_type=ActorType.AGENCY,
            administration=p.administration,
            fund_type_id=fund_type_id,
            year=evaluated,
            period=None,
            due_on=report_due,
            done_at=done.get(fund_type_id),
            label=f"{province.name}{p.fund_name}{evaluated}年度省级绩效评价报告",
        )
        for fund_type_id, p in funds.items()
    ]
    if not funds:
        return items
    summary = select(ProvincialEvaluationSummary.sent_at).where(
        ProvincialEvaluationSummary.year == evaluated,
        ProvincialEvaluationSummary.region_id == province.id,
        ProvincialEvaluationSummary.status == ProvincialSummaryStatus.SENT,
    )
    summary_due = date(
        ctx.year, rules.provincial_summary_deadline.month, rules.provincial_summary_deadline.day
    )
    items.append(
        DeadlineItem(
            kind=PROVINCIAL_SUMMARY,
            region=province,
            actor_type=ActorType.FINANCE,
            administration=None,
            fund_type_id=None,
            year=evaluated,
            period=None,
            due_on=summary_due,
            done_at=(await ctx.session.exec(summary)).first(),
            label=f"{province.name}{evaluated}年度省级绩效评价汇总上报",
        )
    )
    return items


SOURCE = DeadlineSource(name="provincial_evaluation", kinds=KINDS, items=provincial_deadlines)
