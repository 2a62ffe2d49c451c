"""The one writer of events: in the caller's transaction, beside the change it announces.

    await record_event(session=session, kind=BudgetEventKind.BUDGET_APPROVED, subject=budget, actor=actor,
                       payload={"year": budget.year})

Services call it; it lives below them and the event machinery (src/events/) reads what it wrote. Who may
see the event is its subject's scope, asked of the registry (a goal: its region, its fund's administration,
whether it is a draft), copied onto the row. After the transaction commits, the session's relay
(src/events/relay.py) is woken to publish.
"""

from typing import Any

from sqlalchemy import event, func
from sqlalchemy.orm import Session, SessionTransaction
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.event import Event
from src.services.actors import Actor
from src.subjects.registry import registry
from src.subjects.scope import recipients_text

# session.info key: the transaction wrote events (the relay is woken after its commit).
PENDING = "fundperf.events_pending"
# PostgreSQL: transactions writing events take this transaction-level advisory lock before their first
# event, so ids are drawn in commit order (one such transaction at a time, from its first event to its
# commit). Without it a transaction holding id 10 could commit after one holding 11, and a subscriber
# that resumes after 11 would never see 10. SQLite has one writer at a time anyway.
ORDER_LOCK_KEY = 0x66756E64  # "fund"
ORDERED = "fundperf.events_ordered"
RELAY = "fundperf.events_relay"  # session.info key: what to wake after a commit with events (relay.py)
# session.info key: the transaction is counted among the relay's writers (Relay.writing) until it ends.
WRITING = "fundperf.events_writing"


async def record_event(
    *,
    session: AsyncSession,
    kind: str,
    subject: Any,
    actor: Actor | None,
    payload: dict[str, Any] | None = None,
) -> Event:
    """Adds the event to the session's transaction (flushed with it; published after its commit). `kind`
    must be one the subject's type registered."""
    spec = registry().subject_of(subject)
    if registry().subject_of_kind(kind) is not spec:
        raise ValueError(f"event kind {kind} is not one of {spec.name}'s")
    if not session.info.get(WRITING) and (relay := session.info.get(RELAY)) is not None:
        session.info[WRITING] = True  # from before the advisory lock: a transaction waiting for it counts
        relay.writing_started()
    scope = await spec.scope(session, subject)
    if not session.info.get(ORDERED) and session.get_bind().dialect.name == "postgresql":
        await session.exec(select(func.pg_advisory_xact_lock(ORDER_LOCK_KEY)))
        session.info[ORDERED] = True
    row = Event(
        kind=str(kind),
        subject_type=spec.name,
        subject_id=spec.row_id(subject),
        region_id=scope.region_id,
        region_path=scope.region_path,
        fund_type_id=scope.fund_type_id,
        administrations=recipients_text(scope.administrations),
        draft=scope.draft,
        public=scope.public,
        hidden_below=scope.hidden_below,
        top_path=scope.top_path,
        audience_user_id=scope.owner_user_id,
        scope_subject_type=scope.subject[0] if scope.subject is not None else None,
        scope_subject_id=scope.subject[1] if scope.subject is not None else None,
        actor_user_id=actor.user_id if actor is not None else None,
        actor_organization_id=actor.organization_id if actor is not None else None,
        payload=payload or {},
    )
    session.add(row)
    session.info[PENDING] = True
    return row


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


@event.listens_for(Session, "after_transaction_end")
def _writing_ended(session: Session, transaction: SessionTransaction) -> None:
    # Committed, rolled back or closed (after after_commit has woken the relay).
    if transaction.parent is None and session.info.pop(WRITING, False):
        relay: Any = session.info.get(RELAY)
        if relay is not None:
            relay.writing_ended()
