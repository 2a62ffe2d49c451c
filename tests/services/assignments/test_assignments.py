"""src/services/assignments/: finance of a record's region entrusts it to a third party for a period
(Art. 17 「绩效评价工作可委托中介机构、高等院校、专家等第三方具体实施」); the third party reads it and fills
it in while the assignment is active — from the first day's start to the last day's end, Beijing time,
unless ended early — and takes none of the steps Art. 17 leaves to the agency, the tax department and
the recipients."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from src.models import Assignment, AuditEvent, Event
from src.models.enums import ActorType
from src.models.evaluation import SelfEvaluation
from src.services import policy
from src.services.actors import Actor
from src.services.assignments.assignments import AssignmentRequest, create_assignment, end_assignment
from src.services.errors import AssignmentErrorCode, Conflict, Forbidden, NotFound, ValidationFailed
from src.services.evaluation.scope import policy_scope, self_evaluation_scope
from tests.factories import make_actor
from tests.services.assignments.world import (
    BEFORE,
    DURING,
    ENDS_AT,
    ENDS_ON,
    STARTS_AT,
    STARTS_ON,
    evaluation_in,
    reloaded,
    third_party,
)
from tests.services.conftest import CHENGDU, ZIGONG, Bodies, Call, Sessionmaker, act, refused

Action = policy.Action


def assign(
    actor: Actor,
    evaluation: SelfEvaluation,
    to: Actor,
    starts_on: date = STARTS_ON,
    ends_on: date = ENDS_ON,
    **fields: str | int,
) -> Call[Assignment]:
    values: dict[str, object] = {
        "subject_type": "SelfEvaluation",
        "subject_id": evaluation.id or 0,
        "organization_id": to.organization_id,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "note": "委托天府事务所实施",
        **fields,
    }
    request = AssignmentRequest(**values)  # type: ignore[arg-type]
    return lambda s: create_assignment(session=s, actor=actor, request=request, now=BEFORE)


def end(actor: Actor, assignment: Assignment, reason: str = "合同终止") -> Call[Assignment]:
    return lambda s: end_assignment(
        session=s, actor=actor, assignment_id=assignment.id or 0, reason=reason, now=DURING
    )


async def test_art17_finance_assigns_an_evaluation_to_a_third_party_for_china_dates(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    evaluation = await evaluation_in(sessionmaker, CHENGDU)
    firm = await third_party(sessionmaker)
    row = await act(sessionmaker, assign(chengdu.finance, evaluation, firm))
    # Both days inclusive, Beijing time: from 00:00 on 1 April to 00:00 on 1 July.
    assert (row.starts_at, row.ends_at) == (STARTS_AT, ENDS_AT)
    assert row.organization_id == firm.organization_id and row.created_by_id == chengdu.finance.user_id
    async with sessionmaker() as session:
        audit = (await session.exec(select(AuditEvent).where(AuditEvent.target_type == "Assignment"))).all()
        events = (await session.exec(select(Event).where(Event.subject_type == "Assignment"))).all()
    assert [(a.operation, a.user_id) for a in audit] == [("assignmentCreate", chengdu.finance.user_id)]
    assert [e.kind for e in events] == ["ASSIGNMENT_CHANGED"]
    assert (events[0].scope_subject_type, events[0].scope_subject_id) == ("SelfEvaluation", evaluation.id)


async def test_art17_the_assignment_is_active_from_the_first_day_to_the_end_of_the_last(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    evaluation = await evaluation_in(sessionmaker, CHENGDU)
    firm = await third_party(sessionmaker)
    await act(sessionmaker, assign(chengdu.finance, evaluation, firm))
    key = ("SelfEvaluation", evaluation.id)
    second = timedelta(seconds=1)
    assert (await reloaded(sessionmaker, firm, STARTS_AT - second)).assignments == frozenset()  # 31 March
    assert (await reloaded(sessionmaker, firm, STARTS_AT)).assignments == {key}  # 1 April, 00:00 Beijing
    assert (await reloaded(sessionmaker, firm, ENDS_AT - second)).assignments == {key}  # 30 June, 23:59:59
    assert (await reloaded(sessionmaker, firm, ENDS_AT)).assignments == frozenset()  # 1 July
    # Finance and every other actor are never assigned anything.
    assert (await reloaded(sessionmaker, chengdu.finance, DURING)).assignments == frozenset()


async def test_art17_ended_early_it_is_no_longer_active_and_ends_once(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    evaluation = await evaluation_in(sessionmaker, CHENGDU)
    firm = await third_party(sessionmaker)
    row = await act(sessionmaker, assign(chengdu.finance, evaluation, firm))
    problem = await refused(sessionmaker, ValidationFailed, end(chengdu.finance, row, reason="  "))
    assert [p.field for p in problem.problems] == ["reason"]
    await refused(sessionmaker, ValidationFailed, end(chengdu.finance, row, reason="理由\x00"))
    await refused(sessionmaker, Forbidden, end(chengdu.agency, row))  # reads it, may not manage it
    await refused(sessionmaker, NotFound, end(firm, row))  # not yet begun: the firm reads nothing of it
    ended = await act(sessionmaker, end(chengdu.finance, row))
    assert ended.ended_at == DURING and ended.end_reason == "合同终止"
    assert ended.ended_by_id == chengdu.finance.user_id
    assert (await reloaded(sessionmaker, firm, DURING + timedelta(seconds=1))).assignments == frozenset()
    again = await refused(sessionmaker, Conflict, end(chengdu.finance, ended))
    assert again.code == AssignmentErrorCode.ASSIGNMENT_ENDED
    async with sessionmaker() as session:
        stmt = select(AuditEvent.operation).where(AuditEvent.target_type == "Assignment")
        operations = (await session.exec(stmt.order_by(col(AuditEvent.id)))).all()
    assert operations == ["assignmentCreate", "assignmentEnd"]


async def test_art17_an_overlapping_assignment_to_the_same_organization_is_a_conflict(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    evaluation = await evaluation_in(sessionmaker, CHENGDU)
    firm = await third_party(sessionmaker)
    first = await act(sessionmaker, assign(chengdu.finance, evaluation, firm))
    overlap = assign(chengdu.finance, evaluation, firm, starts_on=date(2026, 6, 30), ends_on=date(2026, 8, 1))
    conflict = await refused(sessionmaker, Conflict, overlap)
    assert conflict.code == AssignmentErrorCode.ASSIGNMENT_OVERLAPS
    # The day after the last is free; and once the first is ended, its period is free again.
    await act(
        sessionmaker,
        assign(chengdu.finance, evaluation, firm, starts_on=date(2026, 7, 1), ends_on=date(2026, 7, 31)),
    )
    await act(sessionmaker, end(chengdu.finance, first))
    await act(sessionmaker, assign(chengdu.finance, evaluation, firm))


async def test_art17_only_the_finance_of_the_records_region_assigns_it(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    evaluation = await evaluation_in(sessionmaker, CHENGDU)
    firm = await third_party(sessionmaker)
    for actor in (chengdu.agency, chengdu.tax, chengdu.reviewer, firm):
        with pytest.raises((Forbidden, NotFound)):
            await act(sessionmaker, assign(actor, evaluation, firm))
    province = await make_actor(sessionmaker, actor_type=ActorType.FINANCE)  # 财政厅: above, not its own
    await refused(sessionmaker, Forbidden, assign(province, evaluation, firm))
    zigong = await make_actor(sessionmaker, actor_type=ActorType.FINANCE, region_code=ZIGONG)
    await refused(sessionmaker, NotFound, assign(zigong, evaluation, firm))  # it does not even read it


async def test_art17_only_third_parties_are_assigned_and_only_assignable_records_valid_periods(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    evaluation = await evaluation_in(sessionmaker, CHENGDU)
    firm = await third_party(sessionmaker)

    async def problem_of(call: Call[Assignment]) -> list[str]:
        return [p.field for p in (await refused(sessionmaker, ValidationFailed, call)).problems]

    assert await problem_of(assign(chengdu.finance, evaluation, chengdu.agency)) == ["input.organizationId"]
    assert await problem_of(assign(chengdu.finance, evaluation, firm, subject_type="Goal")) == [
        "input.subjectType"
    ]
    assert await problem_of(assign(chengdu.finance, evaluation, firm, subject_type="Nothing")) == [
        "input.subjectType"
    ]
    backwards = assign(chengdu.finance, evaluation, firm, starts_on=ENDS_ON, ends_on=STARTS_ON)
    assert await problem_of(backwards) == ["input.endsOn"]
    assert await problem_of(assign(chengdu.finance, evaluation, firm, note="x" * 501)) == ["input.note"]
    assert await problem_of(assign(chengdu.finance, evaluation, firm, note="一行\n两行")) == ["input.note"]
    past = assign(chengdu.finance, evaluation, firm, starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 31))
    assert await problem_of(past) == ["input.endsOn"]  # over before it could begin
    missing = AssignmentRequest("SelfEvaluation", 10**6, firm.organization_id, STARTS_ON, ENDS_ON)
    await refused(
        sessionmaker,
        NotFound,
        lambda s: create_assignment(session=s, actor=chengdu.finance, request=missing, now=BEFORE),
    )


async def test_art17_third_party_sees_only_what_it_is_assigned_and_drafts_it_but_takes_no_other_step(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    evaluation = await evaluation_in(sessionmaker, CHENGDU)
    other = await evaluation_in(sessionmaker, CHENGDU, fund_code="RESIDENT_MEDICAL")
    firm = await third_party(sessionmaker)
    await act(sessionmaker, assign(chengdu.finance, evaluation, firm))
    assigned = await reloaded(sessionmaker, firm, DURING)
    async with sessionmaker() as session:
        scopes = {e.id: await self_evaluation_scope(session, e) for e in (evaluation, other)}
        acting = {e.id: await policy_scope(session, e) for e in (evaluation, other)}
    assert policy.visible(assigned, scopes[evaluation.id]) and not policy.visible(assigned, scopes[other.id])
    assert not policy.visible(firm, scopes[evaluation.id])  # before it began
    assert policy.allowed(assigned, Action.SELF_EVALUATION_DRAFT, acting[evaluation.id])
    assert not policy.allowed(assigned, Action.SELF_EVALUATION_DRAFT, acting[other.id])
    # Submission, the tax department's opinion and acceptance stay with the bodies Art. 17 names.
    for action in (
        Action.SELF_EVALUATION_SUBMIT,
        Action.SELF_EVALUATION_TAX_OPINION,
        Action.SELF_EVALUATION_ACCEPT,
        Action.SELF_EVALUATION_OPEN,
        Action.ASSIGNMENT_MANAGE,
    ):
        assert not policy.allowed(assigned, action, acting[evaluation.id]), action
    # A read-only API token still refuses every action; a region outside the token's hides the record.
    assert not policy.allowed(
        replace(assigned, read_only=True), Action.SELF_EVALUATION_DRAFT, acting[evaluation.id]
    )
    assert not policy.visible(replace(assigned, token_region_path="/510000/510300/"), scopes[evaluation.id])
