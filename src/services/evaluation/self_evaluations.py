"""绩效自评 (Art. 15–18): one per pooling region × fund × year, opened once the year is over (Art. 15
「年度预算执行完毕后」) by the pooling region's finance (Art. 17 「由各统筹地区财政部门按要求分险种组织」),
on the annual goal in force on 31 December (in_force.py), with its indicators matched by lineage and
the actuals and the budget block prefilled from monitoring (prefill.py), scored (form_scores.py).

The agency fills it in with the tax department (self_evaluation_edits.py); its steps are in
self_evaluation_workflow.py; who submits and who receives follows the fund's pooling level (routing.py).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.models import FundType, Indicator, Region
from src.models.evaluation import (
    SelfEvaluation,
    SelfEvaluationEventKind,
    SelfEvaluationLine,
    SelfEvaluationStatus,
    SelfEvaluationTransition,
)
from src.services import audit, policy
from src.services.actors import Actor
from src.services.errors import (
    Conflict,
    ErrorCode,
    FieldProblem,
    NotFound,
    PreconditionFailed,
    SelfEvaluationErrorCode,
    ValidationFailed,
)
from src.services.evaluation.form_scores import rescore
from src.services.evaluation.in_force import goal_in_force_at_year_end
from src.services.evaluation.prefill import prefill
from src.services.evaluation.scope import (
    policy_scope,
    self_evaluation_scope,
    visible_self_evaluations_clause,
)
from src.services.evaluation.scoring import scoring_rules
from src.services.filters import narrow
from src.services.monitoring import clock
from src.services.pooling import pooling_level, pooling_region_level
from src.subjects.events import record_event

ENTITY = "绩效自评"
YEARS = range(2000, 2101)


@dataclass(frozen=True)
class OpenRequest:
    """What finance gives to open a self-evaluation (selfEvaluationOpen)."""

    fund_type_code: str
    region_code: str
    year: int


async def visible_self_evaluation(
    *, session: AsyncSession, actor: Actor, evaluation_id: int
) -> tuple[SelfEvaluation, policy.Scope]:
    """The self-evaluation and its policy scope if `actor` may read it; one it may not is reported as
    absent, like a missing one."""
    evaluation = await session.get(SelfEvaluation, evaluation_id)
    if evaluation is None or not policy.visible(actor, await self_evaluation_scope(session, evaluation)):
        raise NotFound(ENTITY, evaluation_id)
    return evaluation, await policy_scope(session, evaluation)


async def lines_of(session: AsyncSession, evaluation_id: int) -> list[SelfEvaluationLine]:
    stmt = select(SelfEvaluationLine).where(SelfEvaluationLine.evaluation_id == evaluation_id)
    return list(
        (
            await session.exec(stmt.order_by(col(SelfEvaluationLine.sort_order), col(SelfEvaluationLine.id)))
        ).all()
    )


async def lines_of_many(
    session: AsyncSession, evaluation_ids: Sequence[int]
) -> dict[int, list[SelfEvaluationLine]]:
    """lines_of for each of `evaluation_ids` in one statement (an evaluation without lines absent)."""
    line = SelfEvaluationLine
    stmt = select(line).where(col(line.evaluation_id).in_(sorted(set(evaluation_ids))))
    found: dict[int, list[SelfEvaluationLine]] = {}
    ordered = stmt.order_by(col(line.evaluation_id), col(line.sort_order), col(line.id))
    for row in (await session.exec(ordered)).all():
        found.setdefault(row.evaluation_id, []).append(row)
    return found


async def _lookup(session: AsyncSession, request: OpenRequest) -> tuple[FundType, Region]:
    fund = (await session.exec(select(FundType).where(FundType.code == request.fund_type_code))).first()
    if fund is None:
        raise NotFound("险种", request.fund_type_code)
    region = (await session.exec(select(Region).where(Region.code == request.region_code))).first()
    if region is None:
        raise NotFound("行政区划", request.region_code)
    return fund, region


async def open_self_evaluation(
    *, session: AsyncSession, actor: Actor, request: OpenRequest
) -> SelfEvaluation:
    """Finance of the pooling region opens the fund's self-evaluation of `year` (DRAFT), prefilled from
    monitoring and scored."""
    fund, region = await _lookup(session, request)
    assert fund.id is not None and region.id is not None
    scope = policy.Scope(
        region_path=region.path, region_level=region.level, administration=fund.administration
    )
    policy.require(actor, policy.Action.SELF_EVALUATION_OPEN, scope)
    if request.year not in YEARS:
        raise ValidationFailed(
            [FieldProblem("input.year", "年度须在 2000 至 2100 之间", ErrorCode.OUT_OF_RANGE)]
        )
    try:
        level = await pooling_level(session=session, fund_type_id=fund.id, year=request.year)
    except NotFound:
        level = None
    if level is None or pooling_region_level(level) != region.level:
        raise ValidationFailed(
            [
                FieldProblem(
                    "input.regionCode", f"{region.name}不是该险种{request.year}年的统筹地区（第十七条）"
                )
            ]
        )
    if clock.china_today().year <= request.year:
        raise PreconditionFailed(
            f"{request.year}年度预算尚未执行完毕，绩效自评须在年度结束后开展（第十五条）",
            code=SelfEvaluationErrorCode.YEAR_NOT_OVER,
        )
    goal = await goal_in_force_at_year_end(
        session, region_id=region.id, fund_type_id=fund.id, year=request.year
    )
    if goal is None or goal.id is None:
        raise PreconditionFailed(
            f"{region.name}{fund.name_zh}{request.year}年12月31日没有已下达的年度绩效目标，无从评价目标实现程度（第十五条）",
            code=SelfEvaluationErrorCode.NO_GOAL_AT_YEAR_END,
        )
    indicators = (
        await session.exec(
            select(Indicator)
            .where(Indicator.goal_id == goal.id)
            .order_by(col(Indicator.sort_order), col(Indicator.id))
        )
    ).all()
    filled = await prefill(
        session, region_id=region.id, fund_type_id=fund.id, year=request.year, indicators=indicators
    )
    evaluation = SelfEvaluation(
        region_id=region.id,
        fund_type_id=fund.id,
        year=request.year,
        goal_id=goal.id,
        pooling_level=level,
        opener_organization_id=actor.organization_id,
        initial_budget=filled.initial_budget,
        adjusted_budget=filled.adjusted_budget,
        executed=filled.executed,
        prefilled_initial_budget=filled.initial_budget,
        prefilled_adjusted_budget=filled.adjusted_budget,
        prefilled_executed=filled.executed,
    )
    try:  # one opened at the same moment for the same fund and year wins; this one is told so
        async with session.begin_nested():
            session.add(evaluation)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            f"{region.name}{request.year}年度{fund.name_zh}绩效自评已存在",
            code=SelfEvaluationErrorCode.SELF_EVALUATION_EXISTS,
        ) from None
    assert evaluation.id is not None
    lines = []
    for order, indicator in enumerate(indicators):
        actual = filled.actuals.get(indicator.lineage_id)
        value = actual.value if actual is not None else None
        grade = actual.grade if actual is not None else None
        lines.append(
            SelfEvaluationLine(
                evaluation_id=evaluation.id,
                indicator_id=indicator.id or 0,
                indicator_lineage_id=indicator.lineage_id,
                sort_order=order,
                level1=indicator.level1,
                level2=indicator.level2,
                level3=indicator.level3,
                kind=indicator.kind,
                comparator=indicator.comparator,
                unit=indicator.unit,
                weight=indicator.weight,
                target_value=indicator.target_value,
                target_grade=indicator.target_grade,
                actual_value=value,
                actual_grade=grade,
                prefilled_value=value,
                prefilled_grade=grade,
            )
        )
    rescore(evaluation, lines, await scoring_rules(session=session, region_id=region.id, year=request.year))
    session.add_all(lines)
    session.add(evaluation)
    await session.flush()
    await audit.created(session=session, actor=actor, operation="selfEvaluationOpen", row=evaluation)
    session.add(
        SelfEvaluationTransition(
            evaluation_id=evaluation.id,
            action="OPEN",
            from_status=None,
            to_status=SelfEvaluationStatus.DRAFT,
            user_id=actor.user_id,
            organization_id=actor.organization_id,
        )
    )
    await record_event(
        session=session,
        kind=SelfEvaluationEventKind.SELF_EVALUATION_STATUS_CHANGED,
        subject=evaluation,
        actor=actor,
        payload={"action": "OPEN", "toStatus": evaluation.status.value, "goalId": goal.id},
    )
    return evaluation


@dataclass(frozen=True)
class SelfEvaluationQuery:
    year: int | None = None
    fund_type_code: str | None = None
    region_code: str | None = None
    include_descendants: bool = False
    statuses: tuple[SelfEvaluationStatus, ...] = ()
    late: bool | None = None


def self_evaluations_select(query: SelfEvaluationQuery, actor: Actor) -> SelectOfScalar[SelfEvaluation]:
    """The self-evaluations `actor` may read that match `query`."""
    stmt = select(SelfEvaluation).where(visible_self_evaluations_clause(actor))
    if query.year is not None:
        stmt = stmt.where(SelfEvaluation.year == query.year)
    if query.statuses:
        stmt = stmt.where(col(SelfEvaluation.status).in_([s.value for s in query.statuses]))
    if query.late is not None:
        stmt = stmt.where(SelfEvaluation.late == query.late)
    return narrow(
        stmt, query, region_column=SelfEvaluation.region_id, fund_column=SelfEvaluation.fund_type_id
    )
