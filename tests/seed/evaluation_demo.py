"""The demo's 2025 self-evaluations read back, with what the tests compare them with: the pooling regions ×
funds with an annual goal in force on 31 December 2025, and each form scored again by the scoring service."""

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Assignment, AuditEvent, FundType, PoolingArrangement, Region
from src.models.enums import RegionLevel
from src.models.evaluation import SelfEvaluation, SelfEvaluationLine, SelfEvaluationTransition
from src.seed.demo import DemoCounts
from src.seed.demo.context import PROVINCE_CODE
from src.services.evaluation.form_scores import rescore
from src.services.evaluation.in_force import goal_in_force_at_year_end
from src.services.evaluation.scoring import scoring_rules
from src.services.pooling import pooling_region_level

YEAR = 2025

Scores = tuple[Decimal | None, str | None, list[tuple[Decimal, bool, bool]]]  # total, grade, lines


@dataclass(frozen=True)
class EvaluationDemo:
    counts: DemoCounts
    evaluations: list[SelfEvaluation]
    lines: dict[int, list[SelfEvaluationLine]]  # by evaluation id, in form order
    transitions: dict[int, list[SelfEvaluationTransition]]  # by evaluation id, in order
    with_goal: set[tuple[int, int]]  # (region id, fund id) pooling regions with a goal in force on 31 Dec
    rescored: dict[int, Scores]  # by evaluation id: the scoring service's result on the form as it stands
    assignments: list[Assignment]  # to the third party (Art. 17)
    edits: list[AuditEvent]  # the audit trail's selfEvaluationUpdate rows


async def read_evaluations(session: AsyncSession, counts: DemoCounts) -> EvaluationDemo:
    evaluations = list((await session.exec(select(SelfEvaluation).order_by(col(SelfEvaluation.id)))).all())
    lines: dict[int, list[SelfEvaluationLine]] = {e.id or 0: [] for e in evaluations}
    order = (col(SelfEvaluationLine.evaluation_id), col(SelfEvaluationLine.sort_order))
    for line in (await session.exec(select(SelfEvaluationLine).order_by(*order))).all():
        lines[line.evaluation_id].append(line)
    transitions: dict[int, list[SelfEvaluationTransition]] = {e.id or 0: [] for e in evaluations}
    steps = select(SelfEvaluationTransition).order_by(col(SelfEvaluationTransition.id))
    for step in (await session.exec(steps)).all():
        transitions[step.evaluation_id].append(step)
    rescored: dict[int, Scores] = {}
    for evaluation in evaluations:
        # Fresh rows, detached from the session (a shallow copy would share the instance state).
        form = SelfEvaluation(**evaluation.model_dump())
        form_lines = [SelfEvaluationLine(**line.model_dump()) for line in lines[evaluation.id or 0]]
        rules = await scoring_rules(session=session, region_id=evaluation.region_id, year=YEAR)
        assert not rescore(form, form_lines, rules)
        rescored[evaluation.id or 0] = (
            form.total_score,
            form.grade,
            [(line.score, line.met, line.deviates) for line in form_lines],
        )
    assignments = list((await session.exec(select(Assignment).order_by(col(Assignment.id)))).all())
    updates = select(AuditEvent).where(AuditEvent.operation == "selfEvaluationUpdate")
    edits = list((await session.exec(updates.order_by(col(AuditEvent.id)))).all())
    with_goal = await _with_goal(session)
    return EvaluationDemo(counts, evaluations, lines, transitions, with_goal, rescored, assignments, edits)


async def _with_goal(session: AsyncSession) -> set[tuple[int, int]]:
    province = (await session.exec(select(Region).where(Region.code == PROVINCE_CODE))).one()
    prefectures = (
        await session.exec(
            select(Region)
            .where(Region.parent_id == province.id, Region.level == RegionLevel.PREFECTURE)
            .order_by(col(Region.code))
        )
    ).all()
    found = set()
    for fund in (await session.exec(select(FundType))).all():
        stmt = select(PoolingArrangement).where(
            PoolingArrangement.fund_type_id == fund.id, PoolingArrangement.year == YEAR
        )
        arrangement = (await session.exec(stmt)).one()
        level = pooling_region_level(arrangement.pooling_level)
        for region in [province] if level == RegionLevel.PROVINCE else prefectures:
            assert region.id is not None and fund.id is not None
            goal = await goal_in_force_at_year_end(
                session, region_id=region.id, fund_type_id=fund.id, year=YEAR
            )
            if goal is not None:
                found.add((region.id, fund.id))
    return found
