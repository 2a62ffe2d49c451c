"""An event as it travels after commit: plain data, the same in-process and as JSON through Redis."""

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from src.models.enums import Administration, GoalStatus
from src.models.event import Event, EventKind, SubjectType


@dataclass(frozen=True)
class EventMessage:
    id: int
    kind: EventKind
    subject_type: SubjectType
    subject_id: int
    region_id: int
    region_path: str
    fund_type_id: int | None
    administration: Administration | None
    goal_status: GoalStatus | None
    audience_user_id: int | None
    actor_user_id: int | None
    occurred_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, row: Event) -> "EventMessage":
        assert row.id is not None
        return cls(
            id=row.id,
            kind=row.kind,
            subject_type=row.subject_type,
            subject_id=row.subject_id,
            region_id=row.region_id,
            region_path=row.region_path,
            fund_type_id=row.fund_type_id,
            administration=row.administration,
            goal_status=row.goal_status,
            audience_user_id=row.audience_user_id,
            actor_user_id=row.actor_user_id,
            occurred_at=row.occurred_at,
            payload=dict(row.payload or {}),
        )

    def to_json(self) -> str:
        values = asdict(self)
        values["occurred_at"] = self.occurred_at.isoformat()
        return json.dumps(values, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> "EventMessage":
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "EventMessage":
        return cls(
            id=int(values["id"]),
            kind=EventKind(values["kind"]),
            subject_type=SubjectType(values["subject_type"]),
            subject_id=int(values["subject_id"]),
            region_id=int(values["region_id"]),
            region_path=str(values["region_path"]),
            fund_type_id=values["fund_type_id"],
            administration=Administration(values["administration"]) if values["administration"] else None,
            goal_status=GoalStatus(values["goal_status"]) if values["goal_status"] else None,
            audience_user_id=values["audience_user_id"],
            actor_user_id=values["actor_user_id"],
            occurred_at=datetime.fromisoformat(values["occurred_at"]),
            payload=dict(values["payload"] or {}),
        )
