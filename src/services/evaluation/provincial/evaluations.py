"""省级绩效评价 (Art. 17): one per fund × year at the province, opened by 财政厅 (「由财政厅牵头」) once the
year is over, written by the provincial agency of the fund's administration (「省级社保经办机构商省税务局具体
实施」): the report's narrative in FORMS §4A's order; any edit counts the content revision up, which voids
省税务局's concurrence (src/services/concurrence.py). Its steps are in workflow.py."""

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.models import FundType, Region
from src.models.provincial_evaluation import (
    NARRATIVE,
    ProvincialEvaluation,
    ProvincialEvaluationEventKind,
    ProvincialEvaluationStatus,
    ProvincialEvaluationTransition,
)
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrence import revised
from src.services.concurrency import claim
from src.services.errors import (
    Conflict,
    ErrorCode,
    FieldProblem,
    GoalErrorCode,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    SelfEvaluationErrorCode,
    ValidationFailed,
)
from src.services.evaluation.provincial.scope import (
    DRAFTS,
    policy_scope,
    provincial_evaluation_scope,
    visible_provincial_evaluations_clause,
)
from src.services.monitoring import clock, narrative
from src.services.pooling import pooling_level
from src.subjects.events import record_event

ENTITY = "省级绩效评价"
YEARS = range(2000, 2101)


@dataclass(frozen=True)
class ProvincialEvaluationEdit:
    """An edit of the report's narrative (provincialEvaluationUpdate); None leaves a field as it is."""

    overview: str | None = None  # 一、基本情况
    work: str | None = None  # 二、绩效评价工作开展情况
    conclusion: str | None = None  # 三、综合评价情况及评价结论
    analysis: str | None = None  # 四、绩效评价指标分析
    problems: str | None = None  # 五、主要经验及做法、存在的问题及原因分析
    suggestions: str | None = None  # 六、有关建议
    other: str | None = None  # 七、其他需要说明的问题


async def province_of(session: AsyncSession, region_code: str) -> Region:
    """The region of `region_code` (NotFound if none); the policy refuses one that is not a province."""
    region = (await session.exec(select(Region).where(Region.code == region_code))).first()
    if region is None:
        raise NotFound("行政区划", region_code)
    return region


def check_year(year: int) -> None:
    if year not in YEARS:
        raise ValidationFailed(
            [FieldProblem("input.year", "年度须在 2000 至 2100 之间", ErrorCode.OUT_OF_RANGE)]
        )
    if clock.china_today().year <= year:
        raise PreconditionFailed(
            f"{year}年度预算尚未执行完毕，绩效评价须在年度结束后开展（第十五条）",
            code=SelfEvaluationErrorCode.YEAR_NOT_OVER,
        )


async def visible_provincial_evaluation(
    *, session: AsyncSession, actor: Actor, evaluation_id: int
) -> tuple[ProvincialEvaluation, policy.Scope]:
    """The evaluation and its policy scope if `actor` may read it; one it may not is reported as absent."""
    evaluation = await session.get(ProvincialEvaluation, evaluation_id)
    if evaluation is None or not policy.visible(
        actor, await provincial_evaluation_scope(session, evaluation)
    ):
        raise NotFound(ENTITY, evaluation_id)
    return evaluation, await policy_scope(session, evaluation)


async def open_provincial_evaluation(
    *, session: AsyncSession, actor: Actor, region_code: str, fund_type_code: str, year: int
) -> ProvincialEvaluation:
    """财政厅 opens its province's evaluation of the fund's `year` (DRAFT), once the year is over."""
    fund = (await session.exec(select(FundType).where(FundType.code == fund_type_code))).first()
    if fund is None:
        raise NotFound("险种", fund_type_code)
    province = await province_of(session, region_code)
    assert fund.id is not None and province.id is not None
    scope = policy.Scope(
        region_path=province.path, region_level=province.level, administration=fund.administration
    )
    policy.require(actor, policy.Action.PROVINCIAL_EVALUATION_OPEN, scope)
    check_year(year)
    level = await pooling_level(session=session, fund_type_id=fund.id, year=year)
    evaluation = ProvincialEvaluation(
        region_id=province.id,
        fund_type_id=fund.id,
        year=year,
        pooling_level=level,
        opener_organization_id=actor.organization_id,
    )
    try:  # one opened at the same moment for the same fund and year wins; this one is told so
        async with session.begin_nested():
            session.add(evaluation)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            f"{year}年度{fund.name_zh}省级绩效评价已存在",
            code=SelfEvaluationErrorCode.PROVINCIAL_EVALUATION_EXISTS,
        ) from None
    assert evaluation.id is not None
    await audit.created(session=session, actor=actor, operation="provincialEvaluationOpen", row=evaluation)
    session.add(
        ProvincialEvaluationTransition(
            evaluation_id=evaluation.id,
            action="OPEN",
            from_status=None,
            to_status=ProvincialEvaluationStatus.DRAFT,
            user_id=actor.user_id,
            organization_id=actor.organization_id,
        )
    )
    await record_event(
        session=session,
        kind=ProvincialEvaluationEventKind.PROVINCIAL_EVALUATION_STATUS_CHANGED,
        subject=evaluation,
        actor=actor,
        payload={"action": "OPEN", "toStatus": evaluation.status.value},
    )
    return evaluation


async def update_provincial_evaluation(
    *,
    session: AsyncSession,
    actor: Actor,
    evaluation_id: int,
    row_version: int,
    edit: ProvincialEvaluationEdit,
) -> ProvincialEvaluation:
    """The provincial agency edits a draft or returned report's narrative; its content revision counts up."""
    evaluation, scope = await visible_provincial_evaluation(
        session=session, actor=actor, evaluation_id=evaluation_id
    )
    policy.require(actor, policy.Action.PROVINCIAL_EVALUATION_DRAFT, scope)
    operation = "provincialEvaluationUpdate"
    if evaluation.status not in DRAFTS:
        raise InvalidTransition(
            f"省级绩效评价当前状态为“{evaluation.status.value}”，只有草稿或已退回的可以修改",
            current_status=evaluation.status.value,
            operation=operation,
            code=GoalErrorCode.NOT_EDITABLE,
        )
    texts = narrative.checked({name: getattr(edit, name) for name in NARRATIVE})
    async with audit.changing(session=session, actor=actor, operation=operation, row=evaluation):
        await claim(
            session=session,
            row=evaluation,
            expected_version=row_version,
            extra_where=(col(ProvincialEvaluation.status) == evaluation.status,),
        )
        for name, value in texts.items():
            setattr(evaluation, name, value)
        revised(evaluation)
    await record_event(
        session=session,
        kind=ProvincialEvaluationEventKind.PROVINCIAL_EVALUATION_CHANGED,
        subject=evaluation,
        actor=actor,
        payload={"operation": operation, "contentRevision": evaluation.content_revision, "fields": [*texts]},
    )
    return evaluation


def provincial_evaluations_select(
    actor: Actor, *, year: int | None = None, fund_type_id: int | None = None
) -> SelectOfScalar[ProvincialEvaluation]:
    """The provincial evaluations `actor` may read, of `year` (and fund) if given."""
    stmt = select(ProvincialEvaluation).where(visible_provincial_evaluations_clause(actor))
    if year is not None:
        stmt = stmt.where(ProvincialEvaluation.year == year)
    if fund_type_id is not None:
        stmt = stmt.where(ProvincialEvaluation.fund_type_id == fund_type_id)
    return stmt
