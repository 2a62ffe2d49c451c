"""Answering a warning (Art. 14 「分类予以处置」), by the pooling region's bodies (WARNING_RESPOND: finance,
the supervising administration, the agency):

- CORRECTION 提示警示纠偏: a note of what is being corrected;
- URGE 督促加快执行进度: the date by which (after today, within the warning's year);
- ADJUSTMENT 按程序调整: opens the goal's adjustment (Art. 14, src/services/goals/workflow.py
  request_adjustment) with its assessment prefilled from the warning (light, ratio, deviation, period), the
  note as its reason; where the goal's adjustment is already open (another warning opened it), the warning
  is linked to it. Either way `adjustment_goal_id` names the new version;
- CLOSE: closed with a reason (also after an answer, once the matter is settled).

A response may first be saved as a draft (RESPONSE_DRAFT): the warning is then a draft (scope.py), read in
its region and above, not from below, until the response is given. Each response, drafted or given, is an
event (MONITORING_WARNING_ANSWERED, with the status it left: a draft's event is seen where the draft is) and
an entry of the audit trail.
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, Indicator, Region
from src.models.base import utcnow
from src.models.enums import label_zh
from src.models.monitoring import (
    MonitoringWarning,
    WarningEventKind,
    WarningKind,
    WarningResponseKind,
    WarningStatus,
)
from src.models.types import FREE_TEXT_MAX_LENGTH
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import (
    ErrorCode,
    FieldProblem,
    InvalidTransition,
    NotFound,
    ValidationFailed,
    WarningErrorCode,
)
from src.services.goals import workflow
from src.services.monitoring.evaluation import china_today
from src.services.monitoring.scope import warning_scope
from src.services.rows import kept_row
from src.subjects.events import record_event

OPEN_STATES = frozenset({WarningStatus.OPEN, WarningStatus.RESPONSE_DRAFT})
NOTE_REQUIRED = {
    WarningResponseKind.CORRECTION: "须说明纠偏措施",
    WarningResponseKind.ADJUSTMENT: "须说明调整理由",
    WarningResponseKind.CLOSE: "须说明关闭理由",
}


@dataclass(frozen=True)
class Response:
    kind: WarningResponseKind
    note: str = ""
    urge_due_on: date | None = None
    # ADJUSTMENT: parts of the assessment given by the responder; the rest are prefilled from the warning.
    what_changed: str | None = None
    fund_effect: str | None = None
    target_effect: str | None = None


async def visible_warning(*, session: AsyncSession, actor: Actor, warning_id: int) -> MonitoringWarning:
    """The warning, if `actor` may read it; else NotFound (its existence does not leak)."""
    row = await session.get(MonitoringWarning, warning_id)
    if row is None or not policy.visible(actor, await warning_scope(session, row)):
        raise NotFound("运行监控预警", warning_id)
    return row


def _check(response: Response, warning: MonitoringWarning, today: date, *, draft: bool) -> Response:
    """The response as given, trimmed; what a given response lacks (a draft may lack it) refused by field."""
    note = response.note.strip()
    problems = []
    if len(note) > FREE_TEXT_MAX_LENGTH:
        message = f"内容过长（最多 {FREE_TEXT_MAX_LENGTH} 个字符）"
        problems.append(FieldProblem("input.note", message, ErrorCode.OUT_OF_RANGE))
    elif not note and not draft and response.kind in NOTE_REQUIRED:
        problems.append(FieldProblem("input.note", NOTE_REQUIRED[response.kind], ErrorCode.REQUIRED))
    due = response.urge_due_on if response.kind == WarningResponseKind.URGE else None
    if response.kind == WarningResponseKind.URGE and due is None and not draft:
        problems.append(FieldProblem("input.urgeDueOn", "督促须给出完成时限", ErrorCode.REQUIRED))
    if due is not None and not today < due <= date(warning.year, 12, 31):
        message = f"完成时限须晚于今天（{today.isoformat()}），且不晚于 {warning.year} 年 12 月 31 日"
        problems.append(FieldProblem("input.urgeDueOn", message, ErrorCode.OUT_OF_RANGE))
    if problems:
        raise ValidationFailed(problems)
    return Response(
        response.kind, note, due, response.what_changed, response.fund_effect, response.target_effect
    )


def _check_state(warning: MonitoringWarning, response: Response, operation: str) -> None:
    closing = response.kind == WarningResponseKind.CLOSE and operation == "warningRespond"
    if warning.status in OPEN_STATES or (closing and warning.status == WarningStatus.ANSWERED):
        return
    closed = warning.status == WarningStatus.CLOSED
    raise InvalidTransition(
        "该预警已关闭" if closed else "该预警已处置，只能关闭",
        current_status=warning.status.value,
        operation=operation,
        code=WarningErrorCode.WARNING_CLOSED if closed else WarningErrorCode.WARNING_ALREADY_ANSWERED,
    )


async def _writable(
    session: AsyncSession, actor: Actor, warning_id: int, row_version: int, response: Response, operation: str
) -> MonitoringWarning:
    """The warning `actor` may answer now, claimed at `row_version` (a concurrent answer loses)."""
    warning = await visible_warning(session=session, actor=actor, warning_id=warning_id)
    region = await kept_row(session, Region, warning.region_id)
    fund = await kept_row(session, FundType, warning.fund_type_id)
    assert region is not None and fund is not None
    scope = policy.Scope(region.path, region.level, fund.administration)
    policy.require(actor, policy.Action.WARNING_RESPOND, scope)
    _check_state(warning, response, operation)
    await claim(
        session=session,
        row=warning,
        expected_version=row_version,
        extra_where=(col(MonitoringWarning.status) == warning.status,),
    )
    return warning


def _fill(warning: MonitoringWarning, response: Response, status: WarningStatus, actor: Actor) -> None:
    warning.status = status
    warning.response = response.kind
    warning.response_note = response.note
    warning.urge_due_on = response.urge_due_on
    warning.responded_at = utcnow()
    warning.responder_user_id = actor.user_id
    warning.responder_organization_id = actor.organization_id


async def save_draft(
    *,
    session: AsyncSession,
    actor: Actor,
    warning_id: int,
    row_version: int,
    response: Response,
    today: date | None = None,
) -> MonitoringWarning:
    """Saves a response not yet given (RESPONSE_DRAFT): read in the region and below only."""
    operation = "warningResponseDraft"
    warning = await _writable(session, actor, warning_id, row_version, response, operation)
    checked = _check(response, warning, today or china_today(), draft=True)
    async with audit.changing(session=session, actor=actor, operation=operation, row=warning):
        _fill(warning, checked, WarningStatus.RESPONSE_DRAFT, actor)
    await _announce(session, actor, warning)
    return warning


async def _announce(session: AsyncSession, actor: Actor, warning: MonitoringWarning) -> None:
    await record_event(
        session=session,
        kind=WarningEventKind.MONITORING_WARNING_ANSWERED,
        subject=warning,
        actor=actor,
        payload={
            "response": warning.response.value if warning.response else None,
            "status": warning.status.value,
            "urgeDueOn": warning.urge_due_on.isoformat() if warning.urge_due_on else None,
            "adjustmentGoalId": warning.adjustment_goal_id,
        },
    )


async def respond(
    *,
    session: AsyncSession,
    actor: Actor,
    warning_id: int,
    row_version: int,
    response: Response,
    today: date | None = None,
) -> MonitoringWarning:
    """Gives a response (see the module's description); ADJUSTMENT opens or joins the goal's adjustment."""
    operation = "warningRespond"
    warning = await _writable(session, actor, warning_id, row_version, response, operation)
    checked = _check(response, warning, today or china_today(), draft=False)
    adjustment: Goal | None = None
    if checked.kind == WarningResponseKind.ADJUSTMENT:
        adjustment = await _adjustment(session, actor, warning, checked)
    closing = checked.kind == WarningResponseKind.CLOSE
    async with audit.changing(session=session, actor=actor, operation=operation, row=warning):
        _fill(warning, checked, WarningStatus.CLOSED if closing else WarningStatus.ANSWERED, actor)
        warning.adjustment_goal_id = adjustment.id if adjustment is not None else warning.adjustment_goal_id
    await _announce(session, actor, warning)
    return warning


async def subject_of(session: AsyncSession, warning: MonitoringWarning) -> str:
    """What the warning is about, as a reader names it: the indicator's level-3 name or the budget line."""
    if warning.kind == WarningKind.EXECUTION and warning.budget_item is not None:
        return label_zh(warning.budget_item)
    stmt = select(Indicator.level3).where(
        Indicator.goal_id == warning.goal_id, Indicator.lineage_id == warning.indicator_lineage_id
    )
    return (await session.exec(stmt)).first() or "指标"


def prefilled(warning: MonitoringWarning, subject: str) -> workflow.Assessment:
    """The adjustment's assessment as far as the warning tells it (Art. 14 「经评估后」); what it cannot
    tell (an indicator's effect on the fund, an execution line's on the targets) is left for the responder."""
    period = f"{warning.year}年1-{warning.month}月"
    light = label_zh(warning.light)
    known = warning.ratio is not None
    if warning.kind == WarningKind.EXECUTION:
        progress = f"执行进度为序时进度的 {warning.ratio}%（偏差 {warning.deviation}%）" if known else ""
        large = "，执行偏差较大" if warning.large_deviation else ""
        what = f"{period}运行监控：{subject}预算执行{light}" + (f"，{progress}" if known else "") + large
        fund = f"{subject}{period}{progress}" if known else ""
        return workflow.Assessment(what_changed=what, reason="", fund_effect=fund, target_effect="")
    progress = f"完成值为预期的 {warning.ratio}%（偏差 {warning.deviation}%）" if known else ""
    review = "；绩效目标连续多期红灯，提请评估调整" if warning.adjustment_review else ""
    what = f"{period}运行监控：指标“{subject}”{light}" + (f"，{progress}" if known else "") + review
    target = f"按{period}进度，指标“{subject}”{progress}" if known else ""
    return workflow.Assessment(what_changed=what, reason="", fund_effect="", target_effect=target)


async def _adjustment(
    session: AsyncSession, actor: Actor, warning: MonitoringWarning, response: Response
) -> Goal:
    """The goal's adjustment the warning opens, or the one already open in its lineage."""
    goal = await session.get_one(Goal, warning.goal_id)
    stmt = select(Goal).where(Goal.lineage_id == goal.lineage_id).order_by(col(Goal.version).desc())
    versions = list((await session.exec(stmt)).all())
    in_force = next((g for g in versions if g.status in policy.ISSUED_STATES), goal)
    if versions[0].version > in_force.version:
        return versions[0]  # already being adjusted (another warning, or by hand): the answer joins it
    base = prefilled(warning, await subject_of(session, warning))
    assessment = workflow.Assessment(
        what_changed=response.what_changed or base.what_changed,
        reason=response.note,
        fund_effect=response.fund_effect or base.fund_effect,
        target_effect=response.target_effect or base.target_effect,
    )
    assert in_force.id is not None
    return await workflow.request_adjustment(
        session=session,
        actor=actor,
        goal_id=in_force.id,
        row_version=in_force.row_version,
        assessment=assessment,
    )
