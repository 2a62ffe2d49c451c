"""src/services/evaluation/self_evaluation_workflow.py and submission.py: the tax department concurs with
the current content (any edit voids it); submission is refused while a line not met lacks its cause or its
measures (Art. 18), naming each; who submits and who accepts follow the fund's pooling level (Art. 17:
a prefecture-pooled fund by its agency with tax, sent by its finance to the provincial bodies; a fund pooled
at the province by the provincial agency with 省税务局, to 财政厅 and the administration); a return carries
its reason; one submitted after the end of May is marked late, not refused, and shows so in `deadlines`."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import col, select

from src.models import Region
from src.models.evaluation import SelfEvaluation, SelfEvaluationStatus, SelfEvaluationTransition
from src.services.deadlines import DeadlineStatus
from src.services.deadlines.listing import all_items
from src.services.errors import (
    ErrorCode,
    Forbidden,
    GoalErrorCode,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.evaluation.deadlines import SELF_EVALUATION
from src.services.evaluation.self_evaluation_edits import LineEdit
from src.services.evaluation.self_evaluations import visible_self_evaluation
from tests.services.conftest import CHENGDU, HRSS, PROVINCE, Bodies, Sessionmaker, act, bodies_of, refused
from tests.services.evaluation.calls import accept, concur, current, open_, send_back, submit, update
from tests.services.evaluation.conftest import move_today
from tests.services.evaluation.world import Evaluated, evaluated

S = SelfEvaluationStatus
EXPLAINED = {
    "conclusion": "总体完成",
    "problems": "发放率偏低",
    "measures": "加强稽核",
    "execution_reason": "支出放缓",
}


async def filled(sessionmaker: Sessionmaker, world: Evaluated, *, explain: bool = True) -> SelfEvaluation:
    """Opened by the region's finance, filled in by its agency (every shortfall explained if `explain`),
    concurred with by its tax department."""
    bodies = world.bodies
    evaluation = await act(
        sessionmaker, open_(bodies.finance, bodies.region_code, fund=_fund(sessionmaker, world))
    )
    cause = LineEdit(world.paid.lineage_id, cause="部分县区系统切换", measures="按月通报进度")
    edit = {**EXPLAINED, "lines": (cause,) if explain else ()}
    evaluation = await act(sessionmaker, update(bodies.agency, evaluation, **edit))
    return await act(sessionmaker, concur(bodies.tax, evaluation))


def _fund(sessionmaker: Sessionmaker, world: Evaluated) -> str:
    return "UNEMPLOYMENT" if world.bodies.region_code == PROVINCE else "EMPLOYEE_MEDICAL"


async def test_art18_submission_names_every_line_without_cause(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    world = await evaluated(sessionmaker, chengdu)
    evaluation = await filled(sessionmaker, world, explain=False)
    refusal = await refused(sessionmaker, ValidationFailed, submit(chengdu.finance, evaluation))
    assert [(p.field, p.code) for p in refusal.problems] == [
        ("selfEvaluation.lines.1.cause", ErrorCode.REQUIRED),
        ("selfEvaluation.lines.1.measures", ErrorCode.REQUIRED),
    ]
    assert all("待遇按时足额发放率" in p.message and "第十八条" in p.message for p in refusal.problems)


async def test_art18_the_narrative_and_a_low_execution_rates_reason_are_required(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    world = await evaluated(sessionmaker, chengdu)
    evaluation = await filled(sessionmaker, world)
    evaluation = await act(
        sessionmaker, update(chengdu.agency, evaluation, execution_reason="", conclusion="")
    )
    refusal = await refused(sessionmaker, ValidationFailed, submit(chengdu.finance, evaluation))
    assert [p.field for p in refusal.problems] == ["selfEvaluation.conclusion"]
    evaluation = await act(sessionmaker, update(chengdu.agency, evaluation, conclusion="结论"))
    refusal = await refused(sessionmaker, ValidationFailed, submit(chengdu.finance, evaluation))
    assert [p.field for p in refusal.problems] == ["selfEvaluation.executionReason"]  # 60.95 % < 90 %


async def test_art17_tax_concurrence_is_required_and_any_edit_voids_it(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    world = await evaluated(sessionmaker, chengdu)
    evaluation = await filled(sessionmaker, world)
    await refused(sessionmaker, Forbidden, concur(chengdu.agency, evaluation))
    evaluation = await act(sessionmaker, update(chengdu.agency, evaluation, problems="又改了"))
    refusal = await refused(sessionmaker, PreconditionFailed, submit(chengdu.finance, evaluation))
    assert refusal.code == GoalErrorCode.TAX_CONCURRENCE_REQUIRED and "又有修改" in refusal.message
    evaluation = await act(sessionmaker, concur(chengdu.tax, evaluation))
    assert (await act(sessionmaker, submit(chengdu.finance, evaluation))).status == S.SUBMITTED


async def test_art17_a_prefecture_pooled_fund_is_evaluated_by_its_agency(
    sessionmaker: Sessionmaker, chengdu: Bodies, province: Bodies
) -> None:
    world = await evaluated(sessionmaker, chengdu)
    evaluation = await filled(sessionmaker, world)
    # Drafted by the agency with tax; 由财政部门牵头报: the prefecture's finance sends it, not the agency.
    await refused(sessionmaker, Forbidden, submit(chengdu.agency, evaluation))
    await refused(sessionmaker, InvalidTransition, accept(province.finance, evaluation))  # not yet sent
    evaluation = await act(sessionmaker, submit(chengdu.finance, evaluation))
    assert evaluation.status == S.SUBMITTED and evaluation.submitted_at is not None and not evaluation.late
    async with sessionmaker() as session:  # 省税务局 is among the four recipients: it reads it
        await visible_self_evaluation(session=session, actor=province.tax, evaluation_id=evaluation.id or 0)
    await refused(sessionmaker, Forbidden, accept(chengdu.finance, evaluation))
    await refused(sessionmaker, Forbidden, accept(province.tax, evaluation))
    evaluation = await act(sessionmaker, accept(province.finance, evaluation))
    assert evaluation.status == S.SUBMITTED and evaluation.finance_accepted_at is not None
    await refused(sessionmaker, InvalidTransition, accept(province.finance, evaluation))
    evaluation = await act(sessionmaker, accept(province.reviewer, evaluation))
    assert evaluation.status == S.ACCEPTED
    async with sessionmaker() as session:
        steps = (
            await session.exec(select(SelfEvaluationTransition).order_by(col(SelfEvaluationTransition.id)))
        ).all()
    assert [x.action for x in steps] == ["OPEN", "TAX_CONCUR", "SUBMIT", "ACCEPT", "ACCEPT"]


async def test_art17_a_provincially_pooled_fund_is_reported_by_the_provincial_agency(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    bodies = await bodies_of(sessionmaker, PROVINCE, HRSS)  # 统收统支: unemployment insurance
    world = await evaluated(sessionmaker, bodies, fund="UNEMPLOYMENT")
    evaluation = await filled(sessionmaker, world)
    assert evaluation.pooling_level.value == "PROVINCIAL_UNIFIED"
    await refused(sessionmaker, Forbidden, submit(bodies.finance, evaluation))
    evaluation = await act(sessionmaker, submit(bodies.agency, evaluation))
    medical = await bodies_of(sessionmaker, PROVINCE)
    await refused(sessionmaker, NotFound, accept(medical.reviewer, evaluation))  # 省医保局: not its fund
    evaluation = await act(sessionmaker, accept(bodies.reviewer, evaluation))  # 人社厅
    evaluation = await act(sessionmaker, accept(bodies.finance, evaluation))  # 财政厅
    assert evaluation.status == S.ACCEPTED


async def test_art17_returned_with_a_reason_then_reworked_and_resubmitted(
    sessionmaker: Sessionmaker, chengdu: Bodies, province: Bodies
) -> None:
    world = await evaluated(sessionmaker, chengdu)
    evaluation = await act(sessionmaker, submit(chengdu.finance, await filled(sessionmaker, world)))
    evaluation = await act(sessionmaker, accept(province.reviewer, evaluation))
    await refused(sessionmaker, ValidationFailed, send_back(province.finance, evaluation, "  "))
    evaluation = await act(sessionmaker, send_back(province.finance, evaluation, "原因分析不充分"))
    assert evaluation.status == S.RETURNED and evaluation.return_reason == "原因分析不充分"
    assert evaluation.administration_accepted_at is None
    await refused(sessionmaker, InvalidTransition, accept(province.finance, evaluation))
    evaluation = await act(sessionmaker, update(chengdu.agency, evaluation, problems="补充分析"))
    evaluation = await act(sessionmaker, concur(chengdu.tax, evaluation))
    evaluation = await act(sessionmaker, submit(chengdu.finance, evaluation))
    assert evaluation.status == S.SUBMITTED and evaluation.return_reason is None


async def deadline(sessionmaker: Sessionmaker, today: date) -> tuple[date, DeadlineStatus]:
    async with sessionmaker() as session:
        area = (await session.exec(select(Region).where(Region.code == PROVINCE))).one()
        found = await all_items(session, area, 2027)
    (item,) = [i for i in found if i.kind == SELF_EVALUATION and i.region.code == CHENGDU and i.year == 2026]
    return item.due_on, item.status(today)


async def test_art17_submitted_after_may_is_marked_late_not_refused(
    sessionmaker: Sessionmaker, chengdu: Bodies, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await evaluated(sessionmaker, chengdu)
    evaluation = await filled(sessionmaker, world)
    assert await deadline(sessionmaker, date(2027, 5, 31)) == (date(2027, 5, 31), DeadlineStatus.PENDING)
    assert await deadline(sessionmaker, date(2027, 6, 1)) == (date(2027, 5, 31), DeadlineStatus.OVERDUE)
    move_today(monkeypatch, date(2027, 6, 2))
    evaluation = await act(sessionmaker, submit(chengdu.finance, evaluation))
    assert evaluation.status == S.SUBMITTED and evaluation.late
    async with sessionmaker() as session:
        step = (
            await session.exec(
                select(SelfEvaluationTransition).where(SelfEvaluationTransition.action == "SUBMIT")
            )
        ).one()
    assert step.reason is not None and "逾期" in step.reason
    # The listing's date is the submission's day in China (the test's submission is now: December 2026 UTC);
    # the self-evaluation's own mark follows the service's calendar.
    assert (await current(sessionmaker, evaluation.id or 0)).late


async def test_art17_submitted_by_the_end_of_may_is_on_time(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    world = await evaluated(sessionmaker, chengdu)
    evaluation = await act(sessionmaker, submit(chengdu.finance, await filled(sessionmaker, world)))
    assert not evaluation.late
    _, status = await deadline(sessionmaker, date(2027, 6, 15))
    assert status == DeadlineStatus.DONE
    assert Decimal(0) <= (evaluation.total_score or Decimal(-1)) <= Decimal(100)
