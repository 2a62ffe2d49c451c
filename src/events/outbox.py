"""The one helper that writes events: in the caller's transaction, beside the change it announces.

    await record_event(session=session, kind=EventKind.BUDGET_APPROVED, subject=budget, actor=actor,
                       payload={"year": budget.year})

The region, fund and goal status that decide visibility are taken from the subject (a Goal, FundBudget or
ReportJob). After the transaction commits, the session's relay (relay.py) is woken to publish.
"""

from typing import Any

from sqlalchemy import event, func
from sqlalchemy.orm import Session
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundType, Goal, Region, ReportJob
from src.models.enums import GoalStatus
from src.models.event import Event, EventKind, SubjectType
from src.services.actors import Actor
from src.services.rows import kept_row

# session.info key: the transaction wrote events (the relay is woken after its commit).
PENDING = "fundperf.events_pending"
# PostgreSQL: transactions writing events take this transaction-level advisory lock before their first
# event, so ids are drawn in commit order (one such transaction at a time, from its first event to its
# commit). Without it a transaction holding id 10 could commit after one holding 11, and a subscriber
# that resumes after 11 would never see 10. SQLite has one writer at a time anyway.
ORDER_LOCK_KEY = 0x66756E64  # "fund"
ORDERED = "fundperf.events_ordered"
RELAY = "fundperf.events_relay"  # session.info key: what to wake after a commit with events (relay.py)

Subject = Goal | FundBudget | ReportJob


async def _subject_scope(
    session: AsyncSession, subject: Subject
) -> tuple[SubjectType, int | None, GoalStatus | None, int | None]:
    """The subject's type, region, the goal status that decides visibility, and the user it is kept for."""
    if isinstance(subject, Goal):
        return SubjectType.GOAL, subject.region_id, subject.status, None
    if isinstance(subject, FundBudget):
        return SubjectType.FUND_BUDGET, subject.region_id, None, None
    goal = await session.get(Goal, subject.goal_id) if subject.goal_id is not None else None
    if goal is not None:
        return SubjectType.REPORT_JOB, goal.region_id, goal.status, None
    # A batch is seen by whoever reads its region and fund; a job whose goal is gone, by its requester.
    audience = None if subject.year is not None else subject.requested_by_id
    return SubjectType.REPORT_JOB, subject.region_id, None, audience


async def record_event(
    *,
    session: AsyncSession,
    kind: EventKind,
    subject: Subject,
    actor: Actor | None,
    payload: dict[str, Any] | None = None,
) -> Event:
    """Adds the event to the session's transaction (flushed with it; published after its commit)."""
    assert subject.id is not None
    subject_type, region_id, goal_status, audience = await _subject_scope(session, subject)
    if region_id is None:
        raise ValueError(f"{subject_type} {subject.id} has no region: its event would be seen by nobody")
    region = await kept_row(session, Region, region_id)  # read for the policy already, as a rule
    fund = (
        await kept_row(session, FundType, subject.fund_type_id) if subject.fund_type_id is not None else None
    )
    assert region is not None
    if not session.info.get(ORDERED) and session.get_bind().dialect.name == "postgresql":
        await session.exec(select(func.pg_advisory_xact_lock(ORDER_LOCK_KEY)))
        session.info[ORDERED] = True
    event = Event(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject.id,
        region_id=region_id,
        region_path=region.path,
        fund_type_id=subject.fund_type_id,
        administration=fund.administration if fund is not None else None,
        goal_status=goal_status,
        audience_user_id=audience,
        actor_user_id=actor.user_id if actor is not None else None,
        actor_organization_id=actor.organization_id if actor is not None else None,
        payload=payload or {},
    )
    session.add(event)
    session.info[PENDING] = True
    return event


@event.listens_for(Session, "after_commit")
def _wake_relay(session: Session) -> None:
    session.info.pop(ORDERED, None)  # the advisory lock ended with the transaction
    if session.info.pop(PENDING, False):
        relay: Any = session.info.get(RELAY)
        if relay is not None:
            relay.wake()


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    # A rolled-back transaction's events are gone with it: nothing to announce.
    session.info.pop(PENDING, None)
    session.info.pop(ORDERED, None)
