"""src/services/goals/tax.py: the tax department is consulted on a draft (Art. 5 「社会保险经办机构和税务
部门具体负责绩效目标制定」, Art. 7 「商省税务局制定」). It concurs with or objects to the content as it
stands; any edit of the goal, its indicators or its decomposition table voids the concurrence, and the
agency submits only content concurred with."""

from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import (
    AuditEvent,
    Event,
    Goal,
    GoalTaxOpinion,
    GoalUpdate,
    IndicatorTemplate,
    IndicatorUpdate,
)
from src.models.enums import GoalStatus, TaxVerdict
from src.models.goal import GoalEventKind
from src.models.types import FREE_TEXT_MAX_LENGTH
from src.services.actors import Actor
from src.services.errors import (
    CommonErrorCode,
    Conflict,
    ErrorCode,
    FieldProblem,
    Forbidden,
    GoalErrorCode,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.goals import drafts, indicators, tax
from src.services.goals.decomposition_edits import TargetEntry, update_targets
from src.services.goals.indicators import TemplatePick, add_indicators_from_templates
from tests.factories import make_goal
from tests.services.conftest import CHENGDU, PROVINCE, YAAN, Bodies, Call, Sessionmaker, act, refused
from tests.services.goals.conftest import YEAR, ProvinceGoal, goal_row

CONCUR, OBJECT = TaxVerdict.CONCUR, TaxVerdict.OBJECT


def opinion(
    actor: Actor, goal_id: int, verdict: TaxVerdict, text: str | None = None, row_version: int = 1
) -> Call[Goal]:
    return lambda s: tax.record_opinion(
        session=s, actor=actor, goal_id=goal_id, row_version=row_version, verdict=verdict, opinion=text
    )


async def concurrence_refused(sessionmaker: Sessionmaker, goal_id: int) -> PreconditionFailed:
    """What `goalSubmit` would be told about the tax department (tax.require_concurrence)."""
    async with sessionmaker() as session:
        goal = await session.get(Goal, goal_id)
        assert goal is not None
        with pytest.raises(PreconditionFailed) as refusal:
            await tax.require_concurrence(session, goal)
    return refusal.value


async def test_art7_the_tax_department_concurs_with_the_current_content(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    goal = await act(
        sessionmaker, opinion(province.tax, province_draft.id, CONCUR, " 征缴收入预测与税务数据一致 ")
    )
    assert (goal.row_version, goal.content_revision, goal.tax_concurred_revision) == (2, 0, 0)
    async with sessionmaker() as session:
        [given] = (await session.exec(select(GoalTaxOpinion))).all()
        [event] = (await session.exec(select(Event))).all()
        [audit] = (await session.exec(select(AuditEvent))).all()
        stored = await session.get(Goal, province_draft.id)
        assert stored is not None
        assert await tax.require_concurrence(session, stored) == province.tax.organization_id
    assert (given.verdict, given.content_revision, given.opinion) == (CONCUR, 0, "征缴收入预测与税务数据一致")
    assert (given.user_id, given.organization_id) == (province.tax.user_id, province.tax.organization_id)
    assert (event.kind, event.subject_id, event.payload) == (
        GoalEventKind.GOAL_TAX_OPINION,
        province_draft.id,
        {"verdict": "CONCUR", "contentRevision": 0},
    )
    assert (
        audit.operation == "goalTaxConcur"
        and audit.changes["opinion"]["after"] == "征缴收入预测与税务数据一致"
    )


async def test_art7_a_goal_never_concurred_with_is_not_submitted(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    refusal = await concurrence_refused(sessionmaker, province_draft.id)
    assert refusal.code == GoalErrorCode.TAX_CONCURRENCE_REQUIRED
    assert refusal.message.startswith("目标尚未会商税务部门") and "第七条" in refusal.message


async def test_art7_an_objection_needs_its_reason_and_withdraws_a_concurrence(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    for blank in (None, "  "):
        error = await refused(
            sessionmaker, ValidationFailed, opinion(province.tax, province_draft.id, OBJECT, blank)
        )
        assert error.problems == [FieldProblem("input.reason", "不同意须说明理由", ErrorCode.REQUIRED)]
    await act(sessionmaker, opinion(province.tax, province_draft.id, CONCUR))
    objected = await act(
        sessionmaker, opinion(province.tax, province_draft.id, OBJECT, "征缴收入预测偏高", 2)
    )
    assert objected.tax_concurred_revision is None
    refusal = await concurrence_refused(sessionmaker, province_draft.id)
    assert refusal.code == GoalErrorCode.TAX_CONCURRENCE_REQUIRED
    assert refusal.message.startswith("税务部门不同意当前内容：征缴收入预测偏高")


@pytest.mark.parametrize(("verdict", "field"), [(CONCUR, "input.opinion"), (OBJECT, "input.reason")])
async def test_art7_an_opinion_is_free_text_of_bounded_length(
    sessionmaker: Sessionmaker,
    province: Bodies,
    province_draft: ProvinceGoal,
    verdict: TaxVerdict,
    field: str,
) -> None:
    text = "长" * (FREE_TEXT_MAX_LENGTH + 1)
    error = await refused(
        sessionmaker, ValidationFailed, opinion(province.tax, province_draft.id, verdict, text)
    )
    assert [(p.field, p.code) for p in error.problems] == [(field, ErrorCode.OUT_OF_RANGE)]


Edit = Callable[[AsyncSession, Actor, ProvinceGoal, int], Awaitable[object]]


async def edit_goal(s: AsyncSession, agency: Actor, goal: ProvinceGoal, row_version: int) -> object:
    patch = GoalUpdate(content="基金收支平衡、略有结余")
    return await drafts.update_goal(
        session=s, actor=agency, goal_id=goal.id, row_version=row_version, patch=patch
    )


async def edit_indicator(s: AsyncSession, agency: Actor, goal: ProvinceGoal, row_version: int) -> object:
    patch = IndicatorUpdate(target_value=Decimal(96))
    return await indicators.update_indicator(
        session=s, actor=agency, indicator_id=goal.rate_id, row_version=1, patch=patch
    )


async def drop_indicator(s: AsyncSession, agency: Actor, goal: ProvinceGoal, row_version: int) -> object:
    return await indicators.delete_indicator(
        session=s, actor=agency, indicator_id=goal.rate_id, row_version=1
    )


async def pick_indicator(s: AsyncSession, agency: Actor, goal: ProvinceGoal, row_version: int) -> object:
    key = IndicatorTemplate.key == "COMMON:参保对象满意度"
    template = (await s.exec(select(IndicatorTemplate).where(key))).one()
    picks = [TemplatePick(template_id=template.id or 0, weight=Decimal(1))]
    return await add_indicators_from_templates(
        session=s, actor=agency, goal_id=goal.id, row_version=row_version, picks=picks
    )


async def edit_table(s: AsyncSession, agency: Actor, goal: ProvinceGoal, row_version: int) -> object:
    cell = TargetEntry(indicator_id=goal.count_id, region_code=CHENGDU, target_value=Decimal(60))
    return await update_targets(
        session=s, actor=agency, goal_id=goal.id, row_version=row_version, entries=[cell]
    )


@pytest.mark.parametrize(
    "edit",
    [edit_goal, edit_indicator, drop_indicator, pick_indicator, edit_table],
    ids=["goal", "indicator", "indicator deleted", "indicator from the library", "decomposition table"],
)
async def test_art7_any_edit_of_the_content_voids_the_concurrence(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal, edit: Edit
) -> None:
    concurred = await act(sessionmaker, opinion(province.tax, province_draft.id, CONCUR))
    await act(sessionmaker, lambda s: edit(s, province.agency, province_draft, concurred.row_version))
    goal = await goal_row(sessionmaker, province_draft.id)
    assert (goal.content_revision, goal.tax_concurred_revision) == (1, 0)
    refusal = await concurrence_refused(sessionmaker, province_draft.id)
    assert refusal.code == GoalErrorCode.TAX_CONCURRENCE_REQUIRED
    assert refusal.message.startswith("税务部门同意后目标或指标又有修改，须重新会商")
    # Concurring again, on the new revision, is what counts.
    again = await act(
        sessionmaker, opinion(province.tax, province_draft.id, CONCUR, row_version=goal.row_version)
    )
    assert again.tax_concurred_revision == 1


async def test_art7_a_region_without_a_tax_department_is_a_setup_problem(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    async with sessionmaker() as session:
        goal = await make_goal(session, region_code=YAAN, year=YEAR)
        await session.commit()
    refusal = await concurrence_refused(sessionmaker, goal.id or 0)
    assert refusal.code == GoalErrorCode.TAX_DEPARTMENT_MISSING
    assert refusal.message.startswith("雅安市尚未设置税务部门") and "系统设置" in refusal.message


async def test_art7_only_the_tax_department_of_the_goals_region_gives_the_opinion(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies, province_draft: ProvinceGoal
) -> None:
    for actor in (province.agency, province.reviewer, province.finance):
        await refused(sessionmaker, Forbidden, opinion(actor, province_draft.id, CONCUR))
    # 成都市's tax bureau does not see the province's draft at all.
    missing = await refused(sessionmaker, NotFound, opinion(chengdu.tax, province_draft.id, CONCUR))
    assert missing.entity == "绩效目标"


@pytest.mark.parametrize("verdict", [CONCUR, OBJECT])
async def test_art7_opinions_are_on_drafts_and_returned_goals_only(
    sessionmaker: Sessionmaker, province: Bodies, verdict: TaxVerdict
) -> None:
    async with sessionmaker() as session:
        submitted = await make_goal(session, region_code=PROVINCE, year=YEAR, status=GoalStatus.SUBMITTED)
        returned = await make_goal(session, region_code=PROVINCE, year=YEAR + 1, status=GoalStatus.RETURNED)
        await session.commit()
    error = await refused(
        sessionmaker, InvalidTransition, opinion(province.tax, submitted.id or 0, verdict, "理由")
    )
    assert (error.code, error.current_status, error.operation) == (
        GoalErrorCode.WRONG_STATUS,
        "SUBMITTED",
        tax.OPERATION[verdict],
    )
    given = await act(sessionmaker, opinion(province.tax, returned.id or 0, verdict, "理由"))
    assert given.status == GoalStatus.RETURNED


async def test_art7_an_opinion_on_a_stale_row_version_is_a_conflict(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    await act(sessionmaker, opinion(province.tax, province_draft.id, CONCUR))
    error = await refused(sessionmaker, Conflict, opinion(province.tax, province_draft.id, OBJECT, "偏高"))
    assert (error.code, error.current_version) == (CommonErrorCode.STALE_VERSION, 2)
    async with sessionmaker() as session:
        verdicts = (await session.exec(select(GoalTaxOpinion.verdict).order_by(col(GoalTaxOpinion.id)))).all()
    assert list(verdicts) == [CONCUR]
