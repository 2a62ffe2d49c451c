"""The self-evaluation's deadline (Art. 17 「上年度统筹地区自评工作需在每年5月底前完成，并上报绩效自评报告」),
registered as a deadline source (src/domains/evaluation.py):

- SELF_EVALUATION: per pooling region × fund with an annual goal that was in force in the year before the
  context's year, its self-evaluation, due on the region's SELF_EVALUATION_DEADLINE (05-31 at the latest)
  of the context's year, by the body that reports it (routing.py: the provincial agency of the fund's
  administration, or the prefecture's finance). Done when SUBMITTED or ACCEPTED, at its (latest)
  submission; one submitted after the date is LATE, as the self-evaluation itself is marked.

Two statements beside what the context reads, whatever the number of regions.
"""

from datetime import date

from sqlmodel import col, select

from src.models import Goal
from src.models.enums import GoalHorizon
from src.models.evaluation import SelfEvaluation, SelfEvaluationStatus
from src.services.deadlines.context import DeadlineContext
from src.services.deadlines.items import DeadlineItem, DeadlineSource
from src.services.evaluation.in_force import WERE_IN_FORCE
from src.services.evaluation.routing import route_at

SELF_EVALUATION = "SELF_EVALUATION"
KINDS = {SELF_EVALUATION: "统筹地区上年度绩效自评上报（第十七条）"}
REPORTED = (SelfEvaluationStatus.SUBMITTED, SelfEvaluationStatus.ACCEPTED)


async def self_evaluation_deadlines(ctx: DeadlineContext) -> list[DeadlineItem]:
    evaluated = ctx.year - 1
    pooled = await ctx.pooled_funds(evaluated)
    if not pooled:
        return []
    region_ids = sorted({p.region.id for p in pooled})
    goals = select(Goal.region_id, Goal.fund_type_id).where(
        Goal.horizon == GoalHorizon.ANNUAL,
        Goal.start_year == evaluated,
        col(Goal.status).in_(WERE_IN_FORCE),
        col(Goal.region_id).in_(region_ids),
    )
    with_goal = set((await ctx.session.exec(goals)).all())
    submitted = select(
        SelfEvaluation.region_id, SelfEvaluation.fund_type_id, SelfEvaluation.submitted_at
    ).where(
        SelfEvaluation.year == evaluated,
        col(SelfEvaluation.region_id).in_(region_ids),
        col(SelfEvaluation.status).in_(REPORTED),
    )
    done = {(r, f): at for r, f, at in (await ctx.session.exec(submitted)).all()}
    items = []
    for p in pooled:
        if (p.region.id, p.fund_type_id) not in with_goal:
            continue
        deadline = ctx.rules(p.region.id).self_evaluation_deadline
        route = route_at(p.region.level)  # pooled_funds matched the fund's pooling level to the region's
        items.append(
            DeadlineItem(
                kind=SELF_EVALUATION,
                region=p.region,
                actor_type=route.submitter,
                administration=p.administration,
                fund_type_id=p.fund_type_id,
                year=evaluated,
                period=None,
                due_on=date(ctx.year, deadline.month, deadline.day),
                done_at=done.get((p.region.id, p.fund_type_id)),
                label=f"{p.region.name}{p.fund_name}{evaluated}年度绩效自评",
            )
        )
    return items


SOURCE = DeadlineSource(name="evaluation", kinds=KINDS, items=self_evaluation_deadlines)
