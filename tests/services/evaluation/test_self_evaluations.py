"""src/services/evaluation/self_evaluations.py and self_evaluation_edits.py: the pooling region's finance
opens one self-evaluation per fund and year once the year is over (Art. 15, 17), on the goal in force on
31 December read from its transitions, its indicators matched by lineage, the actuals and the budget block
prefilled from monitoring (rates from the summed numerators and denominators); the agency edits it, and an
edited prefilled value needs its reason."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import select

from src.db import session_scope
from src.models import Goal
from src.models.enums import GoalStatus, QualitativeGrade
from src.models.evaluation import SelfEvaluationStatus, SelfEvaluationTransition
from src.services.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    SelfEvaluationErrorCode,
    ValidationFailed,
)
from src.services.evaluation.self_evaluation_edits import LineEdit
from tests.factories import make_goal, make_indicator
from tests.services.conftest import CHENGDU, ZIGONG, Bodies, Sessionmaker, act, bodies_of, refused
from tests.services.evaluation.calls import current, lines, open_, update
from tests.services.evaluation.conftest import move_today
from tests.services.evaluation.world import YEAR, evaluated, step


async def test_art17_the_pooling_regions_finance_opens_it_prefilled_from_monitoring(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    world = await evaluated(sessionmaker, chengdu)
    evaluation = await act(sessionmaker, open_(chengdu.finance, CHENGDU))
    assert evaluation.status == SelfEvaluationStatus.DRAFT and evaluation.goal_id == world.goal.id
    assert evaluation.pooling_level.value == "PREFECTURE"
    found = {line.indicator_lineage_id: line for line in await lines(sessionmaker, evaluation.id or 0)}
    assert set(found) == {i.lineage_id for i in (world.insured, world.paid, world.adjustments, world.policy)}
    insured, paid = found[world.insured.lineage_id], found[world.paid.lineage_id]
    assert insured.actual_value == Decimal(1250) == insured.prefilled_value  # December's, not June's
    assert paid.actual_value == Decimal(90)  # (45 + 45) ÷ (50 + 50), the counties' parts summed
    assert found[world.policy.lineage_id].actual_grade == QualitativeGrade.ACHIEVED
    assert insured.met and insured.score == Decimal(40) and not paid.met
    assert insured.weight == Decimal(40) and insured.target_value == Decimal(1200)
    # 基金支出: the expenditure lines' budget, December's execution of each line.
    assert evaluation.initial_budget == Decimal("21000002.10") == evaluation.adjusted_budget
    assert evaluation.executed == Decimal("12800000.00") == evaluation.prefilled_executed
    assert evaluation.total_score is not None and evaluation.grade is not None
    async with sessionmaker() as session:
        steps = (await session.exec(select(SelfEvaluationTransition))).all()
    assert [(x.action, x.to_status) for x in steps] == [("OPEN", SelfEvaluationStatus.DRAFT)]


async def test_art17_only_finance_opens_and_only_in_a_pooling_region(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    await evaluated(sessionmaker, chengdu)
    await refused(sessionmaker, Forbidden, open_(chengdu.agency, CHENGDU))
    province = await bodies_of(sessionmaker, "510000")
    refusal = await refused(sessionmaker, ValidationFailed, open_(province.finance, "510000"))
    assert refusal.problems[0].field == "input.regionCode"
    await refused(sessionmaker, NotFound, open_(chengdu.finance, CHENGDU, fund="NO_SUCH_FUND"))


async def test_art17_one_self_evaluation_per_region_fund_and_year(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    await evaluated(sessionmaker, chengdu)
    await act(sessionmaker, open_(chengdu.finance, CHENGDU))
    refusal = await refused(sessionmaker, Conflict, open_(chengdu.finance, CHENGDU))
    assert refusal.code == SelfEvaluationErrorCode.SELF_EVALUATION_EXISTS


async def test_art15_not_before_the_year_is_over(
    sessionmaker: Sessionmaker, chengdu: Bodies, monkeypatch: pytest.MonkeyPatch
) -> None:
    await evaluated(sessionmaker, chengdu)
    move_today(monkeypatch, date(2026, 12, 31))
    refusal = await refused(sessionmaker, PreconditionFailed, open_(chengdu.finance, CHENGDU))
    assert refusal.code == SelfEvaluationErrorCode.YEAR_NOT_OVER and "第十五条" in refusal.message


async def test_art15_refused_without_a_goal_in_force_on_31_december(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    # Issued only on 2 January 2027 (in China): the year did not run on it.
    await evaluated(sessionmaker, chengdu, issued=datetime(2027, 1, 1, 17, tzinfo=UTC))
    refusal = await refused(sessionmaker, PreconditionFailed, open_(chengdu.finance, CHENGDU))
    assert refusal.code == SelfEvaluationErrorCode.NO_GOAL_AT_YEAR_END


async def test_art15_the_version_in_force_on_31_december_not_a_later_adjustment(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    world = await evaluated(sessionmaker, chengdu)
    adjusted = datetime(2027, 2, 10, 2, tzinfo=UTC)
    async with session_scope(sessionmaker) as s:
        first = await s.get_one(Goal, world.goal.id)
        first.status = GoalStatus.SUPERSEDED
        await step(s, first, chengdu.finance, GoalStatus.SUPERSEDED, adjusted, GoalStatus.ISSUED)
        second = await make_goal(
            s, region_code=CHENGDU, status=GoalStatus.ISSUED, indicators=0, version=2,
            lineage_id=first.lineage_id, previous_version_id=first.id,
        )  # fmt: skip
        await make_indicator(s, second)
        await step(s, second, chengdu.finance, GoalStatus.ISSUED, adjusted, GoalStatus.REVIEWED)
    evaluation = await act(sessionmaker, open_(chengdu.finance, CHENGDU))
    assert evaluation.goal_id == world.goal.id
    assert len(await lines(sessionmaker, evaluation.id or 0)) == 4


async def test_art18_the_agency_edits_and_an_edited_actual_needs_its_reason(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    world = await evaluated(sessionmaker, chengdu)
    evaluation = await act(sessionmaker, open_(chengdu.finance, CHENGDU))
    corrected = LineEdit(world.paid.lineage_id, actual_value=Decimal(96))
    refusal = await refused(
        sessionmaker, ValidationFailed, update(chengdu.agency, evaluation, lines=(corrected,))
    )
    assert [p.field for p in refusal.problems] == ["input.lines.0.actualReason"]
    assert "待遇按时足额发放率" in refusal.problems[0].message
    await refused(sessionmaker, Forbidden, update(chengdu.finance, evaluation, conclusion="结论"))
    reasoned = LineEdit(world.paid.lineage_id, actual_value=Decimal(96), actual_reason="年报数据更正")
    edited = await act(sessionmaker, update(chengdu.agency, evaluation, lines=(reasoned,), conclusion="结论"))
    assert edited.content_revision == evaluation.content_revision + 1 and edited.conclusion == "结论"
    paid = next(
        x
        for x in await lines(sessionmaker, edited.id or 0)
        if x.indicator_lineage_id == world.paid.lineage_id
    )
    assert paid.actual_value == Decimal(96) and paid.prefilled_value == Decimal(90) and paid.met


async def test_art17_an_edited_budget_figure_needs_its_reason(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    await evaluated(sessionmaker, chengdu)
    evaluation = await act(sessionmaker, open_(chengdu.finance, CHENGDU))
    refusal = await refused(
        sessionmaker, ValidationFailed, update(chengdu.agency, evaluation, executed=Decimal("20000000"))
    )
    assert [p.field for p in refusal.problems] == ["input.budgetEditReason"]
    # A bad reason is named as the API names the field (it said input.execution_reason before).
    bell = update(chengdu.agency, evaluation, execution_reason="\x07")
    bad = await refused(sessionmaker, ValidationFailed, bell)
    assert [p.field for p in bad.problems] == ["input.executionReason"]
    edited = await act(
        sessionmaker,
        update(chengdu.agency, evaluation, executed=Decimal("20000000"), budget_edit_reason="决算数"),
    )
    assert edited.executed == Decimal("20000000.00") and edited.prefilled_executed == Decimal("12800000.00")
    assert edited.execution_rate is not None and edited.execution_rate > evaluation.execution_rate  # type: ignore[operator]


async def test_art17_a_goal_of_another_region_is_not_evaluated_here(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    zigong = await bodies_of(sessionmaker, ZIGONG)
    await evaluated(sessionmaker, zigong)
    refusal = await refused(sessionmaker, PreconditionFailed, open_(chengdu.finance, CHENGDU))
    assert refusal.code == SelfEvaluationErrorCode.NO_GOAL_AT_YEAR_END
    assert (await act(sessionmaker, open_(zigong.finance, ZIGONG))).year == YEAR


async def test_art17_unknown_lines_are_refused(sessionmaker: Sessionmaker, chengdu: Bodies) -> None:
    await evaluated(sessionmaker, chengdu)
    evaluation = await act(sessionmaker, open_(chengdu.finance, CHENGDU))
    stranger = LineEdit(uuid.uuid4(), cause="x")
    refusal = await refused(
        sessionmaker, ValidationFailed, update(chengdu.agency, evaluation, lines=(stranger,))
    )
    assert refusal.problems[0].field == "input.lines.0.indicatorLineageId"
    assert (await current(sessionmaker, evaluation.id or 0)).content_revision == 0
