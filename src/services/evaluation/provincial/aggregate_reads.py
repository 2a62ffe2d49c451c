"""What the aggregate is made of, read for one fund and year in a fixed number of statements, whatever the
number of regions: the pooling regions that owe a self-evaluation (those of the fund's pooling level in the
province with an annual goal of the year that was in force, as the deadline lists them), the counted
self-evaluations with their regions, their lines, and the province's grade rules."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, Region
from src.models.enums import GoalHorizon, PoolingLevel, RegionLevel, label_zh
from src.models.evaluation import SelfEvaluation, SelfEvaluationLine, SelfEvaluationStatus
from src.services.evaluation.in_force import WERE_IN_FORCE
from src.services.evaluation.provincial.aggregate import Counted, Fund, LineFacts, aggregate
from src.services.evaluation.provincial_data import ProvincialAggregate, RegionResult
from src.services.evaluation.scoring import scoring_rules
from src.services.pooling import pooling_region_level

COUNTED = (SelfEvaluationStatus.SUBMITTED, SelfEvaluationStatus.ACCEPTED)


async def _owing(
    session: AsyncSession, province: Region, fund_type_id: int, year: int, level: RegionLevel
) -> list[str]:
    goals = select(Goal.region_id).where(
        Goal.fund_type_id == fund_type_id,
        Goal.horizon == GoalHorizon.ANNUAL,
        Goal.start_year == year,
        col(Goal.status).in_(WERE_IN_FORCE),
    )
    stmt = (
        select(Region.name)
        .where(
            Region.level == level,
            col(Region.path).startswith(province.path, autoescape=True),
            col(Region.id).in_(goals),
        )
        .order_by(col(Region.code))
    )
    return list((await session.exec(stmt)).all())


def _result(evaluation: SelfEvaluation, region: Region) -> RegionResult:
    prefecture = region.level == RegionLevel.PREFECTURE
    return RegionResult(
        region_code=region.code,
        region_name=region.name,
        prefecture_code=region.code if prefecture else "",
        prefecture_name=region.name if prefecture else "",
        status=evaluation.status.value,
        total_score=evaluation.total_score,
        grade=evaluation.grade,
        execution_rate=evaluation.execution_rate,
        late=evaluation.late,
    )


async def live_aggregate(
    session: AsyncSession, *, province: Region, fund: FundType, year: int, pooling_level: PoolingLevel
) -> ProvincialAggregate:
    """The fund's self-evaluations of `year` in the province, as they stand now."""
    assert fund.id is not None and province.id is not None
    level = pooling_region_level(pooling_level)
    owing = await _owing(session, province, fund.id, year, level)
    stmt = (
        select(SelfEvaluation, Region)
        .join(Region, col(Region.id) == SelfEvaluation.region_id)
        .where(
            SelfEvaluation.fund_type_id == fund.id,
            SelfEvaluation.year == year,
            col(SelfEvaluation.status).in_(COUNTED),
            col(Region.path).startswith(province.path, autoescape=True),
        )
        .order_by(col(Region.code))
    )
    rows = (await session.exec(stmt)).all()
    ids = [e.id for e, _ in rows]
    lines_stmt = (
        select(SelfEvaluationLine)
        .where(col(SelfEvaluationLine.evaluation_id).in_(ids))
        .order_by(col(SelfEvaluationLine.evaluation_id), col(SelfEvaluationLine.sort_order))
    )
    by_evaluation: dict[int, list[LineFacts]] = {}
    for line in (await session.exec(lines_stmt)).all() if ids else ():
        facts = LineFacts(label_zh(line.level1), line.level2, line.level3, line.met, line.cause)
        by_evaluation.setdefault(line.evaluation_id, []).append(facts)
    counted = [
        Counted(
            result=_result(evaluation, region),
            initial_budget=evaluation.initial_budget,
            adjusted_budget=evaluation.adjusted_budget,
            executed=evaluation.executed,
            lines=by_evaluation.get(evaluation.id or 0, []),
        )
        for evaluation, region in rows
    ]
    rules = await scoring_rules(session=session, region_id=province.id, year=year)
    described = Fund(code=fund.code, name=fund.name_zh, year=year, pooling_level=pooling_level.value)
    return aggregate(fund=described, owing=owing, counted=counted, rules=rules)
