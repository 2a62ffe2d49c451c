"""Who may see an event: whoever may read its subject, by the same rules as the read API (policy.py).

event_visible decides for one event already in memory (a live delivery); visible_events_clause is the same
rule as SQL (catch-up and `events`). Both read only what the event row carries, so neither needs a join.
"""

from sqlalchemy import ColumnElement, and_, false, literal, or_, true
from sqlmodel import col

from src.events.message import EventMessage
from src.models.enums import ActorType
from src.models.event import Event
from src.services import policy
from src.services.actors import Actor


def event_visible(actor: Actor, event: EventMessage) -> bool:
    if event.audience_user_id is not None and not actor.is_admin and actor.user_id != event.audience_user_id:
        return False
    if event.goal_status is not None:
        return policy.goal_visible(
            actor,
            region_path=event.region_path,
            administration=event.administration,
            status=event.goal_status,
        )
    return policy.record_visible(actor, region_path=event.region_path, administration=event.administration)


def visible_events_clause(actor: Actor) -> ColumnElement[bool]:
    """event_visible as SQL."""
    actor = policy.reader(actor)
    clauses: list[ColumnElement[bool]] = []
    if actor.token_region_path is not None:
        clauses.append(col(Event.region_path).startswith(actor.token_region_path, autoescape=True))
    if actor.is_admin:
        return and_(true(), *clauses)
    clauses.append(or_(col(Event.audience_user_id).is_(None), col(Event.audience_user_id) == actor.user_id))
    not_draft = or_(
        col(Event.goal_status).is_(None), col(Event.goal_status).not_in(list(policy.DRAFT_STATES))
    )
    if actor.actor_type == ActorType.THIRD_PARTY:
        return false()
    if actor.actor_type == ActorType.NATIONAL:
        return and_(not_draft, *clauses)
    if actor.actor_type in policy.ADMINISTRATION_BOUND:
        clauses.append(col(Event.administration) == actor.administration)
    below = col(Event.region_path).startswith(actor.region_path, autoescape=True)
    above = and_(literal(actor.region_path).startswith(col(Event.region_path)), not_draft)
    return and_(or_(below, above), *clauses)
