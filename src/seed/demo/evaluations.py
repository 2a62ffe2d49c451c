"""Demo self-evaluations (绩效自评, Art. 15–18) of 2025: one per pooling region × fund with an annual goal in
force on 31 December 2025, opened through the service by the pooling region's finance (so the prefill from
monitoring, the scoring and the opening's audit and event are the system's own), then filled in and worked
through as rows, the way monitoring's reports are (monitoring_reports.py): the service would stamp every
step with today, and the story is spread over 2026.

As of the demo's today (late 2026): most ACCEPTED by 财政厅 and the administration, some SUBMITTED and
awaiting them, a few submitted after the end of May (marked late, Art. 17), one RETURNED with a reason,
reworked and accepted, a couple still DRAFT. Every line not met or deviating far carries its cause and
measures (Art. 18); the scores are the scoring service's (form_scores.rescore). A couple of forms are
corrected at the year's final figures (with the reason) so that the grades cover 优, 良, 中 and 差.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType, Administration, Comparator, QualitativeGrade, RegionLevel
from src.models.evaluation import SelfEvaluation, SelfEvaluationLine, SelfEvaluationStatus
from src.models.evaluation import SelfEvaluationTransition as Step
from src.models.goal import TARGET_VALUE
from src.seed.demo.context import DemoReference, row_id
from src.seed.demo.evaluation_texts import execution_reason, explain, narrative
from src.seed.demo.monitoring_bodies import Bodies, body, load_bodies
from src.seed.demo.monitoring_scopes import at_office_hours
from src.services.actors import load_actor
from src.services.errors import PreconditionFailed
from src.services.evaluation.form_scores import execution_reason_required, rescore
from src.services.evaluation.routing import route_at
from src.services.evaluation.scoring import scoring_rules
from src.services.evaluation.self_evaluations import OpenRequest, lines_of, open_self_evaluation
from src.services.pooling import pooling_region_level

EVALUATED_YEAR = 2025
DUE = date(EVALUATED_YEAR + 1, 5, 31)  # the rule's SELF_EVALUATION_DEADLINE (Art. 17)
RETURN_REASON = "部分未完成指标的原因分析不够具体，改进措施缺少时间安排，请补充完善后重新上报。"
CORRECTED = "经复核，运行监控数据为快报数，按年度决算数据更正。"
S = SelfEvaluationStatus


@dataclass(frozen=True)
class EvaluationCounts:
    self_evaluations: int
    self_evaluation_lines: int


@dataclass
class _Opened:
    evaluation: SelfEvaluation
    lines: list[SelfEvaluationLine]
    region: str
    fund: str
    administration: Administration


async def add_self_evaluations(
    session: AsyncSession, rng: random.Random, ref: DemoReference
) -> EvaluationCounts:
    bodies = await load_bodies(session)
    opened = await _open_all(session, ref, bodies)
    order = list(range(len(opened)))
    rng.shuffle(order)
    # The stories, in the shuffled order: 0 returned and resubmitted, 1–2 drafts, 3–5 late, 6–7 corrected
    # down (差 and 中), then one in six submitted and awaiting acceptance, the rest accepted.
    story = {index: position for position, index in enumerate(order)}
    for index, item in enumerate(opened):
        position = story[index]
        if position in (6, 7):
            _correct(item, Decimal("0.55") if position == 6 else Decimal("0.8"))
        await _fill(session, rng, item)
        opened_at = await _opened_on(session, rng, item.evaluation)
        if position in (1, 2):
            continue
        status = S.SUBMITTED if position >= 8 and rng.random() < 1 / 6 else S.ACCEPTED
        await _work_through(
            session, rng, ref, bodies, item, status, opened_at, late=3 <= position <= 5, rework=position == 0
        )
    await session.flush()
    return EvaluationCounts(len(opened), sum(len(item.lines) for item in opened))


async def _open_all(session: AsyncSession, ref: DemoReference, bodies: Bodies) -> list[_Opened]:
    opened = []
    for fund in ref.funds:
        level = pooling_region_level(ref.pooling[(row_id(fund), EVALUATED_YEAR)])
        regions = [ref.province] if level == RegionLevel.PROVINCE else ref.prefectures
        for region in regions:
            _, finance_user, _ = body(bodies, region, ActorType.FINANCE, None)
            actor = await load_actor(session=session, user_id=finance_user)
            assert actor is not None
            request = OpenRequest(fund_type_code=fund.code, region_code=region.code, year=EVALUATED_YEAR)
            try:
                evaluation = await open_self_evaluation(session=session, actor=actor, request=request)
            except PreconditionFailed:  # no annual goal in force on 31 December: nothing to evaluate
                continue
            lines = await lines_of(session, evaluation.id or 0)
            opened.append(_Opened(evaluation, lines, region.name, fund.name_zh, fund.administration))
    return opened


def _correct(item: _Opened, factor: Decimal) -> None:
    """The year's final figures below monitoring's: the executed amount and the quantitative actuals moved
    away from their targets by `factor`, the qualitative ones a grade down — each with its reason."""
    evaluation = item.evaluation
    if evaluation.executed is not None:
        evaluation.executed = (evaluation.executed * factor).quantize(Decimal("0.01"))
        evaluation.budget_edit_reason = CORRECTED
    for line in item.lines:
        if line.comparator == Comparator.GRADE:
            line.actual_grade = (
                QualitativeGrade.PARTLY_ACHIEVED if factor > Decimal("0.6") else QualitativeGrade.NOT_ACHIEVED
            )
        elif line.target_value is not None and line.target_value != 0:
            moved = line.target_value * (factor if line.comparator != Comparator.LE else 2 - factor)
            line.actual_value = TARGET_VALUE.quantize(moved)
        if (line.actual_value, line.actual_grade) != (line.prefilled_value, line.prefilled_grade):
            line.actual_reason = CORRECTED


async def _fill(session: AsyncSession, rng: random.Random, item: _Opened) -> None:
    """The agency's edit: rescored, every shortfall explained, the narrative written (content revision 1)."""
    evaluation, lines = item.evaluation, item.lines
    rules = await scoring_rules(session=session, region_id=evaluation.region_id, year=evaluation.year)
    problems = rescore(evaluation, lines, rules)
    assert not problems, problems
    for line in lines:
        if not line.met or line.deviates:
            explain(rng, line)
            line.row_version += 1
    if execution_reason_required(evaluation, rules):
        evaluation.execution_reason = execution_reason(rng)
    evaluation.conclusion, evaluation.problems, evaluation.measures = narrative(
        evaluation, lines, item.region, item.fund
    )
    evaluation.content_revision = 1
    evaluation.row_version += 1
    session.add_all([evaluation, *lines])


async def _work_through(
    session: AsyncSession,
    rng: random.Random,
    ref: DemoReference,
    bodies: Bodies,
    item: _Opened,
    status: SelfEvaluationStatus,
    opened_at: datetime,
    *,
    late: bool,
    rework: bool,
) -> None:
    """Tax concurs, the submitter reports it, the provincial bodies accept (or first return) it."""
    evaluation = item.evaluation
    region = next(r for r in [ref.province, *ref.prefectures] if r.id == evaluation.region_id)
    tax_org, tax_user, _ = body(bodies, region, ActorType.TAX, None)
    sub_org, sub_user, _ = body(bodies, region, route_at(region.level).submitter, item.administration)
    fin_org, fin_user, _ = body(bodies, ref.province, ActorType.FINANCE, None)
    admin = ActorType.HRSS if item.administration == Administration.HRSS else ActorType.MEDICAL_SECURITY
    adm_org, adm_user, _ = body(bodies, ref.province, admin, item.administration)
    # On time by the end of May (the reworked one early enough to be resubmitted by then too), or after it.
    early = (25, 45) if rework else (1, 45)
    day = DUE + timedelta(days=rng.randint(3, 40)) if late else DUE - timedelta(days=rng.randint(*early))
    concurred = at_office_hours(day - timedelta(days=rng.randint(2, 6)), rng)
    submitted = at_office_hours(day, rng)
    steps: list[tuple[str, SelfEvaluationStatus, SelfEvaluationStatus, str | None, int, int, datetime]] = [
        ("TAX_CONCUR", S.DRAFT, S.DRAFT, None, tax_user, tax_org, concurred),
        ("SUBMIT", S.DRAFT, S.SUBMITTED, "逾期上报（第十七条：每年5月底前完成）" if late else None,
         sub_user, sub_org, submitted),
    ]  # fmt: skip
    if rework:
        returned = at_office_hours((submitted + timedelta(days=rng.randint(3, 8))).date(), rng)
        again = at_office_hours((returned + timedelta(days=rng.randint(5, 10))).date(), rng)
        steps += [
            ("RETURN", S.SUBMITTED, S.RETURNED, RETURN_REASON, fin_user, fin_org, returned),
            ("TAX_CONCUR", S.RETURNED, S.RETURNED, None, tax_user, tax_org, again - timedelta(days=1)),
            ("SUBMIT", S.RETURNED, S.SUBMITTED, None, sub_user, sub_org, again),
        ]
        evaluation.content_revision = 2  # reworked after the return
        evaluation.return_reason = None
        submitted = again
    finance_at = at_office_hours((submitted + timedelta(days=rng.randint(3, 12))).date(), rng)
    admin_at = at_office_hours((finance_at + timedelta(days=rng.randint(1, 6))).date(), rng)
    if status == S.ACCEPTED:
        steps += [
            ("ACCEPT", S.SUBMITTED, S.SUBMITTED, "财政厅审核通过", fin_user, fin_org, finance_at),
            ("ACCEPT", S.SUBMITTED, S.ACCEPTED, "主管行政部门审核通过", adm_user, adm_org, admin_at),
        ]
        evaluation.finance_accepted_at, evaluation.administration_accepted_at = finance_at, admin_at
    evaluation.status = status
    evaluation.submitted_at = submitted
    evaluation.late = late
    evaluation.tax_concurred_revision = evaluation.content_revision
    evaluation.row_version += len(steps)
    evaluation.updated_at = steps[-1][-1]
    session.add_all(
        Step(
            evaluation_id=evaluation.id or 0,
            action=action,
            from_status=before,
            to_status=after,
            reason=reason,
            user_id=user,
            organization_id=org,
            at=at,
        )
        for action, before, after, reason, user, org, at in steps
    )


async def _opened_on(session: AsyncSession, rng: random.Random, evaluation: SelfEvaluation) -> datetime:
    """Opened in March 2026 (the service stamped today): the row and its OPEN step moved there."""
    opened_at = at_office_hours(date(EVALUATED_YEAR + 1, 3, rng.randint(2, 20)), rng)
    evaluation.created_at = evaluation.updated_at = opened_at
    await session.flush()
    stmt = select(Step).where(Step.evaluation_id == evaluation.id, col(Step.action) == "OPEN")
    for step in (await session.exec(stmt)).all():
        step.at = opened_at
        session.add(step)
    return opened_at
