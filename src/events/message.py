"""An event as it travels after commit: plain data, the same in-process and as JSON through Redis."""

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from src.models.event import Event
from src.subjects.scope import RecordScope, recipients_of


@dataclass(frozen=True)
class EventMessage:
    id: int
    kind: str
    subject_type: str
    subject_id: int
    region_id: int
    region_path: str
    fund_type_id: int | None
    administrations: str  # recipients, as stored: "|HRSS|"
    draft: bool
    audience_user_id: int | None
    actor_user_id: int | None
    occurred_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    public: bool = False
    hidden_below: bool = False
    top_path: str | None = None
    # The subject whose assignees see it (Event.scope_subject_type/_id).
    scope_subject_type: str | None = None
    scope_subject_id: int | None = None

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
            administrations=row.administrations,
            draft=row.draft,
            audience_user_id=row.audience_user_id,
            actor_user_id=row.actor_user_id,
            occurred_at=row.occurred_at,
            payload=dict(row.payload or {}),
            public=row.public,
            hidden_below=row.hidden_below,
            top_path=row.top_path,
            scope_subject_type=row.scope_subject_type,
            scope_subject_id=row.scope_subject_id,
        )

    def scope(self) -> RecordScope:
        """Who may see it: its subject's scope when it was written."""
        return RecordScope(
            region_id=self.region_id,
            region_path=self.region_path,
            fund_type_id=self.fund_type_id,
            administrations=recipients_of(self.administrations),
            draft=self.draft,
            owner_user_id=self.audience_user_id,
            public=self.public,
            hidden_below=self.hidden_below,
            top_path=self.top_path,
            subject=(
                (self.scope_subject_type, self.scope_subject_id)
                if self.scope_subject_type is not None and self.scope_subject_id is not None
                else None
            ),
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
            kind=str(values["kind"]),
            subject_type=str(values["subject_type"]),
            subject_id=int(values["subject_id"]),
            region_id=int(values["region_id"]),
            region_path=str(values["region_path"]),
            fund_type_id=values["fund_type_id"],
            administrations=str(values["administrations"]),
            draft=bool(values["draft"]),
            audience_user_id=values["audience_user_id"],
            actor_user_id=values["actor_user_id"],
            occurred_at=datetime.fromisoformat(values["occurred_at"]),
            payload=dict(values["payload"] or {}),
            # A message from a process started before public records existed has no such field.
            public=bool(values.get("public", False)),
            # Nor, from before batches had scopes of their own, these.
            hidden_below=bool(values.get("hidden_below", False)),
            top_path=values.get("top_path"),
            # Nor, from before assignments, these.
            scope_subject_type=values.get("scope_subject_type"),
            scope_subject_id=values.get("scope_subject_id"),
        )
