"""Reading the audit trail: administrators and the provincial finance department only."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from src.models import AuditEvent, User
from src.services import policy
from src.services.actors import Actor


@dataclass(frozen=True)
class AuditQuery:
    operation: str | None = None
    target_type: str | None = None
    target_id: int | None = None
    username: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def audit_events_select(query: AuditQuery, actor: Actor) -> SelectOfScalar[AuditEvent]:
    policy.require(policy.reader(actor), policy.Action.AUDIT_READ)
    stmt = select(AuditEvent)
    if query.operation is not None:
        stmt = stmt.where(AuditEvent.operation == query.operation)
    if query.target_type is not None:
        stmt = stmt.where(AuditEvent.target_type == query.target_type)
    if query.target_id is not None:
        stmt = stmt.where(AuditEvent.target_id == query.target_id)
    if query.username is not None:
        user = select(User.id).where(User.username == query.username).scalar_subquery()
        stmt = stmt.where(col(AuditEvent.user_id) == user)
    if query.since is not None:
        stmt = stmt.where(col(AuditEvent.at) >= query.since)
    if query.until is not None:
        stmt = stmt.where(col(AuditEvent.at) < query.until)
    return stmt
