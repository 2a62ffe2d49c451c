"""Who may see an event: whoever may read its subject, by the one rule of the read API (policy.visibility),
applied to the subject's scope that the event row carries (so neither needs a join).

event_visible decides for one event already in memory (a live delivery); visible_events_clause is the same
rule as SQL (catch-up and `events`).
"""

from sqlalchemy import ColumnElement
from sqlmodel import col

from src.events.message import EventMessage
from src.models.event import Event
from src.services import policy
from src.services.actors import Actor
from src.subjects.scope import ColumnTerms, recipients_clause


def event_visible(actor: Actor, event: EventMessage) -> bool:
    return policy.visible(actor, event.scope())


def event_columns() -> ColumnTerms:
    return ColumnTerms(
        region_path=col(Event.region_path),
        addressed=recipients_clause(col(Event.administrations)),
        draft=col(Event.draft),
        owner_user_id=col(Event.audience_user_id),
        public=col(Event.public),
        hidden_below=col(Event.hidden_below),
        top_path=col(Event.top_path),
        subject_type=col(Event.scope_subject_type),
        subject_id=col(Event.scope_subject_id),
    )


def visible_events_clause(actor: Actor) -> ColumnElement[bool]:
    """event_visible as SQL."""
    return policy.visible_clause(actor, event_columns())
